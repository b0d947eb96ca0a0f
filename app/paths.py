"""Where ClaimDesk finds its resources, migrations and the user's database, in a checkout or a bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "ClaimDesk"
DB_ENV_VAR = "CLAIMDESK_DB"


def _root() -> Path:
    """The folder holding `resources/` and `db/`: the bundle's unpack dir when frozen, else the repo."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return _root() / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def migrations_dir() -> Path:
    return _root() / "db" / "migrations"


def user_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The database a user works on: `CLAIMDESK_DB` if set, else the user's data folder."""
    env = os.environ.get(DB_ENV_VAR)
    if env:
        return Path(env).expanduser()
    return user_dir() / "claimdesk.sqlite3"


def log_dir() -> Path:
    return user_dir() / "logs"
