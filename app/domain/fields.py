"""Editable fields declared once as data: label, kind, how typed text is read, and the rule it must meet.

The same `FieldSpec` builds a form in the window, reads `FIELD=VALUE` on the command line and checks
a value in the service, so a rule and its message are written in one place. Rules for formats the
import file already defines (NPI, ZIP, state, taxonomy, member id...) are taken from
`app.domain.import_format` rather than written again.

A field is named by a path, `entity.field` or `entity.key.field` ("patient.zip",
"coverage.2.subscriber_date_of_birth", "provider.7.npi"): the claim scrubber points at a field with it
and `FieldProblems` reports each problem under it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Annotated, Any, Final, get_args

from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from app.domain.money import MoneyError, to_money
from app.errors import ValidationError

Rule = Callable[[Any], str | None]
"""Given a typed value, the problem in plain words, or None when it is fine."""


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    MONEY = "money"
    INTEGER = "integer"
    FLAG = "flag"


class Keep(Enum):
    """The value of an edit's field that the caller leaves as it is."""

    KEEP = "keep"

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = Keep.KEEP


class Edit:
    """Base of the `*Edit` dataclasses: every field defaults to KEEP; `changed()` is what was given."""

    def changed(self) -> dict[str, Any]:
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not KEEP}  # type: ignore[arg-type]

    def __bool__(self) -> bool:
        return bool(self.changed())


class FieldProblem(ValueError):
    """One field's typed text or value is not acceptable; the message says what is expected."""


class FieldProblems(ValidationError):
    """Problems keyed by field path ('patient.zip', 'coverage.1.member_id'); nothing was saved.

    `fields` maps each path to a message for the form to show beside that field; `problems` (and so
    `str()`) names each field by its label, for the command line."""

    def __init__(self, fields: Mapping[str, str], labels: Mapping[str, str] | None = None) -> None:
        labels = labels or {}
        self.fields = dict(fields)
        problems = [f"{labels.get(path, path)}: {message}" for path, message in self.fields.items()]
        noun = "a problem" if len(problems) == 1 else f"{len(problems)} problems"
        super().__init__(f"Nothing was saved; fix {noun} first:", problems)


# --------------------------------------------------------------------------- paths


@dataclass(frozen=True)
class FieldPath:
    """Where a field lives: `patient.zip`, `coverage.2.member_id`, `payer.4.timely_filing_days`."""

    entity: str
    field: str
    key: str | None = None

    def __str__(self) -> str:
        return f"{self.entity}.{self.key}.{self.field}" if self.key is not None else f"{self.entity}.{self.field}"

    @property
    def key_number(self) -> int | None:
        return int(self.key) if self.key is not None and self.key.isdigit() else None


KEYED_ENTITIES: Final = frozenset({"coverage", "provider", "payer"})
UNKEYED_ENTITIES: Final = frozenset({"patient", "practice"})


def field_path(entity: str, field: str, key: int | str | None = None) -> str:
    return str(FieldPath(entity, field, None if key is None else str(key)))


def parse_field_path(text: str) -> FieldPath | None:
    """`patient.zip` or `coverage.1.member_id` as a FieldPath; None when it is not one of ours."""
    parts = (text or "").strip().split(".")
    if len(parts) == 2 and parts[0] in UNKEYED_ENTITIES and parts[1]:
        return FieldPath(parts[0], parts[1])
    if len(parts) == 3 and parts[0] in KEYED_ENTITIES and parts[1] and parts[2]:
        return FieldPath(parts[0], parts[2], parts[1])
    return None


# --------------------------------------------------------------------------- reading typed text


DATE_HINT = "MM/DD/YYYY"
_SLASHED = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")


