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
