"""`claimdesk account ...` and `claimdesk statements ...`: a patient's account in plain words, front-desk
payments with receipts, and statement runs and reprints, headless (the same services the window uses)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from app.cli import add_db_option, command, db_path, print_json
from app.errors import ValidationError


def _account_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("words", nargs="+", metavar="ACCOUNT", help="ACCOUNT to show it, or `pay ACCOUNT` to take a payment")
    p.add_argument("--amount", default=None, help="payment amount, e.g. 40.00")
    p.add_argument("--method", choices=("cash", "check", "card", "other"), default=None)
    p.add_argument("--reference", default=None, help="check number or card authorization")
    p.add_argument("--received-on", default=None, metavar="DATE", help="default: today")
    p.add_argument("--receipt", type=Path, default=None, metavar="FILE.pdf", help="also write a receipt")
    p.add_argument("--json", action="store_true")


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(f"{option} {text!r}: expected a date like 2026-04-01.") from exc


@command("account", "a patient's account in plain words, or take a payment (`account pay ACCOUNT`)", _account_args)
def account(args: argparse.Namespace) -> int:
    from app.domain.money import from_cents
    from app.services.container import open_services

    words = args.words
    if words[0] == "pay" and len(words) == 2:
        if args.amount is None or args.method is None:
            raise ValidationError("`account pay` needs --amount and --method.")
        services = open_services(db_path(args))
        try:
            receipt = services.accounts.take_payment(
                words[1], args.amount, args.method, args.reference, _date(args.received_on, "--received-on")
            )
            if args.receipt:
                services.accounts.receipt_pdf(receipt.payment_id, args.receipt)
            out: dict[str, Any] = {
                "payment": receipt.payment_id,
                "account": receipt.account_number,
                "amount": str(from_cents(receipt.amount_cents)),
                "applied": [
                    {"service_line": a.service_line_id, "code": a.code, "amount": str(from_cents(a.amount_cents))}
                    for a in receipt.applied
                ],
                "credit": str(from_cents(receipt.credit_cents)),
                "patient_balance": str(from_cents(receipt.patient_balance_cents)),
                "receipt": str(args.receipt) if args.receipt else None,
            }
            if args.json:
                print_json(out)
            else:
                print(receipt.message)
                if args.receipt:
                    print(f"Receipt written to {args.receipt}.")
            return 0
        finally:
            services.close()
    if len(words) != 1:
        raise ValidationError("Usage: `claimdesk account ACCOUNT` or `claimdesk account pay ACCOUNT --amount A ...`.")
    services = open_services(db_path(args))
    try:
        acct = services.accounts.account(words[0])
        if args.json:
            print_json(
                {
                    "account": acct.account_number,
                    "name": acct.name,
                    "insurance_pending": str(from_cents(acct.insurance_cents)),
                    "patient_owed": str(from_cents(acct.patient_cents)),
                    "lines": [
                        {
                            "date": ln.date.isoformat(),
                            "kind": ln.kind,
                            "text": ln.text,
                            "insurance_balance": str(from_cents(ln.insurance_cents)),
                            "patient_balance": str(from_cents(ln.patient_cents)),
                        }
                        for ln in acct.lines
                    ],
                }
            )
        else:
            print(f"{acct.account_number}  {acct.name}")
            for ln in acct.lines:
                print(
                    f"{ln.date.isoformat()}  {ln.text:70.70}  ins {from_cents(ln.insurance_cents):>10}"
                    f"  pt {from_cents(ln.patient_cents):>10}"
                )
            print(acct.summary())
        return 0
    finally:
        services.close()


def _statements_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="statements_command", metavar="ACTION", required=True)
    run = sub.add_parser("run", help="print statements for every guarantor due one into one PDF")
    add_db_option(run)
    run.add_argument("--as-of", required=True, metavar="DATE")
    run.add_argument("--include-pending", action="store_true", help="also balances still pending with insurance")
    run.add_argument("--write-off-small", action="store_true", help="write off small balances first (settings)")
    run.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    run.add_argument("--json", action="store_true")
    reprint = sub.add_parser("reprint", help="print a statement again exactly as it was")
    add_db_option(reprint)
    reprint.add_argument("statement", type=int)
    reprint.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    sent = sub.add_parser("mark-sent", help="record that a run's statements were mailed")
    add_db_option(sent)
    sent.add_argument("run", type=int)


@command("statements", "patient statement runs, reprints, and marking them sent", _statements_args)
def statements(args: argparse.Namespace) -> int:
    from app.domain.money import from_cents
    from app.domain.statements import StatementOptions
    from app.services.container import open_services

    services = open_services(db_path(args))
    try:
        action = args.statements_command
        if action == "run":
            as_of = _date(args.as_of, "--as-of")
            assert as_of is not None
            options = StatementOptions(
                include_pending=args.include_pending, write_off_small_balances=args.write_off_small
            )
            result = services.statements.run(as_of, options, args.output)
            out = {
                "run": result.run_id,
                "statements": result.count,
                "total_due": str(from_cents(result.total_due_cents)),
                "written_off": str(from_cents(result.written_off.amount_cents)),
                "file": str(result.path),
            }
            if args.json:
                print_json(out)
            else:
                print(
                    f"{out['statements']} statement(s), total due ${out['total_due']}, written to {out['file']} "
                    f"(run {out['run']}). After mailing: `claimdesk statements mark-sent {out['run']}`."
                )
        elif action == "reprint":
            path = services.statements.reprint(args.statement, args.output)
            print(f"Statement {args.statement} reprinted to {path}.")
        else:
            count = services.statements.mark_sent(args.run)
            print(f"{count} statement(s) of run {args.run} marked sent.")
        return 0
    finally:
        services.close()
