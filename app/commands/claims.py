"""`claimdesk claims ...`, `claimdesk scrub` and `claimdesk rules ...`: claims from ready encounters, the
scrubber, overrides and the practice's payer rules, headless (the same services the Claims panel uses)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli import add_db_option, command, db_path, print_json


def _claims_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="claims_command", metavar="ACTION", required=True)
    build = sub.add_parser("build", help="turn every 'ready to bill' encounter into a draft claim")
    add_db_option(build)
    build.add_argument("--json", action="store_true")
    findings = sub.add_parser("findings", help="a claim's scrub findings, errors first")
    add_db_option(findings)
    findings.add_argument("claim", help="claim number (CD00000012) or id")
    findings.add_argument("--json", action="store_true")
    override = sub.add_parser("override", help="let a scrub error through, with the reason (who and when are kept)")
    add_db_option(override)
    override.add_argument("finding", type=int, help="finding id (from `claims findings`)")
    override.add_argument("--reason", required=True)
    override.add_argument("--json", action="store_true")
    for name, text in (
        ("print-1500", "write CMS-1500 forms to a PDF and mark the claims submitted (paper)"),
        ("export-837p", "write an 837P file (one per payer by default) and mark the claims submitted (electronic)"),
    ):
        out = sub.add_parser(name, help=text)
        add_db_option(out)
        which = out.add_mutually_exclusive_group(required=True)
        which.add_argument("--claim", action="append", default=[], metavar="ID", help="claim number or id (repeat)")
        which.add_argument("--ready", action="store_true", help="every claim ready to go by this method")
        if name == "print-1500":
            out.add_argument(
                "--mode", choices=("red", "plain"), default="red", help="pre-printed red form or plain paper"
            )
            out.add_argument(
                "--offset", nargs=2, type=float, default=(0.0, 0.0), metavar=("RIGHT", "DOWN"), help="inches"
            )
        else:
            out.add_argument("--per", choices=("payer", "batch"), default=None, help="one file per payer or one in all")
        out.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
        out.add_argument("--json", action="store_true")
    align = sub.add_parser("alignment-page", help="a CMS-1500 alignment test page for the printer's offsets")
    add_db_option(align)
    align.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    align.add_argument("--offset", nargs=2, type=float, default=(0.0, 0.0), metavar=("RIGHT", "DOWN"))
    again = sub.add_parser("reexport", help="write a sent 837P batch again with new control numbers")
    add_db_option(again)
    again.add_argument("batch", type=int)
    again.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    again.add_argument("--json", action="store_true")
    for name, text in (("correct", "a replacement (frequency 7) of a sent claim"), ("void", "a void (frequency 8)")):
        follow = sub.add_parser(name, help=text)
        add_db_option(follow)
        follow.add_argument("claim", help="claim number or id")
        follow.add_argument(
            "--payer-claim-number", default=None, help="the payer's number (default: from its remittance)"
        )
        follow.add_argument("--json", action="store_true")


@command("claims", "build claims from ready encounters, read and override scrub findings", _claims_args)
def claims(args: argparse.Namespace) -> int:
    from app.services.container import open_services

    services = open_services(db_path(args))
    try:
        action = args.claims_command
        if action == "build":
            result = services.claims.build_claims()
            out: dict[str, Any] = {
                "claims": len(result.claim_ids),
                "self_pay_encounters": len(result.self_pay_encounter_ids),
            }
            if args.json:
                print_json(out)
            else:
                print(
                    f"{out['claims']} draft claim(s) built; "
                    f"{out['self_pay_encounters']} self-pay encounter(s) billed to the patient."
                )
                print("Next: `claimdesk scrub` checks them before they can be printed or sent.")
        elif action == "findings":
            claim_id = services.claims.resolve(args.claim)
            rows = services.scrubber.findings(claim_id)
            if args.json:
                print_json(
                    [
                        {
                            "id": r.id,
                            "edit": r.edit_id,
                            "severity": r.severity,
                            "line": r.line,
                            "message": r.message,
                            "fix": r.fix_hint,
                            "carc": r.carc,
                            "carc_description": r.carc_description,
                            "field": r.field,
                            "overridden_by": r.overridden_by,
                            "override_reason": r.override_reason,
                        }
                        for r in rows
                    ]
                )
            elif not rows:
                print("No findings: the claim is clean (or has not been scrubbed yet).")
            else:
                for r in rows:
                    state = f"  [overridden by {r.overridden_by}: {r.override_reason}]" if r.overridden_by else ""
                    print(f"#{r.id:<6} {r.severity.upper():7} {r.edit_id:22} {r.message}{state}")
                    if r.fix_hint:
                        print(f"{'':8}fix: {r.fix_hint}")
        elif action in ("print-1500", "export-837p", "alignment-page", "reexport", "correct", "void"):
            return _send(services, action, args)
        else:
            row = services.scrubber.override(args.finding, args.reason)
            status = services.claims.claim_status(row.claim_id)
            if args.json:
                print_json({"finding": row.id, "overridden_by": row.overridden_by, "claim_status": status})
            else:
                print(
                    f"Finding {row.id} overridden by {row.overridden_by}; the claim is now {status.replace('_', ' ')}."
                )
        return 0
    finally:
        services.close()


def _send(services: Any, action: str, args: argparse.Namespace) -> int:
    from app.domain.money import from_cents

    sub = services.submission
    if action == "alignment-page":
        path = sub.alignment_pdf(args.output, tuple(args.offset))
        print(f"Alignment test page written to {path}. Print it on a blank red form and nudge the offsets.")
        return 0
    if action in ("correct", "void"):
        new_id = (sub.correct if action == "correct" else sub.void)(
            services.claims.resolve(args.claim), args.payer_claim_number
        )
        number = f"CD{new_id:08d}"
        if args.json:
            print_json({"claim": number, "frequency": "7" if action == "correct" else "8", "status": "draft"})
        else:
            print(f"{number} created ({'replacement' if action == 'correct' else 'void'}); scrub it, then send it.")
        return 0
    ids = None if getattr(args, "ready", False) else [services.claims.resolve(c) for c in getattr(args, "claim", [])]
    if action == "print-1500":
        result = sub.print_1500(ids, args.mode, args.output, tuple(args.offset))
        data = {
            "claims": result.claims,
            "forms": result.forms,
            "total_charge": str(from_cents(result.total_charge_cents)),
            "batch": result.batch_id,
            "file": str(result.file),
        }
        if args.json:
            print_json(data)
        else:
            print(
                f"{data['claims']} claim(s) on {data['forms']} form(s), total charge ${data['total_charge']}, "
                f"written to {data['file']} (batch {data['batch']}); the claims are submitted (paper)."
            )
        return 0
    results = (
        [sub.reexport(args.batch, args.output)]
        if action == "reexport"
        else sub.export_837p(ids, args.output, per=args.per)
    )
    if args.json:
        print_json([r.as_json() for r in results] if action != "reexport" else results[0].as_json())
        return 0
    for r in results:
        data = r.as_json()
        print(
            f"{data['file']}: {data['claims']} claim(s), total charge ${data['total_charge']}, "
            f"ISA {data['interchange_control_number']}, GS {data['group_control_number']}, "
            f"ST {', '.join(data['transaction_control_numbers'])} (batch {data['batch']})"
        )
    return 0


def _scrub_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--claim",
        action="append",
        default=[],
        metavar="ID",
        help="claim number or id (repeat; default: every unsent claim)",
    )
    p.add_argument("--today", default=None, help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true")


@command("scrub", "check claims against NCCI, code validity, diagnosis, data and payer edits", _scrub_args)
def scrub(args: argparse.Namespace) -> int:
    import datetime as dt

    from app.services.container import open_services

    services = open_services(db_path(args))
    try:
        ids = [services.claims.resolve(c) for c in args.claim] or None
        today = dt.date.fromisoformat(args.today) if args.today else None
        report = services.scrubber.scrub(ids, today=today)
        data = report.as_json()
        if args.json:
            print_json(data)
            return 0
        for line in report.editions:
            print(line)
        for claim in report.claims:
            for f in claim.findings:
                print(f"{claim.claim_number}  {f.severity.upper():7} {f.edit_id:22} {f.message}")
        rate = f"{data['clean_claim_rate']}%" if data["clean_claim_rate"] is not None else "n/a"
        print(
            f"{data['claims']} claim(s) scrubbed: {data['clean']} clean (clean-claim rate {rate}), "
            f"{data['ready']} ready, {data['needs_attention']} need attention; "
            f"{report.errors} error(s), {report.warnings} warning(s)."
        )
        return 0
    finally:
        services.close()


def _rules_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="the practice's payer rules")
    add_db_option(ls)
    ls.add_argument("--json", action="store_true")
    add = sub.add_parser(
        "add",
        help="add a payer rule, e.g. --payer DMO03 --name 'E/M with procedure needs 25' --rule "
        '\'{"kind": "require_modifier", "codes": ["99202-99215"], "modifier": "25", '
        '"with_codes": ["10004-69990"]}\'',
    )
    add_db_option(add)
    add.add_argument("--payer", help="payer id (default: every payer)")
    add.add_argument("--name", required=True)
    add.add_argument("--rule", required=True, help="the rule as JSON (kinds: " + ", ".join(_kinds()) + ")")
    add.add_argument("--json", action="store_true")
    for name, text in (("off", "switch a rule off"), ("on", "switch a rule back on")):
        toggle = sub.add_parser(name, help=text)
        add_db_option(toggle)
        toggle.add_argument("rule_id", type=int)


def _kinds() -> list[str]:
    from typing import get_args

    from app.domain.payer_rules import RuleKind

    return list(get_args(RuleKind))


@command("rules", "list, add and switch off the practice's payer rules (checked by the scrubber)", _rules_args)
def rules(args: argparse.Namespace) -> int:
    from app.services.container import open_services
    from app.services.scrubber import rule_from_json

    services = open_services(db_path(args))
    try:
        action = args.rules_command
        if action == "list":
            rows = services.scrubber.payer_rules()
            if args.json:
                print_json(
                    [
                        {
                            "id": r.id,
                            "payer": r.payer_name,
                            "name": r.name,
                            "active": r.active,
                            "rule": r.rule.model_dump(exclude_none=True),
                        }
                        for r in rows
                    ]
                )
            elif not rows:
                print("No payer rules yet. Add one with `claimdesk rules add`.")
            else:
                for r in rows:
                    state = "on " if r.active else "off"
                    print(f"{r.id:>4} {state} {r.payer_name:28} {r.name}: {r.rule.describe()}")
        elif action == "add":
            row = services.scrubber.add_payer_rule(args.payer, args.name, rule_from_json(args.rule))
            if args.json:
                print_json({"id": row.id, "payer": row.payer_name, "name": row.name})
            else:
                print(f"Rule {row.id} added for {row.payer_name}: {row.rule.describe()}.")
        else:
            services.scrubber.set_payer_rule_active(args.rule_id, action == "on")
            print(f"Rule {args.rule_id} switched {action}.", file=sys.stdout)
        return 0
    finally:
        services.close()
