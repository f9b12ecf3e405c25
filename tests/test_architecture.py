"""The dependency direction of ../shared/design.md, checked by reading every import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"models", "cards", "sync", "hq", "reports", "desktop", "bench", "relay"}

# package -> the packages of ours it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "models": set(),
    "cards": set(),
    "sync": {"models"},
    "hq": {"models"},
    "reports": {"models"},
    "desktop": {"sync", "reports", "cards", "models"},
    "bench": {"models", "cards", "sync", "hq", "reports", "relay"},
    # the office tier: headquarters' API and store, run as the office, and sync's client
    "relay": {"hq", "sync", "models"},
}
# The `counterdesk` command line is the one composition root of every component: it also
# carries the headquarters commands. Nothing else in desktop may import hq.
# The desktop application's benchmark builds the application (and a bare ttkbootstrap window
# as its baseline); no other benchmark touches desktop or a toolkit.
ALSO_ALLOWED: dict[str, set[str]] = {
    "desktop/cli.py": {"hq", "relay"},
    "bench/app.py": {"desktop"},
    "bench/app_child.py": {"desktop"},
    "bench/sync.py": {"desktop"},  # desktop.local_hq: `hq serve` as a child process
    "bench/soak.py": {"desktop"},  # desktop.local_hq: the command line as child processes
    "bench/relay_world.py": {"desktop"},  # desktop.local_hq: hq serve and relay serve
}
TOOLKIT_EXCEPTIONS: dict[str, set[str]] = {
    "bench/app.py": {"tkinter", "ttkbootstrap"},
    "bench/app_child.py": {"tkinter", "ttkbootstrap"},
}
# third-party modules only one package may import
EXCLUSIVE: dict[str, str] = {
    "tkinter": "desktop",
    "ttkbootstrap": "desktop",
    "reportlab": "reports",
    "smartcard": "cards",
}


def imports_of(path: Path) -> set[str]:
    """Top-level names of every module imported by a source file (relative imports excluded)."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else []


def test_every_package_imports_only_what_the_design_allows() -> None:
    wrong = []
    for package, allowed in ALLOWED.items():
        for path in sources(package):
            extra = ALSO_ALLOWED.get(str(path.relative_to(ROOT)), set())
            for name in imports_of(path) & OURS - {package} - allowed - extra:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


@pytest.mark.slow
def test_toolkits_are_imported_only_by_their_own_package() -> None:
    wrong = []
    for package in ALLOWED:
        for path in sources(package):
            excepted = TOOLKIT_EXCEPTIONS.get(str(path.relative_to(ROOT)), set())
            for module, owner in EXCLUSIVE.items():
                if module in imports_of(path) and package != owner and module not in excepted:
                    wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import desktop.cli\nfrom reportlab.pdfgen import canvas\nfrom . import x\n")
    assert imports_of(bad) == {"desktop", "reportlab"}


def test_the_packages_that_exist_are_all_known() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages - {"tests"} <= set(ALLOWED)
