"""Revenue-cycle KPIs for a period, each exact and with its formula in words (see `app.domain.kpi`)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Integer, and_, cast, func, select
from sqlalchemy.orm import Session, aliased

from app.domain.kpi import TENTH, Kpi, KpiReport, days_in_ar, ratio
from app.errors import ValidationError
from app.services.ar import ArService
from db.models import (
    ClaimPaymentRecord,
    ClaimRecord,
    ClaimStatusEventRecord,
    DenialRecord,
    EncounterRecord,
    LedgerEntryRecord,
    RemittanceRecord,
    ScrubRunRecord,
)
from db.session import Database

L = LedgerEntryRecord
CP = ClaimPaymentRecord
R = RemittanceRecord
PAID_STATUS_CODES = ("1", "2", "3")  # 835 CLP02: processed as primary, secondary, tertiary
DENIED_STATUS_CODE = "4"
COLLECTION_KINDS = ("insurance_payment", "patient_payment", "refund")
NOT_WRITE_OFFS = ("contractual", "prior_payer")


class KpiService:
    def __init__(self, db: Database, ar: ArService) -> None:
        self.db = db
        self.ar = ar

    def kpis(self, date_from: dt.date, date_to: dt.date) -> KpiReport:
        """Every KPI for the days `date_from`..`date_to` (both included)."""
        if date_to < date_from:
            raise ValidationError(f"The period ends ({date_to}) before it starts ({date_from}).")
        days = (date_to - date_from).days + 1
        aging = self.ar.aging(date_to, basis="dos", by="payer")
        totals = aging.totals
        ar_cents = aging.total
        over_90 = totals["91-120"] + totals["120+"]
        with self.db.session() as s:
            money = _money_in_period(s, date_from, date_to)
            claims = _claim_outcomes(s, date_from, date_to)
            submission = _average_days(
                s,
                select(
                    func.sum(
                        cast(
                            func.julianday(ClaimRecord.first_billed_on)
                            - func.julianday(EncounterRecord.date_of_service),
                            Integer,
                        )
                    ),
                    func.count(ClaimRecord.id),
                )
                .join(EncounterRecord, EncounterRecord.id == ClaimRecord.encounter_id)
                .where(
                    ClaimRecord.payer_sequence == 1,
                    ClaimRecord.frequency_code == "1",
                    ClaimRecord.first_billed_on.between(date_from, date_to),
                ),
            )
            posted_on = func.date(R.created_at)
            posting = _average_days(
                s,
                select(
                    func.sum(cast(func.julianday(posted_on) - func.julianday(R.check_date), Integer)), func.count(R.id)
                ).where(posted_on.between(date_from.isoformat(), date_to.isoformat())),
            )
            scrubbed, clean_scrubs = s.execute(
                select(
                    func.coalesce(func.sum(ScrubRunRecord.claims), 0), func.coalesce(func.sum(ScrubRunRecord.clean), 0)
                ).where(func.date(ScrubRunRecord.at).between(date_from.isoformat(), date_to.isoformat()))
            ).one()
        charges, payments = money["charges"], money["payments"]
        contractual, write_off = money["contractual"], money["write_off"]
        kpis = [
            Kpi("days_in_ar", days_in_ar(ar_cents, charges, days), ar_cents, Decimal(charges) / days if days else None),
            Kpi("net_collection_rate", ratio(payments, charges - contractual), payments, charges - contractual),
            Kpi("denial_rate", ratio(claims["denied"], claims["adjudicated"]), claims["denied"], claims["adjudicated"]),
            Kpi("clean_claim_rate", ratio(claims["clean"], claims["first"]), claims["clean"], claims["first"]),
            Kpi(
                "first_pass_resolution_rate",
                ratio(claims["resolved"], claims["first"]),
                claims["resolved"],
                claims["first"],
            ),
            Kpi("ar_over_90_pct", ratio(over_90, ar_cents), over_90, ar_cents),
            Kpi("ar_over_120_pct", ratio(totals["120+"], ar_cents), totals["120+"], ar_cents),
            Kpi("submission_lag_days", *submission),
            Kpi("posting_lag_days", *posting),
            Kpi("scrub_clean_rate", ratio(int(clean_scrubs), int(scrubbed)), int(clean_scrubs), int(scrubbed)),
        ]
        return KpiReport(
            date_from,
            date_to,
            {k.key: k for k in kpis},
            ar_cents=ar_cents,
            charges_cents=charges,
            payments_cents=payments,
            contractual_cents=contractual,
            write_off_cents=write_off,
            figures={"days_in_period": days, **claims},
        )

    def trend(self, months: int = 12, until: dt.date | None = None) -> list[KpiReport]:
        """Each KPI per calendar month, oldest first, for the `months` months ending with `until`'s month
        (that last month runs to `until`)."""
        until = until or dt.date.today()
        reports = []
        year, month = until.year, until.month
        starts = []
        for _ in range(months):
            starts.append(dt.date(year, month, 1))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        for start in reversed(starts):
            nxt = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
            reports.append(self.kpis(start, min(until, nxt - dt.timedelta(days=1))))
        return reports


def _money_in_period(s: Session, date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    """Net charges, collections, contractual and other adjustments effective in the period, in cents. A
    reversal counts as the kind of entry it reverses, so a reversed payment is no longer collected."""
    original = aliased(LedgerEntryRecord)
    kind = func.coalesce(original.kind, L.kind)
    rows = s.execute(
        select(kind, L.adjustment_type, func.sum(L.amount_cents))
        .select_from(L)
        .outerjoin(original, and_(L.kind == "reversal", original.id == L.reverses_entry_id))
        .where(L.effective_date.between(date_from, date_to))
        .group_by(kind, L.adjustment_type)
    ).all()
    out = {"charges": 0, "payments": 0, "contractual": 0, "write_off": 0}
    for k, adj_type, cents in rows:
        cents = int(cents or 0)
        if k == "charge":
            out["charges"] += cents
        elif k in COLLECTION_KINDS:
            out["payments"] -= cents
        elif k == "adjustment" and adj_type == "contractual":
            out["contractual"] -= cents
        elif k == "adjustment" and adj_type not in NOT_WRITE_OFFS:
            out["write_off"] -= cents
    return out


def _claim_outcomes(s: Session, date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    """Counts of claims adjudicated, denied, first adjudicated, clean (paid on first submission) and resolved
    on the first pass, from the remittances dated in the period."""
    in_period = R.check_date.between(date_from, date_to)
    touched = select(CP.claim_id).join(R, R.id == CP.remittance_id).where(in_period, CP.claim_id.is_not(None))
    denial = select(DenialRecord.id).where(DenialRecord.claim_payment_id == CP.id).exists()
    rows = s.execute(
        select(CP.claim_id, CP.id, CP.status_code, CP.paid_cents, R.check_date, denial)
        .join(R, R.id == CP.remittance_id)
        .where(CP.claim_id.in_(touched))
        .order_by(CP.claim_id, R.check_date, CP.id)
    ).all()
    claim_info = {
        cid: (freq, original)
        for cid, freq, original in s.execute(
            select(ClaimRecord.id, ClaimRecord.frequency_code, ClaimRecord.original_claim_id).where(
                ClaimRecord.id.in_(touched)
            )
        )
    }
    rejected = set(
        s.scalars(
            select(ClaimStatusEventRecord.claim_id).where(
                ClaimStatusEventRecord.status == "rejected", ClaimStatusEventRecord.claim_id.in_(touched)
            )
        )
    )
    replaced = set(s.scalars(select(ClaimRecord.original_claim_id).where(ClaimRecord.original_claim_id.in_(touched))))
    per_claim: dict[int, list[Any]] = {}
    for row in rows:
        per_claim.setdefault(row[0], []).append(row)
    out = {"adjudicated": 0, "denied": 0, "first": 0, "clean": 0, "resolved": 0}
    for cid, payments in per_claim.items():
        now = [p for p in payments if date_from <= _d(p[4]) <= date_to]
        if now:
            out["adjudicated"] += 1
            if any(p[2] == DENIED_STATUS_CODE or p[5] for p in now):
                out["denied"] += 1
        first = payments[0]
        if not date_from <= _d(first[4]) <= date_to:
            continue
        out["first"] += 1
        freq, original = claim_info.get(cid, ("1", None))
        paid_first = first[2] in PAID_STATUS_CODES and first[3] > 0 and not first[5]
        clean = paid_first and freq == "1" and original is None and cid not in rejected
        if clean:
            out["clean"] += 1
            if len(payments) == 1 and cid not in replaced:
                out["resolved"] += 1
    return out


def _average_days(s: Session, query: Any) -> tuple[Decimal | None, int, int]:
    total, count = s.execute(query).one()
    count = int(count or 0)
    if not count:
        return None, 0, 0
    value = (Decimal(int(total or 0)) / count).quantize(TENTH, rounding=ROUND_HALF_UP)
    return value, int(total or 0), count


def _d(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
