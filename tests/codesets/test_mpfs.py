"""Medicare Physician Fee Schedule: CMS's CY2025 files load exactly and allowed amounts match hand arithmetic."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select

from app.codesets import mpfs
from app.errors import ValidationError
from db.codesets import mpfs_locality, mpfs_rvu
from tests.codesets.helpers import COUNTIES_FILE, GPCI_FILE, RVU_FILE, codeset_engine

REST_OF_PENNSYLVANIA = "12502-99"  # GPCIs 1 (work), 0.927 (PE), 0.925 (MP)
SAN_FRANCISCO = ("1112", "5")  # as CMS's CSV writes it; GPCIs 1.088, 1.419, 0.445


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Connection, int]]:
    engine = codeset_engine(tmp_path_factory.mktemp("mpfs"))
    with engine.begin() as conn:
        release_id = mpfs.load(
            conn,
            RVU_FILE,
            GPCI_FILE,
            COUNTIES_FILE,
            "CY2025",
            dt.date(2025, 1, 1),
            dt.date(2025, 12, 31),
            "shipped",
            "CMS RVU25A",
        )
        yield conn, release_id
    engine.dispose()


def _fee(
    conn: Connection, release_id: int, code: str, locality: tuple[str, str] | str, facility: bool, modifier: str = ""
) -> Decimal:
    found = mpfs.fee(conn, release_id, code, modifier, locality, facility)
    assert found is not None
    return found.amount


def test_99213_in_the_office_in_rest_of_pennsylvania(loaded: tuple[Connection, int]) -> None:
    # 99213: work 1.3, non-facility PE 1.35, MP 0.1; CF 32.3465
    # 1.3 x 1 + 1.35 x 0.927 + 0.1 x 0.925 = 1.3 + 1.25145 + 0.0925 = 2.64395
    # 2.64395 x 32.3465 = 85.522528675 -> $85.52
    assert _fee(*loaded, "99213", REST_OF_PENNSYLVANIA, facility=False) == Decimal("85.52")


def test_99213_in_a_facility_uses_the_lower_facility_pe(loaded: tuple[Connection, int]) -> None:
    # facility PE 0.57: 1.3 + 0.57 x 0.927 + 0.0925 = 1.3 + 0.52839 + 0.0925 = 1.92089
    # 1.92089 x 32.3465 = 62.134068385 -> $62.13
    assert _fee(*loaded, "99213", REST_OF_PENNSYLVANIA, facility=True) == Decimal("62.13")


def test_99213_in_the_office_in_san_francisco(loaded: tuple[Connection, int]) -> None:
    # 1.3 x 1.088 + 1.35 x 1.419 + 0.1 x 0.445 = 1.4144 + 1.91565 + 0.0445 = 3.37455
    # 3.37455 x 32.3465 = 109.154881575 -> $109.15
    assert _fee(*loaded, "99213", SAN_FRANCISCO, facility=False) == Decimal("109.15")


def test_g0439_annual_wellness_visit_in_both_localities(loaded: tuple[Connection, int]) -> None:
    # G0439: work 1.92, PE 1.86 (facility and non-facility alike), MP 0.13
    # Rest of PA: 1.92 x 1 + 1.86 x 0.927 + 0.13 x 0.925 = 1.92 + 1.72422 + 0.12025 = 3.76447
    #             3.76447 x 32.3465 = 121.767428855 -> $121.77
    # San Francisco: 1.92 x 1.088 + 1.86 x 1.419 + 0.13 x 0.445 = 2.08896 + 2.63934 + 0.05785 = 4.78615
    #             4.78615 x 32.3465 = 154.815200975 -> $154.82
    assert _fee(*loaded, "G0439", REST_OF_PENNSYLVANIA, facility=False) == Decimal("121.77")
    assert _fee(*loaded, "G0439", SAN_FRANCISCO, facility=True) == Decimal("154.82")


def test_a_fee_carries_the_numbers_it_was_computed_from(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    found = mpfs.fee(conn, release_id, "99213", "", "12502 99", False)
    assert found is not None
    assert (found.work_rvu, found.pe_rvu, found.mp_rvu) == (Decimal("1.3"), Decimal("1.35"), Decimal("0.1"))
    assert found.conversion_factor == Decimal("32.3465")
    assert (found.locality, found.status, found.global_days, found.release) == ("12502-99", "A", "XXX", "CY2025")


def test_status_and_global_days_of_a_surgical_code(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    row = conn.execute(
        select(mpfs_rvu).where(
            mpfs_rvu.c.release_id == release_id, mpfs_rvu.c.code == "11042", mpfs_rvu.c.modifier == ""
        )
    ).one()
    assert (row.status, row.global_days, row.mult_proc, row.asst_surg) == ("A", "000", "2", "1")


def test_the_professional_and_technical_components_are_separate_rows(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    rows = {
        r.modifier: r
        for r in conn.execute(select(mpfs_rvu).where(mpfs_rvu.c.release_id == release_id, mpfs_rvu.c.code == "71046"))
    }
    assert sorted(rows) == ["", "26", "TC"]
    assert (rows["26"].work_rvu, rows["TC"].work_rvu, rows[""].work_rvu) == ("0.22", "0", "0.22")
    assert _fee(*loaded, "71046", REST_OF_PENNSYLVANIA, False, "26") < _fee(
        *loaded, "71046", REST_OF_PENNSYLVANIA, False, "TC"
    )


def test_every_rvu_row_loads_and_anesthesia_codes_get_their_leading_zeros_back(
    loaded: tuple[Connection, int],
) -> None:
    conn, release_id = loaded
    with open(RVU_FILE, encoding="ascii", newline="") as handle:
        # a code row is one with a conversion factor in column 25
        data_rows = [r for r in csv.reader(handle) if len(r) > 24 and re.fullmatch(r"[0-9]+\.[0-9]+", r[24])]
    count = conn.execute(
        select(func.count()).select_from(mpfs_rvu).where(mpfs_rvu.c.release_id == release_id)
    ).scalar_one()
    assert count == len(data_rows) == 18865
    assert conn.execute(select(mpfs_rvu.c.status).where(mpfs_rvu.c.code == "00100")).scalar_one() == "J"
    short = conn.execute(select(func.count()).select_from(mpfs_rvu).where(func.length(mpfs_rvu.c.code) != 5))
    assert short.scalar_one() == 0


def test_localities_list_every_gpci_row_with_its_counties(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    with open(GPCI_FILE, encoding="ascii", newline="") as handle:
        gpci_rows = sum(1 for r in csv.reader(handle) if r and r[0].isdigit())
    found = mpfs.locality_details(conn, release_id)
    assert len(found) == gpci_rows == 109
    by_key = {loc.key: loc for loc in found}
    philadelphia = by_key["12502-01"]
    assert philadelphia.name == "METROPOLITAN PHILADELPHIA" and "PHILADELPHIA" in (philadelphia.counties or "")
    assert by_key["02102-01"].name == "ALASKA" and by_key["02102-01"].pw_gpci == Decimal("1.5")
    assert all(loc.counties for loc in found)


def test_the_locality_picker_lists_keys_and_plain_names(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    picker = dict(mpfs.localities(conn, release_id))
    assert picker["12502-99"] == "PA REST OF PENNSYLVANIA"
    assert picker["02102-01"] == "AK ALASKA"  # the footnote asterisk is dropped
    assert mpfs.fee(conn, release_id, "99213", "", next(iter(picker)), False) is not None


def test_an_unknown_code_or_locality_has_no_fee(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    assert mpfs.fee(conn, release_id, "99213", "", "99999-99", False) is None
    assert mpfs.fee(conn, release_id, "ZZZZZ", "", REST_OF_PENNSYLVANIA, False) is None
    with pytest.raises(ValidationError):
        mpfs.fee(conn, release_id, "99213", "", "Pennsylvania", False)


def test_a_charge_master_at_180_percent_of_medicare(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    prices = mpfs.derive_charge_master(conn, release_id, ["99213", "A0021"], REST_OF_PENNSYLVANIA, Decimal("1.80"))
    # 99213 non-facility $85.52 x 1.80 = 153.936 -> $153.94; A0021 (status I, no RVUs) is left out
    assert prices == [("99213", "", Decimal("153.94"))]


def test_a_payer_fee_schedule_at_110_percent_prices_each_component(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    prices = mpfs.derive_fee_schedule(conn, release_id, ["99213", "71046"], REST_OF_PENNSYLVANIA, Decimal("1.10"))
    # 99213: $85.52 x 1.10 = 94.072 -> $94.07
    assert ("99213", "", Decimal("94.07")) in prices
    assert [(c, m) for c, m, _ in prices] == [("71046", ""), ("71046", "26"), ("71046", "TC"), ("99213", "")]


def test_a_float_factor_is_refused(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    with pytest.raises(ValidationError):
        mpfs.derive_charge_master(conn, release_id, ["99213"], REST_OF_PENNSYLVANIA, 1.8)  # type: ignore[arg-type]


def test_an_rvu_file_without_a_needed_column_is_refused_by_name(tmp_path: Path) -> None:
    lines = RVU_FILE.read_text(encoding="ascii").splitlines()
    broken = tmp_path / "PPRRVU_broken.csv"
    broken.write_text("\n".join(line.replace("CONV", "CONVERSION", 1) for line in lines[:20]), encoding="ascii")
    engine = codeset_engine(tmp_path)
    with engine.begin() as conn, pytest.raises(ValidationError) as caught:
        mpfs.load(conn, broken, GPCI_FILE, COUNTIES_FILE, "bad", dt.date(2025, 1, 1), None, "imported", "test")
    assert "missing CONV FACTOR" in caught.value.problems[0]


def test_locality_rows_keep_gpcis_as_exact_text(loaded: tuple[Connection, int]) -> None:
    conn, release_id = loaded
    row = conn.execute(
        select(mpfs_locality).where(
            mpfs_locality.c.release_id == release_id, mpfs_locality.c.mac == "01112", mpfs_locality.c.locality == "05"
        )
    ).one()
    assert (row.state, row.pw_gpci, row.pe_gpci, row.mp_gpci) == ("CA", "1.088", "1.419", "0.445")
