"""A deterministic demo district: realistic, reproducible data for demos, tests and benchmarks."""
