"""CLI subcommands; importing this package registers them with `app.cli`."""

from app.commands import data, demo  # noqa: F401
