"""UI fixtures: a QSettings sandbox, and practice databases built once and copied for each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from app.domain.import_format import ImportFile
from app.services.container import Services, open_services
from tests.factories import practice_document
from tests.ui.worklist_data import worklist_document
from ui.jobs import wait_for_jobs


@pytest.fixture(scope="session", autouse=True)
def _settings_sandbox(qapp, tmp_path_factory: pytest.TempPathFactory) -> None:  # noqa: ANN001 - pytest-qt's app
    """Window geometry and other QSettings go to a temporary folder, never the tester's own."""
    QCoreApplication.setOrganizationName("ClaimDeskTests")
    QCoreApplication.setApplicationName("ClaimDeskTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("settings")))


def _template(tmp_path_factory: pytest.TempPathFactory, name: str, document: dict[str, Any]) -> Path:
    """A database imported once per session from `document`; tests work on copies of it."""
    path = tmp_path_factory.mktemp("template") / f"{name}.sqlite3"
    desk = open_services(path, user="tester")
    try:
        desk.importer.import_data(ImportFile.model_validate(document))
    finally:
        desk.close()
    return path


@pytest.fixture(scope="session")
def _worklist_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _template(tmp_path_factory, "worklist", worklist_document())


@pytest.fixture(scope="session")
def _practice_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _template(tmp_path_factory, "practice", practice_document())


@pytest.fixture(scope="session")
def _empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.sqlite3"
    open_services(path, user="tester").close()
    return path


def _open_copy(template: Path, target: Path) -> Iterator[Services]:
    shutil.copy(template, target)
    desk = open_services(target, user="tester")
    try:
        yield desk
    finally:
        wait_for_jobs()
        desk.close()


@pytest.fixture
def desk(_worklist_template: Path, tmp_path: Path) -> Iterator[Services]:
    """Services over a copy of the 40-encounter practice in `worklist_data`."""
    yield from _open_copy(_worklist_template, tmp_path / "worklist.sqlite3")


@pytest.fixture
def practice_desk(_practice_template: Path, tmp_path: Path) -> Iterator[Services]:
    """Services over a copy of the small billing practice in `tests.factories` (E1, E2 and E4 ready to bill)."""
    yield from _open_copy(_practice_template, tmp_path / "practice.sqlite3")


@pytest.fixture
def empty_desk(_empty_template: Path, tmp_path: Path) -> Iterator[Services]:
    """Services over a migrated database with no practice data at all."""
    yield from _open_copy(_empty_template, tmp_path / "empty.sqlite3")
