"""`claimdesk post-835`, `claimdesk unmatched` and `claimdesk eob ...`: import 835 files, work the unmatched
queue and post paper EOBs check by check, headless (the same services the Payments panel uses).

A paper check is a batch: `eob open` starts it, `eob post` posts one claim from the EOB into it (one
transaction), `eob finish` closes it once the check is fully applied (or parks the rest with a reason), and
`eob undo` reverses one claim's posting. `eob post` takes one `--line` per service line:

    CODE:PAID[:ALLOWED[:ITEM...]]

CODE is the billed code with any modifiers (99213, 99213-25) or the line number (1, 2, ...). CO-45 is the
charge minus ALLOWED unless an item gives it. Each ITEM is an adjustment GROUP-CARC=AMOUNT (PR-1=20.00
deductible, PR-2=18.00 coinsurance, PR-3=25.00 copay, CO-97=25.00, OA-23=10.00), a remark code (N54), or
then=next|patient|settle for the rest of the line (default: the next payer when the patient has one,
else the patient). For example:

    claimdesk eob post 3 CD00000001 --line 99213:72.00:90.00:PR-2=18.00 --line 36415:16.00:20.00:PR-2=4.00
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import add_db_option, command, db_path, print_json
from app.domain.eob_entry import (
    LINE_SPEC_HELP,
    STATUS_LABELS,
    EobLine,
    LineSpec,
    automatic_status,
    claim_posting,
    default_then,
    eob_line_from_spec,
    money_flow,
    parse_amount,
    parse_day,
    parse_line_spec,
    posted_words,
    underpayment_words,
)
from app.domain.money import format_money, from_cents, to_cents
from app.errors import ValidationError

if TYPE_CHECKING:
    from app.services.container import Services
    from app.services.era_posting import EraImportResult, UnmatchedPayment
    from app.services.paper_posting import BatchState, ClaimForPosting, PostedClaim

SEQUENCE_WORDS = {1: "secondary", 2: "tertiary"}


# ---------------------------------------------------------------------------------------------- post-835


def _post_835_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="FILE", help="the 835 file from the payer or clearinghouse")
    p.add_argument(
        "--accept-unbalanced",
        action="store_true",
        help="when the file does not balance: post every balanced claim and hold the rest for review",
    )
    p.add_argument("--json", action="store_true")


@command("post-835", "import an 835 ERA file: post its payments and queue what cannot be matched", _post_835_args)
def post_835(args: argparse.Namespace) -> int:
    from app.services.container import open_services

    services = open_services(db_path(args))
    try:
        try:
            result = services.era_import.import_file(args.file, accept_unbalanced=args.accept_unbalanced)
        except ValidationError as exc:
            if "does not balance" not in str(exc.args[0] if exc.args else ""):
                raise
            print(f"claimdesk: {exc}", file=sys.stderr)
            print("Run again with --accept-unbalanced to post every balanced claim and hold the rest.", file=sys.stderr)
            return 1
        if args.json:
            print_json(result.as_json())
        else:
            _print_import(result)
        return 0
    finally:
        services.close()


def _print_import(result: EraImportResult) -> None:
    print(result.summary())
    for o in result.outcomes:
        reason = f": {o.reason}" if o.reason else ""
        print(
            f"  segment {o.segment_number:<6} {o.patient_control_number:<14} {format_money(o.paid_cents):>12}  "
            f"{o.result}{reason}"
        )
    for problem in result.balance_problems:
        print(f"  held: {problem}")


# ---------------------------------------------------------------------------------------------- unmatched


def _unmatched_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")
    sub = p.add_subparsers(dest="unmatched_command", metavar="ACTION")
    match = sub.add_parser("match", help="post a waiting 835 payment to the claim it belongs to")
    add_db_option(match)
    match.add_argument("payment", type=int, metavar="PAYMENT_ID", help="the waiting payment's id (from the list)")
    match.add_argument("claim", help="claim number (CD00000012) or id")
    match.add_argument("--json", action="store_true", default=argparse.SUPPRESS)


@command("unmatched", "835 payments waiting to be matched to a claim (and matching one by hand)", _unmatched_args)
def unmatched(args: argparse.Namespace) -> int:
    from app.services.container import open_services

    services = open_services(db_path(args))
    try:
        if args.unmatched_command == "match":
            outcome = services.era_import.match_by_hand(args.payment, args.claim)
            number = _claim_number(services, outcome.claim_id)
            if args.json:
                print_json(
                    {
                        "payment": args.payment,
                        "claim": number,
                        "paid": str(from_cents(outcome.paid_cents)),
                        "result": outcome.result,
                    }
                )
            else:
                print(f"Payment {args.payment} ({format_money(outcome.paid_cents)}) posted to {number}.")
            return 0
        rows = services.era_import.unmatched()
        if args.json:
            print_json([_unmatched_json(r) for r in rows])
        elif not rows:
            print("No 835 payments are waiting to be matched.")
        else:
            for r in rows:
                day = f"{r.service_date:%m/%d/%Y}" if r.service_date else "no date"
                print(
                    f"{r.claim_payment_id:>6}  check {r.check_number}  {r.payer_name}  {r.patient_control_number}  "
                    f"{r.patient_name or '?'}  {day}  charge {format_money(r.charge_cents)}  "
                    f"paid {format_money(r.paid_cents)}  ({r.reason})"
                )
            print("Match one with `claimdesk unmatched match PAYMENT_ID CLAIM`.")
        return 0
    finally:
        services.close()


def _unmatched_json(r: UnmatchedPayment) -> dict[str, Any]:
    return {
        "payment": r.claim_payment_id,
        "remittance": r.remittance_id,
        "check": r.check_number,
        "payer": r.payer_name,
        "patient_control_number": r.patient_control_number,
        "patient": r.patient_name,
        "service_date": r.service_date.isoformat() if r.service_date else None,
        "charge": str(from_cents(r.charge_cents)),
        "paid": str(from_cents(r.paid_cents)),
        "status": r.status_code,
        "reason": r.reason,
    }


# ---------------------------------------------------------------------------------------------- eob


def _eob_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="eob_command", metavar="ACTION", required=True)

    opened = sub.add_parser("open", help="start a batch for one paper check (or EFT)")
    add_db_option(opened)
    opened.add_argument("--payer", required=True, metavar="PAYERID", help="the payer's electronic id, e.g. 00882")
    opened.add_argument("--check", required=True, metavar="N", help="check or EFT trace number")
    opened.add_argument("--date", required=True, metavar="MM/DD/YYYY", help="the check date")
    opened.add_argument("--amount", required=True, metavar="AMOUNT", help="the check amount, e.g. 1072.50")
    opened.add_argument("--deposit-date", default=None, metavar="MM/DD/YYYY")
    opened.add_argument("--batch-name", default=None, metavar="NAME")
    opened.add_argument("--method", choices=("CHK", "ACH", "NON"), default="CHK", help="check, EFT, or no payment")
    opened.add_argument("--json", action="store_true")

    batches = sub.add_parser("batches", help="the open batches, with what is applied and what is not")
    add_db_option(batches)
    batches.add_argument("--json", action="store_true")

    find = sub.add_parser("find", help="the batch payer's sent claims by patient, account, claim number or date")
    add_db_option(find)
    find.add_argument("batch", type=int, metavar="BATCH")
    find.add_argument("query", help="'smith, jo', an account, a claim number, or a date of service")
    find.add_argument("--json", action="store_true")

    post = sub.add_parser(
        "post",
        help="post one claim from the EOB into the batch",
        description="Post one claim from the EOB into the batch. " + LINE_SPEC_HELP,
    )
    add_db_option(post)
    post.add_argument("batch", type=int, metavar="BATCH")
    post.add_argument("claim", metavar="CLAIM", help="claim number (CD00000012) or id")
    post.add_argument("--line", action="append", required=True, metavar="SPEC", help=LINE_SPEC_HELP)
    post.add_argument(
        "--status",
        choices=("auto", "processed", "denied"),
        default="auto",
        help="auto: denied when every line pays nothing for a reason other than the patient's share",
    )
    post.add_argument("--payer-claim-number", default=None, metavar="ICN", help="the payer's claim number")
    post.add_argument("--json", action="store_true")

    finish = sub.add_parser("finish", help="close the batch once the check is fully applied")
    add_db_option(finish)
    finish.add_argument("batch", type=int, metavar="BATCH")
    finish.add_argument(
        "--park-reason", default=None, metavar="TEXT", help="park what is not applied as an unapplied credit"
    )
    finish.add_argument("--json", action="store_true")

    undo = sub.add_parser("undo", help="reverse one claim's posting (the claim waits for the payer again)")
    add_db_option(undo)
    undo.add_argument("claim_payment", type=int, metavar="CLAIM_PAYMENT", help="the id `eob post` printed")
    undo.add_argument("--reason", required=True, metavar="TEXT")
    undo.add_argument("--json", action="store_true")


@command("eob", "post paper EOBs: open a batch per check, post claims into it, finish or undo", _eob_args)
def eob(args: argparse.Namespace) -> int:
    from app.services.container import open_services

    services = open_services(db_path(args))
    try:
        action = args.eob_command
        posting = services.paper_posting
        if action == "open":
            amount = parse_amount(args.amount, "check amount")
            day = parse_day(args.date, "check date")
            if amount is None or day is None:
                raise ValidationError("Give the check date and amount.")
            state = posting.open_batch(
                services.practice.resolve_payer(args.payer),
                args.check,
                day,
                amount,
                deposit_date=parse_day(args.deposit_date or "", "deposit date"),
                batch_name=args.batch_name,
                method=args.method,
            )
            _say_batch(state, args.json, "opened")
        elif action == "batches":
            states = posting.open_batches()
            if args.json:
                print_json([_batch_json(s) for s in states])
            elif not states:
                print("No open batches. Start one with `claimdesk eob open`.")
            else:
                for state in states:
                    print(_batch_words(state))
        elif action == "find":
            state = posting.batch(args.batch)
            found = posting.find_claims(state.payer_id, args.query)
            if args.json:
                print_json([_claim_json(c) for c in found])
            elif not found:
                print(f"No sent claim of {state.payer_name} matches {args.query!r}.")
            else:
                for claim in found:
                    _print_claim(claim)
        elif action == "post":
            return _post(services, args)
        elif action == "finish":
            state = posting.finish_batch(args.batch, args.park_reason)
            _say_batch(state, args.json, "finished")
        else:
            state = posting.undo_posting(args.claim_payment, args.reason)
            if args.json:
                print_json({"claim_payment": args.claim_payment, "undone": True, "batch": _batch_json(state)})
            else:
                print(f"Posting {args.claim_payment} undone; the claim waits for the payer again.")
                print(_batch_words(state))
        return 0
    finally:
        services.close()


def _post(services: Services, args: argparse.Namespace) -> int:
    claim = services.paper_posting.claim_for_posting(services.claims.resolve(args.claim))
    lines = _lines_from_specs(claim, [parse_line_spec(spec) for spec in args.line])
    status = {"auto": automatic_status(lines, claim.payer_sequence), "denied": "4"}.get(
        args.status, str(min(claim.payer_sequence, 3))
    )
    posted = services.paper_posting.post_claim(
        args.batch, claim_posting(claim.claim_id, lines, status, args.payer_claim_number)
    )
    flow = money_flow(lines, claim.has_next_payer)
    next_number, next_payer = _next_claim(services, posted.next_payer_claim)
    words = posted_words(
        flow,
        status=posted.status,
        denials=posted.denials,
        next_payer_name=next_payer,
        next_claim_number=next_number,
        next_sequence_word=SEQUENCE_WORDS.get(claim.payer_sequence, "next"),
    )
    if args.json:
        print_json(_posted_json(posted, status, flow.to_next_payer, flow.to_patient, next_number))
        return 0
    print(f"Posted {posted.claim_number} as claim payment {posted.claim_payment_id} ({STATUS_LABELS[status].lower()}).")
    print(f"{words}.")
    for u in posted.underpayments:
        print(f"Underpaid: {underpayment_words(u.code, u.allowed, u.expected_allowed)}.")
    print(_batch_words(posted.batch))
    return 0


def _lines_from_specs(claim: ClaimForPosting, specs: Sequence[LineSpec]) -> list[EobLine]:
    """Each `--line` to one line of the claim: by line number, or by code (and modifiers) in claim order."""
    then = default_then(claim.has_next_payer)
    free = list(claim.lines)
    out: list[EobLine] = []
    for spec in specs:
        if spec.line is not None:
            found = next((ln for ln in free if ln.number == spec.line), None)
        else:
            found = next(
                (
                    ln
                    for ln in free
                    if ln.code == spec.code
                    and (not spec.modifiers or ln.modifiers[: len(spec.modifiers)] == spec.modifiers)
                ),
                None,
            )
        if found is None:
            named = f"line {spec.line}" if spec.line is not None else "-".join((spec.code or "", *spec.modifiers))
            listed = ", ".join(
                f"{ln.number} {'-'.join((ln.code, *ln.modifiers))} {format_money(to_cents(ln.charge))}"
                for ln in claim.lines
            )
            raise ValidationError(f"Claim {claim.claim_number} has no {named} left to post; its lines: {listed}.")
        free.remove(found)
        out.append(eob_line_from_spec(spec, found.claim_line_id, found.charge, then))
    return out


def _next_claim(services: Services, claim_id: int | None) -> tuple[str | None, str | None]:
    """The drafted next payer's claim: its number and payer."""
    if claim_id is None:
        return None, None
    from app.domain.claim_list import ClaimFilter, ClaimSort
    from app.services.claims import claim_number

    number = claim_number(claim_id)
    rows = services.claim_list.page(ClaimFilter(search=number), ClaimSort(), 0, 1)
    return number, rows[0].payer_name if rows else None


