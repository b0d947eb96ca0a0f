"""CLI subcommands; importing this package registers them with `app.cli`."""

from app.commands import (  # noqa: F401
    account,
    ar,
    claims,
    codes,
    coding,
    data,
    demo,
    demographics,
    payments,
    practice,
    suggest,
)
