"""The dependency direction of ../shared/design.md, checked by reading every import."""

from __future__ import annotations

import ast
import configparser
import subprocess
import sys
from pathlib import Path

import pytest
from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = {"models", "cards", "sync", "hq", "reports", "desktop", "relay"}
OURS = PRODUCT | {"bench", "testkit"}

# package -> the packages of ours it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "models": set(),
    "cards": set(),
    "sync": {"models"},
    "hq": {"models"},
    "reports": {"models"},
    "desktop": {"sync", "reports", "cards", "models"},
    "bench": {"models", "cards", "sync", "hq", "reports", "relay", "testkit"},
    # the tests' and benchmarks' process kit: it may reach any product package; none of them,
    # being shipped, may import it (their own rules above do not list it)
    "testkit": set(PRODUCT),
    # the office tier: headquarters' API and store, run as the office, and sync's client
    "relay": {"hq", "sync", "models"},
}
# The `counterdesk` command line is the one composition root of every component: it also
# carries the headquarters commands. Nothing else in desktop may import hq.
# The desktop application's benchmark builds the application (and a bare ttkbootstrap window
# as its baseline); no other benchmark touches desktop or a toolkit.
# Headquarters draws one document itself, the citizen's downloaded rights record, with the
# counter's data gathering and renderer: only the module that builds that download imports
# reports.
HQ_REPORTS_GATE = "hq/web/download_statement.py"
ALSO_ALLOWED: dict[str, set[str]] = {
    "desktop/cli.py": {"hq", "relay"},
    HQ_REPORTS_GATE: {"reports"},
    "bench/app.py": {"desktop"},
    "bench/app_child.py": {"desktop"},
    # desktop.local_hq.counterdesk_command: the command line as child processes (servers are
    # started by testkit)
    "bench/soak.py": {"desktop"},
    "bench/relay_world.py": {"desktop"},
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


# third-party modules only some files may import, within their package
ONLY_IN: dict[str, tuple[str, ...]] = {
    "smartcard": ("cards/pcsc.py",),  # pyscard: the one PC/SC seam
    "reportlab": ("reports/pdf/",),  # the PDF renderers and their baseline
}
HTTP_CLIENTS = {"httpx", "requests", "urllib3", "aiohttp"}  # plus urllib.request, http.client


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


def test_hq_imports_reports_only_in_the_module_of_the_citizens_download() -> None:
    importers = {
        str(path.relative_to(ROOT)) for path in sources("hq") if "reports" in imports_of(path)
    }
    assert importers == {HQ_REPORTS_GATE}
    # and there only what the rights record needs: its data, its renderer, its errors
    modules = {
        name for name in _full_imports(ROOT / HQ_REPORTS_GATE) if name.split(".")[0] == "reports"
    }
    assert modules <= {"reports.issue", "reports.queries", "reports.errors", "reports.model"}


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


def test_shipped_packages_never_import_the_test_kit() -> None:
    wrong = [
        str(path.relative_to(ROOT))
        for package in PRODUCT
        for path in sources(package)
        if "testkit" in imports_of(path)
    ]
    assert wrong == []


def test_only_the_product_packages_are_shipped() -> None:
    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg", encoding="utf-8")
    include = setup["options.packages.find"]["include"].split()
    shipped = {name.split(".")[0] for name in find_packages(str(ROOT), include=include)}
    assert shipped == PRODUCT  # never testkit, bench or tests


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import desktop.cli\nfrom reportlab.pdfgen import canvas\nfrom . import x\n")
    assert imports_of(bad) == {"desktop", "reportlab"}


def test_the_packages_that_exist_are_all_known() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages - {"tests"} <= set(ALLOWED)


def _full_imports(path: Path) -> set[str]:
    """Dotted names of every module a source file imports (relative imports excluded)."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_pyscard_and_reportlab_are_imported_only_by_their_seams() -> None:
    wrong = []
    for path in (p for package in OURS for p in sources(package)):
        where = str(path.relative_to(ROOT))
        for module, places in ONLY_IN.items():
            if module in imports_of(path) and not where.startswith(places):
                wrong.append(f"{where} imports {module}")
    assert wrong == []


def test_the_register_makes_no_http_requests() -> None:
    wrong = []
    for path in sources("models"):
        found = imports_of(path) & HTTP_CLIENTS
        found |= _full_imports(path) & {"urllib.request", "http.client"}
        wrong += [f"{path.relative_to(ROOT)} imports {name}" for name in sorted(found)]
    assert wrong == []


def test_the_application_s_core_never_imports_its_screens() -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources("desktop/core")
        for name in _full_imports(path)
        if name == "desktop.app" or name.startswith("desktop.app.")
    ]
    assert wrong == []


_IMPORT_EVERY_CORE_MODULE = """
import importlib, pkgutil, sys
import desktop.core as core
for found in pkgutil.iter_modules(core.__path__):
    importlib.import_module("desktop.core." + found.name)
print(sorted(m for m in sys.modules if m.split(".")[0] in ("tkinter", "_tkinter", "ttkbootstrap")
             or m.startswith("desktop.app")))
"""


def test_the_application_s_core_loads_no_toolkit_even_through_other_packages() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_EVERY_CORE_MODULE],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    assert done.stdout.strip() == "[]"


def _module_graph() -> dict[str, set[str]]:
    """Every product module and the product modules it imports (also those imported only for
    type checking: a circle there is a circle for the reader too)."""
    modules: dict[str, Path] = {}
    for package in sorted(PRODUCT):
        for path in sources(package):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name in modules)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in modules:
                subs = [f"{node.module}.{a.name}" for a in node.names]
                found.update(s for s in subs if s in modules)
                if any(s not in modules for s in subs):  # a name of the module itself
                    found.add(node.module)
        graph[name] = found - {name}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a circle (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return circles


def test_no_two_modules_import_each_other() -> None:
    assert _circles(_module_graph()) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]
