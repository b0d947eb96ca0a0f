"""How a typed search names patients, shared by the lists that search by patient name or account."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_

from db.models import PatientRecord as P


def patient_match(text: str) -> ColumnElement[bool]:
    """'smi' matches names or accounts starting so; 'smith, jo' means last name then first name."""
    if "," in text:
        last, first = (t.strip() for t in text.split(",", 1))
        return and_(
            P.last_name.ilike(starts_with(last), escape="\\"), P.first_name.ilike(starts_with(first), escape="\\")
        )
    conds = []
    for term in text.split():
        like = starts_with(term)
        conds.append(
            or_(
                P.last_name.ilike(like, escape="\\"),
                P.first_name.ilike(like, escape="\\"),
                P.account_number.ilike(like, escape="\\"),
            )
        )
    return and_(*conds)


def starts_with(term: str) -> str:
    """A LIKE pattern (escape character backslash) for text starting with `term`, taken literally."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
