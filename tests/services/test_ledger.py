"""The ledger is append-only, reversals undo exactly, and balances always equal the sum of entries."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.domain.import_format import ImportFile
from app.domain.ledger import PARTIES
from app.errors import ClaimDeskError
from app.services.container import Services, open_services
from app.services.ledger import LedgerWriter
from db.models import EncounterRecord, LedgerEntryRecord, ServiceLineRecord
from tests.factories import bill, practice_document

TODAY = dt.date(2026, 4, 1)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.sqlite3"
    desk = open_services(path, user="tester")
    desk.importer.import_data(ImportFile.model_validate(practice_document()))
    bill(desk)
    with desk.db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    desk.close()
    return path


def _lines(desk: Services) -> list[tuple[int, int]]:
    with desk.db.session() as s:
        return list(
            s.execute(
                select(ServiceLineRecord.id, EncounterRecord.patient_id)
                .join(EncounterRecord, EncounterRecord.id == ServiceLineRecord.encounter_id)
                .where(EncounterRecord.status == "billed")
            ).all()
        )


operations = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), st.integers(0, 50), st.sampled_from(PARTIES), st.integers(1, 20000)),
        st.tuples(st.just("adjust"), st.integers(0, 50), st.sampled_from(PARTIES), st.integers(1, 20000)),
        st.tuples(st.just("transfer"), st.integers(0, 50), st.sampled_from(PARTIES), st.integers(1, 20000)),
        st.tuples(st.just("reverse"), st.integers(0, 50), st.just("ins1"), st.just(0)),
    ),
    max_size=25,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_any_postings_and_reversals_keep_balances_equal_to_the_ledger(template: Path, tmp_path_factory, ops) -> None:
    path = tmp_path_factory.mktemp("case") / "case.sqlite3"
    shutil.copy(template, path)
    desk = open_services(path, user="tester")
    try:
        lines = _lines(desk)
        txns: list[str] = []
        reversed_txns: set[str] = set()
        for op, pick, party, cents in ops:
            line = lines[pick % len(lines)]
            if op == "reverse":
                if not txns:
                    continue
                txn = txns[pick % len(txns)]
                if txn in reversed_txns:
                    with pytest.raises(ClaimDeskError):
                        desk.ledger.reverse_transaction(txn, "test", TODAY)
                else:
                    desk.ledger.reverse_transaction(txn, "test", TODAY)
                    reversed_txns.add(txn)
                continue
            with desk.db.transaction() as s, LedgerWriter(s, "tester") as w:
                txn = w.new_txn()
                if op == "pay":
                    w.add(txn_id=txn, line=line, kind="insurance_payment", party=party, amount_cents=-cents, on=TODAY)
                elif op == "adjust":
                    w.add(
                        txn_id=txn,
                        line=line,
                        kind="adjustment",
                        party=party,
                        amount_cents=-cents,
                        on=TODAY,
                        adjustment_type="contractual",
                    )
                else:
                    to_party = "ins1" if party == "patient" else "patient"
                    w.transfer(txn_id=txn, line=line, from_party=party, to_party=to_party, amount_cents=cents, on=TODAY)
            txns.append(txn)

        with desk.db.session() as s:
            raw_total = s.scalar(select(func.coalesce(func.sum(LedgerEntryRecord.amount_cents), 0)))
            for txn in reversed_txns:
                net = s.scalar(
                    select(func.sum(LedgerEntryRecord.amount_cents)).where(
                        LedgerEntryRecord.txn_id.in_([txn])
                        | LedgerEntryRecord.reverses_entry_id.in_(
                            select(LedgerEntryRecord.id).where(LedgerEntryRecord.txn_id == txn)
                        )
                    )
                )
                assert net == 0, "a reversal must undo its transaction exactly"
        assert desk.ledger.practice_balance().total_cents == raw_total
        per_line = sum(desk.ledger.line_balance(line_id).total_cents for line_id, _ in lines)
        assert per_line == raw_total
        per_patient = sum(desk.ledger.patient_balance(pid).total_cents for pid in {p for _, p in lines})
        assert per_patient == raw_total
        assert desk.ledger.reconcile().ok
    finally:
        desk.close()


def test_ledger_rows_are_never_updated_by_a_reversal(loaded: Services) -> None:
    bill(loaded)
    with loaded.db.session() as s:
        charge = s.scalars(select(LedgerEntryRecord).where(LedgerEntryRecord.kind == "charge")).first()
        before = (charge.amount_cents, charge.party, charge.kind)
        txn = charge.txn_id
    new_ids = loaded.ledger.reverse_transaction(txn, "wrong encounter", TODAY)
    with pytest.raises(ClaimDeskError, match="already been reversed"):
        loaded.ledger.reverse_transaction(txn, "twice", TODAY)
    with loaded.db.session() as s:
        again = s.get(LedgerEntryRecord, charge.id)
        assert (again.amount_cents, again.party, again.kind) == before
        reversal = s.get(LedgerEntryRecord, new_ids[0])
        assert reversal.kind == "reversal" and reversal.reverses_entry_id is not None
