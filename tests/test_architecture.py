"""The layers stay apart: no Qt in the core or the database layer, no database in the UI."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def _offenders(package: str, banned: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{file}: {name}" for file, names in _imports(package).items() for name in names if name.split(".")[0] in banned
    )


# The console entry point is the one place that may start the window, and only lazily.
ENTRY_POINT_EXCEPTION = ["app/cli.py: ui.app"]


def test_the_core_never_imports_qt() -> None:
    assert _offenders("app", ("PySide6", "shiboken6", "ui")) == ENTRY_POINT_EXCEPTION


def test_loading_the_core_and_the_cli_loads_no_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pkgutil, importlib, app, app.cli, app.commands\n"
        "for m in pkgutil.walk_packages(app.__path__, 'app.'): importlib.import_module(m.name)\n"
        "app.cli.build_parser()\n"
        "print(sorted(n for n in sys.modules if n.startswith(('PySide6', 'ui'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_the_database_layer_never_imports_qt_or_the_ui() -> None:
    assert _offenders("db", ("PySide6", "shiboken6", "ui")) == []


def test_the_ui_never_touches_the_database_directly() -> None:
    assert _offenders("ui", ("db", "sqlalchemy", "alembic")) == []


def test_the_domain_is_plain_python() -> None:
    domain = {k: v for k, v in _imports("app").items() if k.startswith("app/domain")}
    bad = sorted(
        f"{f}: {n}"
        for f, names in domain.items()
        for n in names
        if n.split(".")[0] in ("sqlalchemy", "db", "PySide6", "alembic")
    )
    assert bad == []


def test_every_module_starts_with_a_docstring() -> None:
    missing = []
    for package in ("app", "ui", "db"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations/versions" in path.as_posix():
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if ast.get_docstring(tree) is None:
                missing.append(str(path.relative_to(ROOT)))
    assert missing == []


def test_no_cpt_descriptor_text_ships_in_resources() -> None:
    """AMA copyright: resources may name CPT codes but never carry their descriptors.

    CMS's HCPCS file reuses some of the same phrasing for its own (public domain) G codes, so the
    check is that such phrasing never stands beside a CPT-shaped code (five digits, or four and F/T/U).
    """
    import re

    cpt_code = re.compile(r"(?<![A-Z0-9])[0-9]{4}[0-9FTU](?![0-9])")
    phrases = (
        "office or other outpatient visit for the evaluation and management",
        "collection of venous blood by venipuncture",
        "established patient, which requires",
    )
    checked = 0
    for path in (ROOT / "resources").rglob("*"):
        if path.is_file() and path.suffix in (".csv", ".txt", ".json", ".tsv"):
            checked += 1
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="ignore").splitlines(), 1):
                lowered = line.lower()
                if any(p in lowered for p in phrases):
                    assert not cpt_code.search(line), f"{path.name}:{number} pairs a CPT code with descriptor text"
    assert checked > 0
