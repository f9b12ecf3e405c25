"""The benchmark's own error: a usage or environment problem, with the exit status to return."""

from __future__ import annotations


class BenchError(Exception):
    """A usage or environment problem: the message says what to do, the code is the exit code."""

    def __init__(self, code: int, message: str) -> None:
        """Keep the exit code with the message."""
        super().__init__(message)
        self.code = code