def _claim_number(services: Services, claim_id: int | None) -> str:
    from app.services.claims import claim_number

    return claim_number(claim_id) if claim_id is not None else "(no claim)"


# ---------------------------------------------------------------------------------------------- words and JSON


def _batch_json(state: BatchState) -> dict[str, Any]:
    return {
        "batch": state.remittance_id,
        "payer": state.payer_name,
        "check": state.check_number,
        "check_date": state.check_date.isoformat(),
        "deposit_date": state.deposit_date.isoformat() if state.deposit_date else None,
        "batch_name": state.batch_name,
        "check_amount": str(from_cents(state.check_cents)),
        "applied": str(from_cents(state.applied_cents)),
        "parked": str(from_cents(state.parked_cents)),
        "unapplied": str(from_cents(state.unapplied_cents)),
        "claims_posted": state.claims_posted,
        "finished": state.finished,
    }


def _batch_words(state: BatchState) -> str:
    name = f" ({state.batch_name})" if state.batch_name else ""
    parked = f", parked {format_money(state.parked_cents)}" if state.parked_cents else ""
    done = "finished" if state.finished else "open"
    return (
        f"Batch {state.remittance_id}{name}: {state.payer_name} check {state.check_number} of "
        f"{state.check_date:%m/%d/%Y}, {format_money(state.check_cents)}; applied {format_money(state.applied_cents)}"
        f"{parked}, unapplied {format_money(state.unapplied_cents)}; {state.claims_posted} claim(s) posted; {done}."
    )


