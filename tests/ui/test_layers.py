"""The arrows between layers stay true: `ui` never reaches into `db` or SQLAlchemy."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
FORBIDDEN = ("db", "sqlalchemy")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_ui_modules_import_neither_db_nor_sqlalchemy() -> None:
    files = sorted(UI.rglob("*.py"))
    assert files, "no ui modules found"
    offenders = {str(f.relative_to(UI)): sorted(n for n in _imports(f) if n.split(".")[0] in FORBIDDEN) for f in files}
    assert {f: names for f, names in offenders.items() if names} == {}


def test_every_ui_module_starts_with_a_docstring() -> None:
    missing = [str(f.relative_to(UI)) for f in UI.rglob("*.py") if ast.get_docstring(ast.parse(f.read_text())) is None]
    assert missing == []
