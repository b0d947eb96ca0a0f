"""`claimdesk ar aging|queue|note` and `claimdesk kpi`: the A/R aging report, the follow-up work queue and the
practice's KPIs, headless (the same services the A/R panel uses)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from app.cli import add_db_option, command, db_path, print_json
from app.domain.aging import BUCKET_LABELS
from app.domain.money import format_money, from_cents


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-03-31, got {text!r}") from exc


def _ar_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="ar_command", metavar="ACTION", required=True)
    aging = sub.add_parser("aging", help="A/R aging buckets 0-30 ... 120+ as of a date")
    add_db_option(aging)
    aging.add_argument("--as-of", type=_date, default=None, metavar="DATE", help="default: today")
    aging.add_argument("--by", choices=("payer", "patient", "provider"), default="payer")
    aging.add_argument("--basis", choices=("dos", "billed"), default="dos", help="age from date of service or billed")
    aging.add_argument("--responsibility", choices=("all", "insurance", "patient"), default="all")
    fmt = aging.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    aging.add_argument("--pdf", type=Path, default=None, metavar="FILE")
    queue = sub.add_parser("queue", help="unpaid and underpaid claims over 30 days old, highest priority first")
    add_db_option(queue)
    queue.add_argument("--today", type=_date, default=None, metavar="DATE")
    queue.add_argument("--json", action="store_true")
    note = sub.add_parser("note", help="add a follow-up note (and the next action date) to a claim")
    add_db_option(note)
    note.add_argument("claim", help="claim number (CD00000012) or id")
    note.add_argument("--text", required=True)
    note.add_argument("--next", type=_date, default=None, metavar="DATE", help="tickler: when to look again")
    note.add_argument("--json", action="store_true")


@command("ar", "A/R aging, the follow-up work queue and claim notes", _ar_args)
def ar(args: argparse.Namespace) -> int:
    from app.services.container import open_services

    services = open_services(db_path(args))
    try:
        if args.ar_command == "aging":
            report = services.ar.aging(
                args.as_of or dt.date.today(), basis=args.basis, by=args.by, responsibility=args.responsibility
            )
            if args.pdf:
                services.ar.to_pdf(report, args.pdf)
            if args.json:
                print_json(report.to_json())
            elif args.csv:
                print(report.to_csv(), end="")
            else:
                widths = max([len(r.name) for r in report.rows] + [5])
                print(f"A/R aging as of {report.as_of} (aged from {args.basis}, by {args.by})")
                print(f"{'':{widths}}  " + "  ".join(f"{b:>12}" for b in (*BUCKET_LABELS, "total")))
                for r in report.rows:
                    cells = [*(format_money(c) for c in r.buckets.values()), format_money(r.total)]
                    print(f"{r.name:{widths}}  " + "  ".join(f"{c:>12}" for c in cells))
                cells = [*(format_money(c) for c in report.totals.values()), format_money(report.total)]
                print(f"{'Total':{widths}}  " + "  ".join(f"{c:>12}" for c in cells))
                pct = [f"{p}%" for p in report.percentages.values()]
                print(f"{'%':{widths}}  " + "  ".join(f"{c:>12}" for c in pct))
            if args.pdf and not (args.json or args.csv):
                print(f"PDF written to {args.pdf}")
        elif args.ar_command == "queue":
            items = services.ar.queue(args.today or dt.date.today())
            if args.json:
                print_json([_item(i) for i in items])
            elif not items:
                print("Nothing to follow up: no sent claim over 30 days old with an insurance balance.")
            else:
                for i in items:
                    tickler = f"  next: {i.next_action_date}" if i.next_action_date else ""
                    print(
                        f"{i.claim_number}  {i.payer_name:20.20}  {i.patient_name:25.25}"
                        f"  {format_money(i.balance_cents):>11}"
                        f"  {i.age_days:>4} d  {i.days_left:>4} d left  score {i.score}{tickler}"
                    )
                    for d in i.denials:
                        print(f"{'':12}{d.group_code}-{d.carc}: {d.carc_text} -> {d.action}")
        elif args.ar_command == "note":
            claim_id = services.claims.resolve(args.claim)
            note = services.ar.add_note(claim_id, args.text, args.next)
            if args.json:
                print_json({"id": note.id, "claim_id": claim_id, "next_action_date": note.next_action_date})
            else:
                print(
                    f"Note #{note.id} added"
                    + (f"; next action on {note.next_action_date}." if note.next_action_date else ".")
                )
        return 0
    finally:
        services.close()


def _item(i: Any) -> dict[str, Any]:
    return {
        "claim_id": i.claim_id,
        "claim_number": i.claim_number,
        "status": i.status,
        "payer": i.payer_name,
        "patient": i.patient_name,
        "date_of_service": i.date_of_service.isoformat(),
        "aged_from": i.aged_from.isoformat(),
        "age_days": i.age_days,
        "balance": str(from_cents(i.balance_cents)),
        "filing_deadline": i.filing_deadline.isoformat(),
        "days_left": i.days_left,
        "score": str(i.score),
        "next_action_date": i.next_action_date.isoformat() if i.next_action_date else None,
        "notes": [
            {"note": n.note, "by": n.created_by, "next_action_date": n.next_action_date, "done": n.done}
            for n in i.notes
        ],
        "denials": [
            {
                "group_code": d.group_code,
                "carc": d.carc,
                "carc_text": d.carc_text,
                "rarc": d.rarc,
                "rarc_text": d.rarc_text,
                "amount": str(from_cents(d.amount_cents)),
                "action": d.action,
            }
            for d in i.denials
        ],
    }


def _kpi_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="date_from", type=_date, required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, required=True, metavar="DATE")
    p.add_argument("--json", action="store_true")


@command("kpi", "revenue-cycle KPIs for a period, with formulas and benchmarks", _kpi_args)
def kpi(args: argparse.Namespace) -> int:
    from app.services.container import open_services

    services = open_services(db_path(args))
    try:
        report = services.kpi.kpis(args.date_from, args.date_to)
        if args.json:
            print_json(report.to_json())
        else:
            print(f"KPIs {report.date_from} to {report.date_to}")
            for k in report.kpis.values():
                value = "n/a" if k.value is None else f"{k.value}{'%' if k.unit == '%' else ' days'}"
                print(f"{k.label:28} {value:>12}   goal: {k.benchmark}")
                print(f"{'':28} = {k.formula}")
        return 0
    finally:
        services.close()
