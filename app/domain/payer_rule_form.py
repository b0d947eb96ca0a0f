"""The payer rule form as data: which inputs each kind of rule takes, and the rule object they make.

The form never checks a rule itself: the dict goes to `ScrubService.add_payer_rule`, whose validation
(`app.domain.payer_rules.PayerRule`) says in words what is wrong.
"""

from __future__ import annotations

import re
from typing import Any

# The inputs each kind takes, besides severity and CARC which every rule has.
RULE_INPUTS: dict[str, tuple[str, ...]] = {
    "require_modifier": ("codes", "modifier", "with_codes"),
    "forbid_modifier": ("codes", "modifier"),
    "max_pointers": ("max",),
    "max_diagnoses": ("max",),
    "max_units": ("codes", "max"),
    "prior_auth": ("codes",),
    "referring_provider": ("codes",),
    "require_ndc": ("codes",),
}

_SEPARATORS = re.compile(r"[\s,;]+")


def split_codes(text: str) -> list[str]:
    """'99202-99215, J*  36415' -> ['99202-99215', 'J*', '36415'] (upper-cased)."""
    return [part.upper() for part in _SEPARATORS.split(text.strip()) if part]


def rule_dict(
    kind: str,
    *,
    codes: str = "",
    with_codes: str = "",
    modifier: str = "",
    max_value: int | None = None,
    severity: str = "error",
    carc: str = "",
) -> dict[str, Any]:
    """The rule the form describes, with only the inputs its kind takes."""
    inputs = RULE_INPUTS.get(kind, ())
    rule: dict[str, Any] = {"kind": kind, "severity": severity}
    if "codes" in inputs:
        rule["codes"] = split_codes(codes)
    if "with_codes" in inputs and with_codes.strip():
        rule["with_codes"] = split_codes(with_codes)
    if "modifier" in inputs:
        rule["modifier"] = modifier.strip() or None
    if "max" in inputs:
        rule["max"] = max_value
    if carc.strip():
        rule["carc"] = carc.strip().upper()
    return rule
