"""Shared fixtures: a fresh practice database migrated to head, and one loaded with a small practice."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.domain.import_format import ImportFile  # noqa: E402
from app.services.container import Services, open_services  # noqa: E402
from tests.factories import practice_document  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def codeset_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped code-set database (built once if `make codesets` has not run), and a per-session
    user copy so no test touches the real user's data folder."""
    from app.codesets.build import build
    from app.services.codesets import CODESETS_ENV_VAR, shipped_codeset_path

    shipped = shipped_codeset_path()
    if not shipped.exists():
        build(shipped)
    os.environ[CODESETS_ENV_VAR] = str(tmp_path_factory.mktemp("codesets") / "codesets.sqlite3")
    return shipped


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "practice.sqlite3"


@pytest.fixture
def services(db_file: Path) -> Iterator[Services]:
    desk = open_services(db_file, user="tester")
    yield desk
    desk.close()


@pytest.fixture
def loaded(services: Services) -> Services:
    services.importer.import_data(ImportFile.model_validate(practice_document()))
    return services
