"""`claimdesk patient|coverage|provider|payer ...` (and `practice show|set`): show and correct demographics
and setup headless, with the same services and field rules as the editors."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from app.cli import add_db_option, command, db_path, print_json
from app.domain.demographics import (
    COVERAGE_FIELDS,
    PATIENT_FIELDS,
    CoverageEdit,
    PatientDetail,
    PatientEdit,
    describe_patient_path,
)
from app.domain.fields import FieldSpec, Kind, parse_assignments, parse_field_path
from app.domain.practice_setup import (
    PAYER_FIELDS,
    PRACTICE_FIELDS,
    PROVIDER_FIELDS,
    PayerDetail,
    PayerEdit,
    PracticeEdit,
    ProviderDetail,
    ProviderEdit,
    describe_setup_path,
    setup_field_label,
)

ASSIGNMENTS = "FIELD=VALUE"


def _field_help(specs: Sequence[FieldSpec]) -> str:
    return "FIELD is one of: " + ", ".join(s.name for s in specs) + ". An empty VALUE clears an optional field."


def _action(
    sub: Any, name: str, help_text: str, *, target: str | None = None, specs: Sequence[FieldSpec] = ()
) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help_text, description=help_text, epilog=_field_help(specs) if specs else None)
    add_db_option(p)
    if target:
        p.add_argument(target.lower(), metavar=target)
    p.add_argument("--json", action="store_true")
    return p


def _open(args: argparse.Namespace, work: Callable[[Any], Any]) -> Any:
    from app.services.container import open_services

    services = open_services(db_path(args))
    try:
        return work(services)
    finally:
        services.close()


def _lines(specs: Sequence[FieldSpec], detail: object, indent: str = "  ") -> list[str]:
    out = []
    for spec in specs:
        value = getattr(detail, spec.name, None)
        shown = spec.choice_label(value) if spec.kind is Kind.CHOICE and spec.choices else spec.format(value)
        out.append(f"{indent}{spec.name:<26}{shown}")
    return out


# --------------------------------------------------------------------------- patient and coverage


def _patient_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="patient_command", metavar="ACTION", required=True)
    _action(sub, "show", "a patient's demographics and coverages", target="ACCOUNT")
    setter = _action(sub, "set", "correct a patient's demographics", target="ACCOUNT", specs=PATIENT_FIELDS)
    setter.add_argument("assignments", nargs="+", metavar=ASSIGNMENTS)


@command("patient", "show or correct a patient's demographics", _patient_args)
def patient(args: argparse.Namespace) -> int:
    def work(services: Any) -> PatientDetail:
        patient_id = services.patients.resolve(args.account)
        if args.patient_command == "show":
            return services.patients.patient(patient_id)
        values = parse_assignments(args.assignments, PATIENT_FIELDS, "patient", describe=describe_patient_path)
        return services.patients.update_patient(patient_id, PatientEdit(**values))

    _print_patient(_open(args, work), args.json)
    return 0


def _coverage_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="coverage_command", metavar="ACTION", required=True)
    setter = _action(sub, "set", "correct one of a patient's coverages", target="ACCOUNT", specs=COVERAGE_FIELDS)
    setter.add_argument("priority", type=int, choices=(1, 2, 3), metavar="PRIORITY", help="1 primary, 2 secondary, 3")
    setter.add_argument("assignments", nargs="+", metavar=ASSIGNMENTS)
    adder = _action(
        sub,
        "add",
        "add a coverage (payer, member_id and effective_from are required; payer is the electronic payer id)",
        target="ACCOUNT",
        specs=COVERAGE_FIELDS,
    )
    adder.add_argument("assignments", nargs="+", metavar=ASSIGNMENTS)


@command("coverage", "correct or add a patient's coverage (insurance)", _coverage_args)
def coverage(args: argparse.Namespace) -> int:
    from app.errors import NotFoundError

    def work(services: Any) -> PatientDetail:
        patient_id = services.patients.resolve(args.account)
        key = args.priority if args.coverage_command == "set" else "new"
        values = parse_assignments(args.assignments, COVERAGE_FIELDS, "coverage", key, describe_patient_path)
        if "payer_id" in values:
            # Billers name a payer by its electronic payer id; the service takes the record id.
            values["payer_id"] = services.practice.resolve_payer(str(values["payer_id"]))
        if args.coverage_command == "add":
            return services.patients.add_coverage(patient_id, CoverageEdit(**values))
        current = services.patients.patient(patient_id).coverage(args.priority)
        if current is None:
            raise NotFoundError(f"Patient {args.account} has no coverage of priority {args.priority}.")
        return services.patients.update_coverage(current.id, CoverageEdit(**values))

    _print_patient(_open(args, work), args.json)
    return 0


def _print_patient(detail: PatientDetail, as_json: bool) -> None:
    if as_json:
        print_json(asdict(detail))
        return
    print(f"{detail.account_number}  {detail.display_name}")
    print("\n".join(_lines(PATIENT_FIELDS, detail)))
    for c in detail.coverages:
        print(f"{c.priority_label} coverage: {c.payer_name} ({c.payer_code})")
        shown = [s for s in COVERAGE_FIELDS if s.name not in ("payer_id", "priority")]
        print("\n".join(_lines(shown, c)))
    if not detail.coverages:
        print("No coverage (self-pay).")


# --------------------------------------------------------------------------- practice, providers, payers


def _naming(entity: str, record_id: int, known_as: str) -> Callable[[str], str]:
    """Messages name the record as the user typed it ('Payer TST02: ...'), not by its record id."""

    def describe(text: str) -> str:
        path = parse_field_path(text)
        return setup_field_label(path, {f"{entity}.{record_id}": known_as}) if path else text

    return describe


def add_practice_actions(sub: Any) -> None:
    """`practice show` and `practice set`, beside the pricing actions in app.commands.practice."""
    _action(sub, "show", "the practice as the billing provider on claims")
    setter = _action(sub, "set", "correct the practice (billing provider)", specs=PRACTICE_FIELDS)
    setter.add_argument("assignments", nargs="+", metavar=ASSIGNMENTS)


def run_practice_action(args: argparse.Namespace) -> int:
    def work(services: Any) -> Any:
        if args.practice_command == "show":
            return services.practice.practice()
        values = parse_assignments(args.assignments, PRACTICE_FIELDS, "practice", describe=describe_setup_path)
        return services.practice.update_practice(PracticeEdit(**values))

    detail = _open(args, work)
    if args.json:
        print_json(asdict(detail))
    elif detail.id is None:
        print("The practice is not set up yet: `claimdesk practice set name=... npi=... ...` or import a file.")
    else:
        print("\n".join(_lines(PRACTICE_FIELDS, detail, indent="")))
    return 0


def _provider_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="provider_command", metavar="ACTION", required=True)
    _action(sub, "list", "every provider, active first")
    setter = _action(sub, "set", "correct a provider (named by NPI)", target="NPI", specs=PROVIDER_FIELDS)
    setter.add_argument("assignments", nargs="+", metavar=ASSIGNMENTS)


@command("provider", "list or correct the rendering and referring providers", _provider_args)
def provider(args: argparse.Namespace) -> int:
    def work(services: Any) -> list[ProviderDetail]:
        if args.provider_command == "list":
            return services.practice.providers()
        provider_id = services.practice.resolve_provider(args.npi)
        values = parse_assignments(
            args.assignments, PROVIDER_FIELDS, "provider", provider_id, _naming("provider", provider_id, args.npi)
        )
        return [services.practice.update_provider(provider_id, ProviderEdit(**values))]

    rows = _open(args, work)
    if args.json:
        print_json([asdict(r) for r in rows])
    else:
        for r in rows:
            state = "" if r.active else "  (inactive)"
            print(f"{r.npi}  {r.display_name:<30} {r.role:<10} {r.taxonomy or '':<10}{state}")
    return 0


def _payer_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="payer_command", metavar="ACTION", required=True)
    _action(sub, "list", "every payer")
    setter = _action(sub, "set", "correct a payer (named by its payer id)", target="PAYERID", specs=PAYER_FIELDS)
    setter.add_argument("assignments", nargs="+", metavar=ASSIGNMENTS)


@command("payer", "list or correct payers: payer id, timely filing, submission method, address", _payer_args)
def payer(args: argparse.Namespace) -> int:
    def work(services: Any) -> list[PayerDetail]:
        if args.payer_command == "list":
            return services.practice.payers()
        payer_id = services.practice.resolve_payer(args.payerid)
        values = parse_assignments(
            args.assignments, PAYER_FIELDS, "payer", payer_id, _naming("payer", payer_id, args.payerid.upper())
        )
        return [services.practice.update_payer(payer_id, PayerEdit(**values))]

    rows = _open(args, work)
    if args.json:
        print_json([asdict(r) for r in rows])
    else:
        for r in rows:
            print(
                f"{r.payer_id:<10} {r.name:<30} {r.claim_filing_indicator:<3} {r.submission_method:<11}"
                f"{r.timely_filing_days:>4} days"
            )
    return 0