def _say_batch(state: BatchState, as_json: bool, what: str) -> None:
    if as_json:
        print_json(_batch_json(state))
    else:
        print(f"Batch {state.remittance_id} {what}.")
        print(_batch_words(state))


def _claim_json(claim: ClaimForPosting) -> dict[str, Any]:
    return {
        "claim": claim.claim_number,
        "id": claim.claim_id,
        "status": claim.status,
        "patient": claim.patient_name,
        "account": claim.account_number,
        "date_of_service": claim.date_of_service.isoformat(),
        "payer": claim.payer_name,
        "payer_sequence": claim.payer_sequence,
        "has_next_payer": claim.has_next_payer,
        "total_charge": str(claim.total_charge),
        "copay": str(claim.copay),
        "lines": [
            {
                "line": ln.number,
                "date_of_service": ln.date_of_service.isoformat(),
                "code": ln.code,
                "modifiers": list(ln.modifiers),
                "units": ln.units,
                "charge": str(ln.charge),
                "expected_allowed": str(ln.expected_allowed) if ln.expected_allowed is not None else None,
            }
            for ln in claim.lines
        ],
    }


def _print_claim(claim: ClaimForPosting) -> None:
    print(
        f"{claim.claim_number}  {claim.patient_name} ({claim.account_number})  {claim.date_of_service:%m/%d/%Y}  "
        f"{format_money(to_cents(claim.total_charge))}  {claim.status.replace('_', ' ')}"
    )
    for ln in claim.lines:
        expected = (
            f"  fee schedule {format_money(to_cents(ln.expected_allowed))}" if ln.expected_allowed is not None else ""
        )
        code = "-".join((ln.code, *ln.modifiers))
        print(f"    line {ln.number}  {code:<12} x{ln.units}  {format_money(to_cents(ln.charge)):>10}{expected}")


