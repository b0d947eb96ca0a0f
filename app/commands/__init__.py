"""CLI subcommands; importing this package registers them with `app.cli`."""

from app.commands import claims, codes, coding, data, demo, demographics, practice, suggest  # noqa: F401