def parse_date(text: str) -> dt.date:
    """A date as billers type it (03/04/1950, 3/4/1950, 03041950) or as ISO (1950-03-04)."""
    cleaned = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
            return dt.date.fromisoformat(cleaned)
        if re.fullmatch(r"\d{8}", cleaned):
            return dt.date(int(cleaned[4:]), int(cleaned[:2]), int(cleaned[2:4]))
        match = _SLASHED.match(cleaned)
        if match:
            month, day, year = match.groups()
            if len(year) == 2:
                raise FieldProblem(f"type the year in full, e.g. {month.zfill(2)}/{day.zfill(2)}/19{year}")
            return dt.date(int(year), int(month), int(day))
    except ValueError as exc:
        if isinstance(exc, FieldProblem):
            raise
        raise FieldProblem(f"{cleaned!r} is not a date on the calendar") from exc
    raise FieldProblem(f"type a date as {DATE_HINT}")


def format_date(value: dt.date | None) -> str:
    return "" if value is None else f"{value:%m/%d/%Y}"


def digits_only(text: str) -> str:
    """Phone numbers, ZIP+4 and TINs are typed with dashes, dots, spaces and brackets; we keep digits."""
    return re.sub(r"[\s().-]", "", text)


def upper(text: str) -> str:
    return text.strip().upper()


# --------------------------------------------------------------------------- rules


def import_rule(model: type[BaseModel], name: str, message: str) -> Rule:
    """The rule the import format sets for `model.name`, with a message billers understand."""
    info = model.model_fields[name]
    annotated: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    adapter: TypeAdapter[Any] = TypeAdapter(annotated)

    def rule(value: Any) -> str | None:
        try:
            adapter.validate_python(value, strict=not isinstance(value, Decimal))
        except PydanticValidationError:
            return message
        return None

    return rule


def literal_values(model: type[BaseModel], name: str) -> tuple[str, ...]:
    """The codes a Literal field of the import format allows, in its order."""
    annotation = model.model_fields[name].annotation
    values = get_args(annotation)
    if not values:
        raise TypeError(f"{model.__name__}.{name} is not a Literal")
    return tuple(values)


def labelled(codes: Sequence[Any], labels: Mapping[Any, str]) -> tuple[tuple[Any, str], ...]:
    """Pair each allowed code with its label; a code without a label is a mistake found at import time."""
    missing = [c for c in codes if c not in labels]
    if missing:
        raise KeyError(f"no label for {missing}")
    return tuple((c, labels[c]) for c in codes)


def not_in_future(value: Any) -> str | None:
    if isinstance(value, dt.date) and value > dt.date.today():
        return f"{format_date(value)} is in the future"
    return None


