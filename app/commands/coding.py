"""`claimdesk coding ...`: the coder's actions on one encounter, headless (the same service the panel uses)."""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal

from app.cli import add_db_option, command, db_path, print_json


def _coding_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="coding_command", metavar="ACTION", required=True)
    show = sub.add_parser("show", help="the encounter as the coding panel shows it")
    add_db_option(show)
    show.add_argument("encounter", help="encounter id or source id (e.g. EHR-000123)")
    show.add_argument("--json", action="store_true")
    code = sub.add_parser("code", help="replace the encounter's codes, then save, mark coded or mark ready")
    add_db_option(code)
    code.add_argument("encounter")
    code.add_argument("--dx", nargs="+", default=[], metavar="CODE", help="diagnoses in sequence, e.g. E11.40 I10")
    code.add_argument(
        "--line",
        action="append",
        default=[],
        metavar="CODE[:MODS]:POINTERS[:UNITS]",
        help="a service line, e.g. 99213:AB or 20610:RT:A:1 (repeat for more lines)",
    )
    group = code.add_mutually_exclusive_group()
    group.add_argument("--coded", action="store_true", help="mark coded")
    group.add_argument("--ready", action="store_true", help="mark ready to bill")
    code.add_argument("--json", action="store_true")
    hold = sub.add_parser("hold", help="put the encounter on hold with a provider query")
    add_db_option(hold)
    hold.add_argument("encounter")
    hold.add_argument("--reason", required=True)
    hold.add_argument("--query", required=True)
    hold.add_argument("--json", action="store_true")
    release = sub.add_parser("release", help="release a hold: back to coding")
    add_db_option(release)
    release.add_argument("encounter")
    release.add_argument("--json", action="store_true")
    details = sub.add_parser("details", help="the prior authorization number and referring provider on the claim")
    add_db_option(details)
    details.add_argument("encounter")
    details.add_argument("--prior-auth", default=None, help="the payer's authorization number ('' clears it)")
    details.add_argument("--referring", default=None, metavar="NPI", help="referring provider's NPI ('none' clears it)")
    details.add_argument("--json", action="store_true")
    elig = sub.add_parser("eligibility", help="record an eligibility check for the encounter's coverage")
    add_db_option(elig)
    elig.add_argument("encounter")
    elig.add_argument("--priority", type=int, default=1, help="1 primary, 2 secondary, 3 tertiary")
    elig.add_argument("--result", choices=("active", "inactive", "unknown"), required=True)
    elig.add_argument("--on", type=dt.date.fromisoformat, default=None, help="date checked (default today)")
    elig.add_argument("--copay", type=Decimal)
    elig.add_argument("--deductible-remaining", type=Decimal)
    elig.add_argument("--notes")
    elig.add_argument("--json", action="store_true")


@command("coding", "code an encounter, hold it with a query, or record eligibility, headless", _coding_args)
def coding(args: argparse.Namespace) -> int:
    from app.services.container import open_services

    services = open_services(db_path(args))
    try:
        encounter_id = services.encounters.resolve(args.encounter)
        action = args.coding_command
        if action == "show":
            ws = services.coding.open(encounter_id)
        elif action == "code":
            ws = _code(services, encounter_id, args)
        elif action == "hold":
            ws = services.coding.hold(encounter_id, args.reason, args.query, services.coding.open(encounter_id).coding)
        elif action == "release":
            ws = services.coding.release_hold(encounter_id)
        elif action == "details":
            ws = _details(services, encounter_id, args)
        else:
            current = services.coding.open(encounter_id)
            coverage = next((c for c in current.coverages if c.priority == args.priority), None)
            if coverage is None:
                from app.errors import NotFoundError

                raise NotFoundError(f"No coverage of priority {args.priority} on the date of service.")
            ws = services.coding.record_eligibility(
                encounter_id,
                coverage.coverage_id,
                args.result,
                checked_on=args.on or dt.date.today(),
                copay=args.copay,
                deductible_remaining=args.deductible_remaining,
                notes=args.notes,
            )
    finally:
        services.close()
    summary = {
        "encounter": ws.source_id,
        "status": ws.status,
        "patient": ws.patient_name,
        "date_of_service": ws.date_of_service.isoformat(),
        "hold_reason": ws.hold_reason,
        "prior_authorization": ws.prior_authorization,
        "referring": ws.referring_name,
        "query": ws.query_text,
        "diagnoses": [d.code for d in ws.coding.diagnoses],
        "lines": [
            {
                "code": ln.code,
                "modifiers": list(ln.modifiers),
                "units": ln.units,
                "charge": str(ln.charge),
                "pointers": ln.pointer_letters,
            }
            for ln in ws.coding.lines
        ],
        "coverages": [
            {"priority": c.priority, "payer": c.payer_name, "eligibility": c.eligibility} for c in ws.coverages
        ],
        "warnings": [w for w in (ws.code_set_warning, ws.eligibility_warning) if w],
    }
    if getattr(args, "json", False):
        print_json(summary)
    else:
        print(f"{summary['encounter']}  {summary['patient']}  {summary['date_of_service']}  status {ws.status}")
        for letter, code in zip("ABCDEFGHIJKL", summary["diagnoses"], strict=False):
            print(f"  {letter}. {code}")
        for line in summary["lines"]:
            print(
                f"  {line['code']} {' '.join(line['modifiers'])} x{line['units']} ${line['charge']} -> "
                f"{line['pointers']}"
            )
        for warning in summary["warnings"]:
            print(f"  ! {warning}")
    return 0


def _details(services, encounter_id: int, args: argparse.Namespace):  # noqa: ANN001, ANN202
    from app.errors import NotFoundError

    ws = services.coding.open(encounter_id)
    auth = ws.prior_authorization if args.prior_auth is None else args.prior_auth
    referring = ws.referring_provider_id
    if args.referring is not None:
        if args.referring.lower() == "none":
            referring = None
        else:
            match = [pid for pid, _name, npi in services.coding.referring_choices() if npi == args.referring]
            if not match:
                raise NotFoundError(f"No active provider has NPI {args.referring}.")
            referring = match[0]
    return services.coding.set_claim_details(encounter_id, auth, referring)


def _code(services, encounter_id: int, args: argparse.Namespace):  # noqa: ANN001, ANN202
    from app.domain.coding import Coding, pointer_from_letter
    from app.errors import ValidationError

    ws = services.coding.open(encounter_id)
    day = ws.date_of_service
    value = Coding()
    for code in args.dx:
        value = value.add_diagnosis(services.coding.diagnosis(code, day))
    for spec in args.line:
        parts = spec.split(":")
        if len(parts) < 2:
            raise ValidationError(f"--line {spec!r}: expected CODE[:MODS]:POINTERS[:UNITS], e.g. 99213:AB")
        code, rest = parts[0], parts[1:]
        units = int(rest.pop()) if len(rest) >= 2 and rest[-1].isdigit() else 1
        pointers_text = rest.pop() if rest else ""
        modifiers = tuple(m for m in (rest[0].split(",") if rest else []) if m)
        pointers = tuple(pointer_from_letter(c) for c in pointers_text)
        value = value.add_line(services.coding.service_line(code, day, units, modifiers, pointers))
    if args.ready:
        return services.coding.mark_ready(encounter_id, value)
    if args.coded:
        return services.coding.mark_coded(encounter_id, value)
    return services.coding.save(encounter_id, value)
