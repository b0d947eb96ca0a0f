"""CLI subcommands; importing this package registers them with `app.cli`."""

from app.commands import codes, coding, data, demo, practice, suggest  # noqa: F401