# --------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class FieldSpec:
    """One editable field of one record, named as the record names it."""

    name: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = True
    max_length: int | None = None
    choices: tuple[tuple[Any, str], ...] = ()
    placeholder: str = ""
    rule: Rule | None = None
    clean: Callable[[str], str] | None = None
    # Choices that come from the database (the payer of a coverage): the form fills them in.
    dynamic_choices: bool = False

    def parse(self, raw: Any) -> Any:
        """Typed text (or a combo's value, or a check box's state) as the value the service takes.

        Empty text means "none" for an optional field. Raises FieldProblem with what is expected."""
        if self.kind is Kind.FLAG:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "y", "yes", "true", "on"):
                return True
            if text in ("0", "n", "no", "false", "off", ""):
                return False
            raise FieldProblem("answer yes or no")
        if self.kind is Kind.CHOICE and not isinstance(raw, str):
            return raw
        text = "" if raw is None else str(raw)
        text = self.clean(text) if self.clean else text.strip()
        if not text:
            return None
        if self.kind is Kind.DATE:
            return parse_date(text)
        if self.kind is Kind.MONEY:
            try:
                return to_money(text.replace("$", "").replace(",", ""))
            except MoneyError as exc:
                raise FieldProblem("type an amount like 25.00") from exc
        if self.kind is Kind.INTEGER:
            if not re.fullmatch(r"-?\d+", text):
                raise FieldProblem("type a whole number")
            return int(text)
        if self.kind is Kind.CHOICE and not self.dynamic_choices:
            wanted = text.upper()
            for value, label in self.choices:
                code, name = str(value).upper(), label.upper()
                # '19', '19 Child' or 'child' all mean the same choice.
                if wanted in (code, name, name.removeprefix(code).strip()):
                    return value
            raise FieldProblem(f"choose one of {self.choice_list()}")
        return text

    def check(self, value: Any) -> str | None:
        """The problem with a typed value, in plain words; None when it may be saved."""
        if value is None or value == "":
            return "required" if self.required else None
        expected: type | tuple[type, ...] = {
            Kind.TEXT: str,
            Kind.DATE: dt.date,
            Kind.MONEY: Decimal,
            Kind.INTEGER: int,
            Kind.FLAG: bool,
            Kind.CHOICE: object,
        }[self.kind]
        if not isinstance(value, expected) or (self.kind is Kind.INTEGER and isinstance(value, bool)):
            return f"expected a {self.kind.value}, not {type(value).__name__}"
        if self.kind is Kind.CHOICE and not self.dynamic_choices and value not in [v for v, _ in self.choices]:
            return f"choose one of {self.choice_list()}"
        if self.max_length is not None and isinstance(value, str) and len(value) > self.max_length:
            return f"at most {self.max_length} characters ({len(value)} typed)"
        if self.rule is not None:
            return self.rule(value)
        return None

    def read(self, raw: Any) -> Any:
        """parse, then check: the value, or FieldProblem."""
        value = self.parse(raw)
        problem = self.check(value)
        if problem is not None:
            raise FieldProblem(problem)
        return value

    def format(self, value: Any) -> str:
        """A stored value as it is shown in a form or printed by the command line."""
        if value is None:
            return ""
        if self.kind is Kind.DATE:
            return format_date(value)
        if self.kind is Kind.MONEY:
            return f"{value:.2f}"
        if self.kind is Kind.FLAG:
            return "yes" if value else "no"
        return str(value)

    def choice_label(self, value: Any) -> str:
        return next((label for v, label in self.choices if v == value), str(value))

    def choice_list(self) -> str:
        return ", ".join(label if str(v) in label else f"{v} ({label})" for v, label in self.choices)


def inner_label(label: str) -> str:
    """A label as it reads inside a sentence: 'Date of birth' -> 'date of birth', but 'NPI' stays."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() or len(first) == 1 else label[:1].lower() + label[1:]


def specs_by_name(specs: Sequence[FieldSpec]) -> dict[str, FieldSpec]:
    return {s.name: s for s in specs}


def check_changes(
    entity: str, key: int | str | None, specs: Mapping[str, FieldSpec], changes: Mapping[str, Any]
) -> dict[str, str]:
    """Each changed field checked against its own rule; problems keyed by field path."""
    problems: dict[str, str] = {}
    for name, value in changes.items():
        spec = specs.get(name)
        if spec is None:
            problems[field_path(entity, name, key)] = "not a field that can be edited"
            continue
        problem = spec.check(value)
        if problem is not None:
            problems[field_path(entity, name, key)] = problem
    return problems


def parse_assignments(
    assignments: Sequence[str],
    specs: Sequence[FieldSpec],
    entity: str,
    key: int | str | None = None,
    describe: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """`FIELD=VALUE` words from the command line as typed values; every problem at once.

    `describe` names a field path in messages ('Patient ZIP'); by default the field's label."""
    by_name = specs_by_name(specs)
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    labels: dict[str, str] = {}
    for word in assignments:
        name, sep, text = word.partition("=")
        name = name.strip()
        path = field_path(entity, name or "?", key)
        if not sep or name not in by_name:
            problems[path] = (
                f"{word!r} is not FIELD=VALUE with one of: {', '.join(by_name)}"
                if not sep
                else f"no field {name!r}; the fields are: {', '.join(by_name)}"
            )
            labels[path] = name or word
            continue
        spec = by_name[name]
        labels[path] = describe(path) if describe else spec.label
        try:
            values[name] = spec.read(text)
        except FieldProblem as exc:
            problems[path] = str(exc)
    if problems:
        raise FieldProblems(problems, labels)
    if not values:
        raise ValidationError(f"Nothing to change: give FIELD=VALUE, with FIELD one of {', '.join(by_name)}.")
    return values
