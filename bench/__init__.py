"""Benchmarks of counterdesk's hot paths (run them as modules, e.g. `python -m bench.lookup`)."""
