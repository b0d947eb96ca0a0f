"""A/R aging and the follow-up queue on a small practice worked by hand.

After `bill(on=2026-03-10)`: E1 (Alice, DOS 03-02, Dr Able) owes Medicare 175.00; E2 (Bob, DOS 03-03, Dr Baker)
owes Commercial 220.00; E4 (Dana, DOS 03-05, Dr Baker, self-pay) owes 18.50 herself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pdfplumber
from sqlalchemy import select

from app.domain.aging import bucket_for, denial_action, priority_score
from app.domain.posting import AdjustmentIn, ClaimPostingIn, LinePostingIn, RemittanceIn
from app.services.container import Services
from app.services.ledger import LedgerWriter
from db.models import ClaimRecord, EncounterRecord, ServiceLineRecord
from tests.factories import bill

D = Decimal
day = dt.date


def _claim(services: Services, source_id: str) -> ClaimRecord:
    with services.db.session() as s:
        claim = s.scalar(select(ClaimRecord).join(EncounterRecord).where(EncounterRecord.source_id == source_id))
        assert claim is not None
        _ = claim.lines
        return claim


def _pay_medicare(desk: Services) -> None:
    """Medicare pays 88.00 on E1 on 03-20: 65.00 contractual, 22.00 coinsurance to the secondary."""
    claim = _claim(desk, "E1")
    visit, draw = claim.lines
    desk.posting.post_remittance(
        RemittanceIn(
            payer_id=claim.payer_id,
            check_number="EFT1",
            check_date=day(2026, 3, 20),
            total=D("88.00"),
            claims=(
                ClaimPostingIn(
                    claim.id,
                    "1",
                    (
                        LinePostingIn(
                            visit.id,
                            paid=D("72.00"),
                            then="next_payer",
                            adjustments=(AdjustmentIn("CO", "45", D("60.00")), AdjustmentIn("PR", "2", D("18.00"))),
                        ),
                        LinePostingIn(
                            draw.id,
                            paid=D("16.00"),
                            then="next_payer",
                            adjustments=(AdjustmentIn("CO", "45", D("5.00")), AdjustmentIn("PR", "2", D("4.00"))),
                        ),
                    ),
                ),
            ),
        )
    )


def _deny_commercial(desk: Services) -> None:
    claim = _claim(desk, "E2")
    (visit,) = claim.lines
    desk.posting.post_remittance(
        RemittanceIn(
            payer_id=claim.payer_id,
            check_number="CHK9",
            check_date=day(2026, 3, 25),
            total=D("0.00"),
            claims=(
                ClaimPostingIn(
                    claim.id,
                    "4",
                    (
                        LinePostingIn(
                            visit.id,
                            paid=D("0"),
                            adjustments=(AdjustmentIn("CO", "16", D("220.00")),),
                            remarks=("M76",),
                        ),
                    ),
                ),
            ),
        )
    )


def _dana_pays(desk: Services, cents: int, on: dt.date) -> None:
    with desk.db.transaction() as s:
        line_id, patient_id = s.execute(
            select(ServiceLineRecord.id, EncounterRecord.patient_id)
            .join(EncounterRecord)
            .where(EncounterRecord.source_id == "E4")
        ).one()
        with LedgerWriter(s, "tester") as w:
            w.add(
                txn_id=w.new_txn(),
                line=(line_id, patient_id),
                kind="patient_payment",
                party="patient",
                amount_cents=-cents,
                on=on,
            )


def _cells(report, key: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return dict(report.row(key).buckets)


def test_buckets_turn_over_on_the_31st_and_the_121st_day() -> None:
    assert [bucket_for(n) for n in (0, 30, 31, 60, 61, 90, 91, 120, 121, 400)] == [
        "0-30",
        "0-30",
        "31-60",
        "31-60",
        "61-90",
        "61-90",
        "91-120",
        "91-120",
        "120+",
        "120+",
    ]


def test_aging_by_payer_moves_a_claim_on_its_31st_and_121st_day(loaded: Services) -> None:
    bill(loaded, on=day(2026, 3, 10))
    medicare = str(_claim(loaded, "E1").payer_id)
    # E1's DOS is 03-02: 30 days old on 04-01, 31 on 04-02, 120 on 06-30, 121 on 07-01.
    assert loaded.ar.aging(day(2026, 4, 1)).row(medicare).buckets["0-30"] == 17500
    assert loaded.ar.aging(day(2026, 4, 2)).row(medicare).buckets["31-60"] == 17500
    assert loaded.ar.aging(day(2026, 6, 30)).row(medicare).buckets["91-120"] == 17500
    assert loaded.ar.aging(day(2026, 7, 1)).row(medicare).buckets["120+"] == 17500
    report = loaded.ar.aging(day(2026, 4, 2))
    assert [r.name for r in report.rows] == ["Test Commercial", "Test Medicare", "Patient responsibility"]
    assert report.totals == {"0-30": 22000 + 1850, "31-60": 17500, "61-90": 0, "91-120": 0, "120+": 0}
    assert report.total == 41350
    assert report.percentages["31-60"] == D("42.32")  # 175.00 / 413.50
    assert (report.insurance_cents, report.patient_cents) == (39500, 1850)


def test_aging_from_the_billed_date_counts_from_first_billed_on(loaded: Services) -> None:
    bill(loaded, on=day(2026, 3, 10))
    medicare = str(_claim(loaded, "E1").payer_id)
    assert loaded.ar.aging(day(2026, 4, 9), basis="billed").row(medicare).buckets["0-30"] == 17500
    assert loaded.ar.aging(day(2026, 4, 10), basis="billed").row(medicare).buckets["31-60"] == 17500
    # the self-pay visit has no claim: aged from its date of service
    assert loaded.ar.aging(day(2026, 4, 5), basis="billed").row("patient").buckets["31-60"] == 1850


def test_aging_by_patient_and_by_provider(loaded: Services) -> None:
    bill(loaded, on=day(2026, 3, 10))
    by_patient = loaded.ar.aging(day(2026, 4, 15), by="patient")
    assert {r.name: r.total for r in by_patient.rows} == {
        "Xu, Dana (P004)": 1850,
        "Young, Bob (P002)": 22000,
        "Zephyr, Alice (P001)": 17500,
    }
    by_provider = loaded.ar.aging(day(2026, 4, 15), by="provider")
    assert {r.name: r.total for r in by_provider.rows} == {"Able, Ann": 17500, "Baker, Ben": 22000 + 1850}
    baker = next(r for r in by_provider.rows if r.name == "Baker, Ben")
    assert (baker.insurance_cents, baker.patient_cents) == (22000, 1850)


def test_as_of_a_date_before_a_payment_the_payment_does_not_count(loaded: Services) -> None:
    bill(loaded, on=day(2026, 3, 10))
    _pay_medicare(loaded)
    _dana_pays(loaded, 1000, day(2026, 4, 10))
    medicare, commercial = str(_claim(loaded, "E1").payer_id), str(_claim(loaded, "E2").payer_id)
    before = loaded.ar.aging(day(2026, 3, 19))
    assert before.row(medicare).total == 17500 and before.total == 41350
    after = loaded.ar.aging(day(2026, 4, 15))
    assert medicare not in [r.key for r in after.rows], "paid, written down and moved on to the secondary"
    assert after.row(commercial).total == 22000 + 2200  # Bob's claim + Alice's coinsurance as secondary
    assert after.row("patient").total == 850
    assert loaded.ar.aging(day(2026, 4, 9)).row("patient").total == 1850
    insurance_only = loaded.ar.aging(day(2026, 4, 15), responsibility="insurance")
    assert insurance_only.total == 24200 and "patient" not in [r.key for r in insurance_only.rows]
    patient_only = loaded.ar.aging(day(2026, 4, 15), responsibility="patient")
    assert patient_only.total == 850


def test_drill_down_lists_the_claims_in_a_cell(loaded: Services) -> None:
    bill(loaded, on=day(2026, 3, 10))
    e2 = _claim(loaded, "E2")
    cell = loaded.ar.aging_claims(day(2026, 4, 15), "31-60", str(e2.payer_id))
    assert [(c.claim_number, c.balance_cents, c.age_days, c.party) for c in cell] == [
        (e2.claim_number, 22000, 43, "ins1")
    ]
    assert cell[0].patient_name == "Young, Bob (P002)"
    assert loaded.ar.aging_claims(day(2026, 4, 15), "0-30", str(e2.payer_id)) == []


def test_json_and_csv_have_the_documented_shape(loaded: Services) -> None:
    bill(loaded, on=day(2026, 3, 10))
    report = loaded.ar.aging(day(2026, 4, 2))
    data = report.to_json()
    assert data["as_of"] == "2026-04-02" and data["basis"] == "dos"
    assert data["rows"][1] == {
        "name": "Test Medicare",
        "0-30": "0.00",
        "31-60": "175.00",
        "61-90": "0.00",
        "91-120": "0.00",
        "120+": "0.00",
        "total": "175.00",
    }
    assert data["totals"] == {
        "0-30": "238.50",
        "31-60": "175.00",
        "61-90": "0.00",
        "91-120": "0.00",
        "120+": "0.00",
        "total": "413.50",
    }
    lines = loaded.ar.to_csv(report).splitlines()
    assert lines[0] == "name,0-30,31-60,61-90,91-120,120+,total"
    assert lines[2] == "Test Medicare,0.00,175.00,0.00,0.00,0.00,175.00"
    assert lines[4] == "Total,238.50,175.00,0.00,0.00,0.00,413.50"


def test_the_pdf_shows_the_table_and_totals(loaded: Services, tmp_path: Path) -> None:
    bill(loaded, on=day(2026, 3, 10))
    path = loaded.ar.to_pdf(loaded.ar.aging(day(2026, 4, 2)), tmp_path / "aging.pdf")
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "A/R aging as of 2026-04-02" in text
    assert "Test Medicare" in text and "$413.50" in text and "42.32%" in text


def test_the_queue_puts_the_biggest_most_urgent_claim_first(loaded: Services) -> None:
    bill(loaded, on=day(2026, 3, 10))
    assert loaded.ar.queue(day(2026, 4, 9)) == [], "nothing is older than 30 days from billing yet"
    items = loaded.ar.queue(day(2026, 5, 1))
    # E2: 220.00, 52 days since billing, 31 days left of Commercial's 90 (deadline 06-01):
    #   220 × (1 + 22/30) × (1 + 2 × (1 − 31/90)) = 881.30
    # E1: 175.00, 52 days, 305 days left of Medicare's 365: 175 × (1 + 22/30) × 1 = 303.33
    assert [(i.claim_number, i.score, i.days_left) for i in items] == [
        (_claim(loaded, "E2").claim_number, D("881.30"), 31),
        (_claim(loaded, "E1").claim_number, D("303.33"), 305),
    ]
    assert priority_score(22000, 52, 31) == D("881.30")


def test_notes_carry_the_tickler_and_my_work_today(loaded: Services) -> None:
    bill(loaded, on=day(2026, 3, 10))
    e1 = _claim(loaded, "E1")
    loaded.ar.add_note(e1.id, "Called Medicare, claim in process", day(2026, 5, 10))
    loaded.ar.add_note(e1.id, "Called again, reprocessing", day(2026, 5, 15))
    (item,) = [i for i in loaded.ar.queue(day(2026, 5, 1)) if i.claim_id == e1.id]
    assert [(n.note, n.done) for n in item.notes] == [
        ("Called Medicare, claim in process", True),
        ("Called again, reprocessing", False),
    ]
    assert item.next_action_date == day(2026, 5, 15)
    early = loaded.ar.my_work_today("tester", day(2026, 5, 14))
    assert [i.claim_id for i in early.due] == []
    assert [i.claim_number for i in early.new] == [_claim(loaded, "E2").claim_number]  # score ≥ 250, no notes
    due = loaded.ar.my_work_today("tester", day(2026, 5, 15))
    assert [i.claim_id for i in due.due] == [e1.id]
    assert loaded.ar.my_work_today("someone_else", day(2026, 5, 15)).due == []


def test_denials_in_the_queue_read_in_plain_words_with_the_usual_action(loaded: Services) -> None:
    bill(loaded, on=day(2026, 3, 10))
    _pay_medicare(loaded)
    _deny_commercial(loaded)
    (item,) = loaded.ar.queue(day(2026, 5, 1))  # E1 is paid; the secondary has no claim yet
    assert item.claim_id == _claim(loaded, "E2").id and item.status == "denied"
    (denial,) = item.denials
    assert (denial.group_code, denial.carc, denial.rarc, denial.amount_cents) == ("CO", "16", "M76", 22000)
    assert denial.carc_text and denial.rarc_text
    assert denial.action.startswith("Missing or invalid information")
    assert denial_action("999") == "Review the EOB and correct or appeal."