def _posted_json(
    posted: PostedClaim, status_code: str, to_next: Decimal, to_patient: Decimal, next_number: str | None
) -> dict[str, Any]:
    return {
        "claim_payment": posted.claim_payment_id,
        "claim": posted.claim_number,
        "status": posted.status,
        "status_code": status_code,
        "paid": str(posted.paid),
        "to_next_payer": str(to_next),
        "to_patient": str(to_patient),
        "denials": posted.denials,
        "underpayments": [
            {
                "line": u.line,
                "code": u.code,
                "allowed": str(u.allowed),
                "expected_allowed": str(u.expected_allowed),
                "difference": str(u.difference),
            }
            for u in posted.underpayments
        ],
        "next_payer_claim": next_number,
        "batch": _batch_json(posted.batch),
    }


def _remit_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("remittance", type=int, help="payment id (`claimdesk post-835 --json` lists them as remittances)")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    p.add_argument("--claim", action="append", default=None, metavar="CLAIM", help="only this claim (repeat)")


@command("remit", "print a posted payment (835 or paper) in plain words, CARC/RARC described, to PDF", _remit_args)
def remit(args: argparse.Namespace) -> int:
    from app.services.container import open_services

    services = open_services(db_path(args))
    try:
        practice = services.practice.practice()
        path = services.era_import.remittance_pdf(
            args.remittance,
            args.output,
            services.codesets.adjustment_codes("carc"),
            services.codesets.adjustment_codes("rarc"),
            args.claim,
            practice.name or "",
        )
        print(f"Remittance {args.remittance} written to {path}.")
        return 0
    finally:
        services.close()
