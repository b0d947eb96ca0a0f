"""HCPCS Level II: the CMS January 2026 file loads whole, codes explain themselves, quarters compare."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select

from app.codesets import hcpcs
from app.errors import ValidationError
from db.codesets import hcpcs_code, modifier, release
from tests.codesets.helpers import HCPCS_FILE, codeset_engine, hcpcs_record, write_hcpcs_file


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Connection, int]]:
    engine = codeset_engine(tmp_path_factory.mktemp("hcpcs"))
    with engine.begin() as conn:
        release_id = hcpcs.load(
            conn, HCPCS_FILE, "2026 Q1 (January)", dt.date(2026, 1, 1), "shipped", "CMS HCPCS January 2026"
        )
        yield conn, release_id
    engine.dispose()


def _count(conn: Connection, table, release_id: int) -> int:  # noqa: ANN001
    return conn.execute(select(func.count()).select_from(table).where(table.c.release_id == release_id)).scalar_one()


def _raw_lines(code: str) -> list[bytes]:
    with open(HCPCS_FILE, "rb") as handle:
        return [line for line in handle if line[:5] == code.encode()]


def test_every_procedure_record_in_the_file_becomes_one_code(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    with open(HCPCS_FILE, "rb") as handle:
        first_lines = sum(1 for line in handle if line[10:11] == b"3")
    assert first_lines == 8623  # SOURCE.txt
    assert _count(conn, hcpcs_code, release_id) == first_lines


def test_every_modifier_record_becomes_one_hcpcs_modifier(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    with open(HCPCS_FILE, "rb") as handle:
        first_lines = sum(1 for line in handle if line[10:11] == b"7")
    systems = conn.execute(select(modifier.c.system).where(modifier.c.release_id == release_id).distinct()).scalars()
    assert first_lines == 383
    assert _count(conn, modifier, release_id) == first_lines
    assert list(systems) == ["hcpcs"]


def test_the_release_records_the_files_sha256(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    row = conn.execute(select(release).where(release.c.id == release_id)).one()
    assert row.checksum == hashlib.sha256(HCPCS_FILE.read_bytes()).hexdigest()
    assert (row.system, row.origin, row.effective_from) == ("hcpcs", "shipped", dt.date(2026, 1, 1))


def test_a_quarterly_release_covers_its_calendar_quarter(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    assert conn.execute(select(release.c.effective_to).where(release.c.id == release_id)).scalar_one() == (
        dt.date(2026, 3, 31)
    )
    assert [hcpcs.quarter_end(dt.date(2026, m, 1)) for m in (4, 8, 12)] == [
        dt.date(2026, 6, 30),
        dt.date(2026, 9, 30),
        dt.date(2026, 12, 31),
    ]


def test_j3420_is_the_vitamin_b12_injection(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    code = hcpcs.detail(conn, release_id, "j3420")
    assert code is not None
    assert "vitamin b-12" in code.description.lower()
    assert code.short_description == "Vitamin b12 injection"
    assert code.billable and code.valid_to is None


def test_detail_explains_coverage_and_pricing_in_plain_words(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    code = hcpcs.detail(conn, release_id, "J3420")
    assert code is not None
    assert code.attributes["coverage"] == "D: Special coverage instructions apply (see the Medicare manuals or an NCD)"
    assert code.attributes["pricing"] == "51: Drug"
    assert code.attributes["added"] == "1986-01-01"


def test_g0439_is_present_with_its_continuation_line_joined(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    code = hcpcs.detail(conn, release_id, "G0439")
    assert code is not None
    assert code.description == (
        "Annual wellness visit, includes a personalized prevention plan of service (pps), subsequent visit"
    )
    assert code.attributes["pricing"].startswith("13:")


def test_a_long_description_keeps_the_text_of_all_its_lines_in_order(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    raw = _raw_lines("G0556")
    assert len(raw) > 50  # one of the longest descriptions in the file
    stored = conn.execute(
        select(hcpcs_code.c.long_description).where(hcpcs_code.c.release_id == release_id, hcpcs_code.c.code == "G0556")
    ).scalar_one()
    position = 0
    for line in raw:
        piece = line[11:91].decode().strip()
        found = stored.find(piece, position)
        assert found >= position, piece
        position = found + len(piece)
    assert position == len(stored)


def test_a_terminated_code_carries_its_termination_date(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    row = conn.execute(
        select(hcpcs_code).where(hcpcs_code.c.release_id == release_id, hcpcs_code.c.code == "J1030")
    ).one()
    assert row.termination_date == dt.date(2024, 3, 31)
    assert row.action_code == "N"  # ended in an earlier quarter: no change this quarter
    code = hcpcs.detail(conn, release_id, "J1030")
    assert code is not None and not code.billable and code.valid_to == dt.date(2024, 3, 31)


def test_the_546_byte_g9871_record_loads_like_any_other(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    (raw,) = _raw_lines("G9871")
    assert len(raw.rstrip(b"\r\n")) == 546
    row = conn.execute(
        select(hcpcs_code).where(hcpcs_code.c.release_id == release_id, hcpcs_code.c.code == "G9871")
    ).one()
    assert row.add_date == dt.date(2026, 1, 1) and row.action_code == "A"
    assert row.long_description.startswith("Behavioral counseling for diabetes prevention")


def test_codes_without_a_termination_date_match_the_source_note(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    active = conn.execute(
        select(func.count())
        .select_from(hcpcs_code)
        .where(hcpcs_code.c.release_id == release_id, hcpcs_code.c.termination_date.is_(None))
    ).scalar_one()
    added = conn.execute(
        select(func.count())
        .select_from(hcpcs_code)
        .where(hcpcs_code.c.release_id == release_id, hcpcs_code.c.add_date >= dt.date(2026, 1, 1))
    ).scalar_one()
    assert (active, added) == (7323, 160)


def test_distinct_procedure_modifiers_are_marked_ncci_associated(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    flags = dict(
        conn.execute(
            select(modifier.c.code, modifier.c.ncci_associated).where(
                modifier.c.release_id == release_id, modifier.c.code.in_(["XU", "XS", "RT", "F5", "GA", "TC"])
            )
        ).all()
    )
    assert flags == {"XU": 1, "XS": 1, "RT": 1, "F5": 1, "GA": 0, "TC": 0}


def test_a_modifier_detail_gives_its_cms_description(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    mod = hcpcs.detail(conn, release_id, "GA")
    assert mod is not None and mod.system == "modifier"
    assert mod.description.lower().startswith("waiver of liability statement")


def test_loading_the_same_file_under_the_same_name_returns_the_same_release(
    loaded: tuple[Connection, int],
) -> None:
    conn, release_id = loaded
    again = hcpcs.load(conn, HCPCS_FILE, "2026 Q1 (January)", dt.date(2026, 1, 1), "shipped", "again")
    assert again == release_id
    assert _count(conn, hcpcs_code, release_id) == 8623


def test_a_bad_record_is_reported_with_its_line_number_and_nothing_loads(tmp_path: Path) -> None:
    good = hcpcs_record("Q9990", "Invented supply for a loader test", "Invented supply")
    bad = ["Q9991001009Record id nine is not in the layout".ljust(320)]
    path = write_hcpcs_file(tmp_path / "bad.txt", [good, bad])
    engine = codeset_engine(tmp_path)
    with engine.begin() as conn:
        with pytest.raises(ValidationError) as caught:
            hcpcs.load(conn, path, "bad", dt.date(2026, 4, 1), "imported", "test")
        assert conn.execute(select(func.count()).select_from(release)).scalar_one() == 0
    assert caught.value.problems == ["bad.txt line 2: record id '9' in column 11 is not 3, 4, 7 or 8"]


def test_the_next_quarter_diff_reports_added_revised_and_deleted_codes(tmp_path: Path) -> None:
    kept = hcpcs_record("Q9901", "Invented supply that does not change", "Unchanged supply")
    old_text = hcpcs_record("Q9902", "Invented dressing, per square inch", "Invented dressing")
    new_text = hcpcs_record(
        "Q9902", "Invented dressing, sterile, per square inch, any size " + "x" * 60, "Invented dressing", action="C"
    )
    dropped = hcpcs_record("Q9903", "Invented kit that the next quarter leaves out", "Invented kit")
    ends = hcpcs_record("Q9904", "Invented drug, 1 mg", "Invented drug")
    ended = hcpcs_record("Q9904", "Invented drug, 1 mg", "Invented drug", terminated="20260630", action="D")
    added = hcpcs_record("Q9905", "Invented new device for the April quarter", "Invented device")
    assert len(new_text) == 2  # the revised text wraps onto a continuation line
    old = write_hcpcs_file(tmp_path / "HCPC_JAN.txt", [kept, old_text, dropped, ends])
    new = write_hcpcs_file(tmp_path / "HCPC_APR.txt", [kept, new_text, ended, added])
    engine = codeset_engine(tmp_path)
    with engine.begin() as conn:
        jan = hcpcs.load(conn, old, "2026 Q1", dt.date(2026, 1, 1), "imported", "test")
        apr = hcpcs.load(conn, new, "2026 Q2", dt.date(2026, 4, 1), "imported", "test")
        changes = hcpcs.diff(conn, jan, apr)
    assert changes["added"] == [("Q9905", None, "Invented new device for the April quarter")]
    assert changes["revised"] == [
        (
            "Q9902",
            "Invented dressing, per square inch",
            "Invented dressing, sterile, per square inch, any size " + "x" * 60,
        )
    ]
    assert changes["deleted"] == [
        ("Q9903", "Invented kit that the next quarter leaves out", None),
        ("Q9904", "Invented drug, 1 mg", "Invented drug, 1 mg"),
    ]


def test_a_later_quarter_loads_beside_the_earlier_one(tmp_path: Path) -> None:
    april = write_hcpcs_file(tmp_path / "april.txt", [hcpcs_record("Q9905", "Invented device", "Invented device")])
    engine = codeset_engine(tmp_path)
    with engine.begin() as conn:
        jan = hcpcs.load(conn, HCPCS_FILE, "2026 Q1", dt.date(2026, 1, 1), "shipped", "CMS")
        apr = hcpcs.load(conn, april, "2026 Q2", dt.date(2026, 4, 1), "imported", "user import")
        assert hcpcs.detail(conn, apr, "Q9905") is not None
        assert hcpcs.detail(conn, jan, "Q9905") is None
        assert _count(conn, hcpcs_code, jan) == 8623
