"""Typed domain errors that the UI and CLI show in plain words."""

from __future__ import annotations


class ClaimDeskError(Exception):
    """Base for every error a user can cause and understand."""


class ValidationError(ClaimDeskError):
    """Input did not meet the rules; `problems` lists each one with where it is."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        base = super().__str__()
        if not self.problems:
            return base
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        return f"{base}\n{shown}{more}"


class NotFoundError(ClaimDeskError):
    """A record the user named does not exist."""


class DatabaseError(ClaimDeskError):
    """The database file cannot be opened or migrated."""


class ResourceError(ClaimDeskError):
    """A shipped resource is missing or unreadable."""
