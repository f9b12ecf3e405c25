"""What the tests and the benchmarks both need to run real processes: a free loopback port,
`counterdesk hq serve` / `relay serve` started and stopped, an Xvfb screen, and a shaped WAN link
(bandwidth, round trip, cuts) between an office and headquarters.

Why a top-level package and not a module of `tests/` or `bench/`: both import it, and neither
should import the other for plumbing (`bench` is benchmarks, `tests` is pytest's). It is not
product code: setup.cfg's `packages.find` lists the shipped packages by name, so it is never
installed, and it is importable from the repository root only (pytest's `pythonpath = ["."]`,
`python -m bench.X` run from the root). It may import product packages; no product package may
import it (tests/test_architecture.py checks both). It imports no pytest: a caller turns its
errors into a skip or a failure.
"""

from testkit.ports import free_port
from testkit.services import Service, ServiceFailed, running_service, start_service
from testkit.shaped_link import LinkShape, ShapedLink, shaped_link
from testkit.xvfb import XVFB_MISSING, Xvfb, XvfbFailed, running_xvfb, start_xvfb, xvfb_binary

__all__ = [
    "XVFB_MISSING",
    "LinkShape",
    "Service",
    "ServiceFailed",
    "ShapedLink",
    "Xvfb",
    "XvfbFailed",
    "free_port",
    "running_service",
    "running_xvfb",
    "shaped_link",
    "start_service",
    "start_xvfb",
    "xvfb_binary",
]
