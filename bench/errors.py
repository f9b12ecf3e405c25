"""The benchmark's own error: a usage or environment problem, with the exit status to return."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable


class BenchError(Exception):
    """A usage or environment problem: the message says what to do, the code is the exit code."""

    def __init__(self, code: int, message: str) -> None:
        """Keep the exit code with the message."""
        super().__init__(message)
        self.code = code


def exit_status(name: str) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """Decorate a benchmark's `main`: a BenchError is said on standard error as `name: message`
    and its code returned; an interrupt is said and returns 130 (the main's own `finally`
    cleans up first)."""

    def decorate(main: Callable[..., int]) -> Callable[..., int]:
        @functools.wraps(main)
        def run(*args: object, **kwargs: object) -> int:
            try:
                return main(*args, **kwargs)
            except BenchError as exc:
                print(f"{name}: {exc}", file=sys.stderr)
                return exc.code
            except KeyboardInterrupt:
                print(f"{name}: interrupted", file=sys.stderr)
                return 130

        return run

    return decorate
