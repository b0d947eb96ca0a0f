"""`claimdesk practice ...`: the billing provider (show, set) and prices derived from the Medicare fee schedule."""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal, InvalidOperation

from app.cli import add_db_option, command, db_path, print_json


def _percent(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage") from exc
    if value <= 0:
        raise argparse.ArgumentTypeError("the percentage must be above zero")
    return value


def _practice_args(p: argparse.ArgumentParser) -> None:
    from app.commands.demographics import add_practice_actions

    sub = p.add_subparsers(dest="practice_command", metavar="ACTION", required=True)
    add_practice_actions(sub)
    cm = sub.add_parser("derive-charge-master", help="set every charge-master price to a percentage of Medicare")
    add_db_option(cm)
    cm.add_argument("--percent", type=_percent, required=True, help="e.g. 180 for 180%% of Medicare")
    cm.add_argument("--locality", help="MAC and locality (default: the practice's)")
    cm.add_argument("--json", action="store_true")
    fs = sub.add_parser("derive-fee-schedule", help="a payer's expected allowed amounts as a percentage of Medicare")
    add_db_option(fs)
    fs.add_argument("--payer", required=True, help="the payer's electronic id")
    fs.add_argument("--percent", type=_percent, required=True, help="e.g. 110")
    fs.add_argument("--effective", type=dt.date.fromisoformat, required=True)
    fs.add_argument("--locality")
    fs.add_argument("--json", action="store_true")


@command("practice", "practice setup: the billing provider, and prices derived from Medicare", _practice_args)
def practice(args: argparse.Namespace) -> int:
    from app.services.container import open_services

    if args.practice_command in ("show", "set"):
        from app.commands.demographics import run_practice_action

        return run_practice_action(args)
    services = open_services(db_path(args))
    try:
        if args.practice_command == "derive-charge-master":
            changes = services.pricing.derive_charge_master(args.percent, args.locality)
        else:
            changes = services.pricing.derive_fee_schedule(args.payer, args.percent, args.effective, args.locality)
    finally:
        services.close()
    rows = [
        {"code": c.code, "modifier": c.modifier, "medicare": _s(c.medicare), "old": _s(c.old), "new": _s(c.new)}
        for c in changes
    ]
    if args.json:
        print_json({"changed": sum(1 for c in changes if c.new is not None), "rows": rows})
        return 0
    for r in rows:
        new = r["new"] or "unchanged (no Medicare amount)"
        print(f"{r['code']:<6}{r['modifier']:<3} Medicare {r['medicare'] or '-':>9}  {r['old'] or '-':>9} -> {new}")
    return 0


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
