"""Reference lists: place of service, NUCC taxonomy, CARC/RARC and the modifiers coders use daily."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select

from app.codesets import hcpcs, reference
from app.errors import ValidationError
from app.paths import resource
from db.codesets import adjustment_reason, modifier, place_of_service, release, taxonomy
from tests.codesets.helpers import codeset_engine, hcpcs_record, write_hcpcs_file

POS_FILE = resource("reference", "place_of_service", "pos_complete.json")
TAXONOMY_FILE = resource("sources", "nucc_taxonomy", "nucc_taxonomy_251.csv")
CARC_FILE = resource("reference", "carc_rarc", "carc.tsv")
RARC_FILE = resource("reference", "carc_rarc", "rarc.tsv")
MODIFIERS_FILE = resource("reference", "modifiers", "cpt_modifiers.json")


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    engine = codeset_engine(tmp_path)
    with engine.begin() as connection:
        yield connection
    engine.dispose()


def _count(conn: Connection, table, *where) -> int:  # noqa: ANN001, ANN002
    return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def _data_lines(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip())


# ---------------------------------------------------------------- place of service


def test_every_assigned_place_of_service_loads_and_unassigned_ones_do_not(conn: Connection) -> None:
    reference.load_place_of_service(conn, POS_FILE)
    document = json.loads(POS_FILE.read_text(encoding="utf-8"))
    codes = set(conn.execute(select(place_of_service.c.code)).scalars())
    assert len(codes) == len(document["codes"]) == 52  # CMS assigns 52 of 01-99
    assert len(codes) + len(document["unassigned"]) == 100
    assert {"16", "27", "66", "99"} <= codes
    assert codes.isdisjoint({"28", "59", "67", "98"})


def test_pace_centre_is_66(conn: Connection) -> None:
    reference.load_place_of_service(conn, POS_FILE)
    row = conn.execute(select(place_of_service).where(place_of_service.c.code == "66")).one()
    assert "PACE" in row.name and row.effective_from == dt.date(2024, 8, 1)


def test_only_02_and_10_are_telehealth(conn: Connection) -> None:
    reference.load_place_of_service(conn, POS_FILE)
    telehealth = conn.execute(select(place_of_service.c.code).where(place_of_service.c.telehealth == 1)).scalars()
    assert sorted(telehealth) == ["02", "10"]


def test_medicare_pays_the_facility_rate_in_hospitals_but_not_in_the_office(conn: Connection) -> None:
    reference.load_place_of_service(conn, POS_FILE)
    facility = {"02", "19", "21", "22", "23", "24", "26", "31", "34", "41", "42", "51", "52", "53", "56", "61"}
    flagged = set(conn.execute(select(place_of_service.c.code).where(place_of_service.c.facility == 1)).scalars())
    assert flagged == facility
    assert reference.is_facility_pos(conn, "21") and reference.is_facility_pos(conn, "22")
    assert not reference.is_facility_pos(conn, "11") and not reference.is_facility_pos(conn, "10")
    assert not reference.is_facility_pos(conn, "28")  # unassigned


def test_the_pos_load_records_a_release_and_is_idempotent(conn: Connection) -> None:
    first = reference.load_place_of_service(conn, POS_FILE)
    again = reference.load_place_of_service(conn, POS_FILE)
    assert first == again
    assert conn.execute(select(release.c.system).where(release.c.id == first)).scalar_one() == "pos"
    assert _count(conn, place_of_service) == 52


def test_a_pos_list_with_a_bad_code_names_it(conn: Connection, tmp_path: Path) -> None:
    bad = tmp_path / "pos.json"
    bad.write_text(json.dumps({"as_of": "2025-01-01", "codes": [{"code": "7", "name": "Seven"}]}), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        reference.load_place_of_service(conn, bad)
    assert caught.value.problems == ["pos.json: codes[1] (7): code must be two digits"]


# ---------------------------------------------------------------- taxonomy


def test_every_nucc_taxonomy_code_loads(conn: Connection) -> None:
    release_id = reference.load_taxonomy(conn, TAXONOMY_FILE)
    with open(TAXONOMY_FILE, encoding="utf-8", newline="") as handle:
        csv_rows = sum(1 for _ in csv.reader(handle)) - 1
    assert _count(conn, taxonomy) == csv_rows == 883
    source = conn.execute(select(release.c.source).where(release.c.id == release_id)).scalar_one()
    assert "nucc.org" in source


def test_a_family_medicine_taxonomy_reads_as_nucc_writes_it(conn: Connection) -> None:
    reference.load_taxonomy(conn, TAXONOMY_FILE)
    row = conn.execute(select(taxonomy).where(taxonomy.c.code == "207Q00000X")).one()
    assert (row.classification, row.specialization) == ("Family Medicine", None)
    assert row.grouping == "Allopathic & Osteopathic Physicians"


# ---------------------------------------------------------------- CARC / RARC


def test_every_carc_and_rarc_loads(conn: Connection) -> None:
    carc_id, rarc_id = reference.load_adjustment_reasons(conn, CARC_FILE, RARC_FILE)
    assert _count(conn, adjustment_reason, adjustment_reason.c.kind == "carc") == _data_lines(CARC_FILE) == 291
    assert _count(conn, adjustment_reason, adjustment_reason.c.kind == "rarc") == _data_lines(RARC_FILE) == 1083
    systems = conn.execute(select(release.c.system).where(release.c.id.in_([carc_id, rarc_id]))).scalars()
    assert sorted(systems) == ["carc", "rarc"]


def test_carc_45_is_the_contractual_adjustment(conn: Connection) -> None:
    reference.load_adjustment_reasons(conn, CARC_FILE, RARC_FILE)
    text = conn.execute(
        select(adjustment_reason.c.description).where(
            adjustment_reason.c.kind == "carc", adjustment_reason.c.code == "45"
        )
    ).scalar_one()
    assert text.lower().startswith("charge exceeds fee schedule")


def test_a_newer_carc_list_from_csv_adds_and_updates_codes_and_keeps_the_rest(
    conn: Connection,
    tmp_path: Path,
) -> None:
    reference.load_adjustment_reasons(conn, CARC_FILE, RARC_FILE)
    newer = tmp_path / "carc_2026.csv"
    newer.write_text(
        'code,description\n1,"Deductible amount, revised wording"\n999,Invented new reason\n', encoding="utf-8"
    )
    reference.import_adjustment_codes(conn, "carc", newer, name="2026-03", effective_from=dt.date(2026, 3, 1))
    described = dict(
        conn.execute(
            select(adjustment_reason.c.code, adjustment_reason.c.description).where(
                adjustment_reason.c.kind == "carc", adjustment_reason.c.code.in_(["1", "2", "999"])
            )
        ).all()
    )
    assert described == {
        "1": "Deductible amount, revised wording",
        "2": "Coinsurance Amount",
        "999": "Invented new reason",
    }
    assert _count(conn, adjustment_reason, adjustment_reason.c.kind == "carc") == 292


def test_a_code_list_row_without_a_description_is_reported_by_line(conn: Connection, tmp_path: Path) -> None:
    bad = tmp_path / "rarc.tsv"
    bad.write_text("code\tdescription\nM1\tX-ray note\nN999\t\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        reference.import_adjustment_codes(conn, "rarc", bad, name="bad", effective_from=dt.date(2026, 1, 1))
    assert caught.value.problems == ["rarc.tsv line 3: code N999 has no description"]
    assert _count(conn, adjustment_reason) == 0


# ---------------------------------------------------------------- modifiers


@pytest.fixture
def hcpcs_release(conn: Connection, tmp_path: Path) -> int:
    """A small hand-written HCPCS file with the modifiers the explanations refer to."""
    mods = [
        hcpcs_record(code, f"Modifier {code} as CMS would describe it", f"Modifier {code}", modifier=True)
        for code in ("XU", "GA", "RT", "TC")
    ]
    path = write_hcpcs_file(tmp_path / "mods.txt", [hcpcs_record("Q9901", "Invented supply", "Invented"), *mods])
    return hcpcs.load(conn, path, "test", dt.date(2026, 1, 1), "imported", "test")


def _modifier(conn: Connection, release_id: int, code: str):  # noqa: ANN202
    return conn.execute(select(modifier).where(modifier.c.release_id == release_id, modifier.c.code == code)).one()


def test_modifier_25_gets_a_short_name_and_a_plain_explanation(conn: Connection, hcpcs_release: int) -> None:
    reference.load_cpt_modifiers(conn, hcpcs_release, MODIFIERS_FILE)
    row = _modifier(conn, hcpcs_release, "25")
    assert row.system == "cpt" and row.short_description == "Separate E/M same day"
    assert "same day" in row.explanation and row.ncci_associated == 1


def test_59_and_xu_bypass_ncci_edits_and_ga_does_not(conn: Connection, hcpcs_release: int) -> None:
    reference.load_cpt_modifiers(conn, hcpcs_release, MODIFIERS_FILE)
    assert _modifier(conn, hcpcs_release, "59").ncci_associated == 1
    assert _modifier(conn, hcpcs_release, "XU").ncci_associated == 1
    assert _modifier(conn, hcpcs_release, "GA").ncci_associated == 0
    assert _modifier(conn, hcpcs_release, "26").ncci_associated == 0


def test_hcpcs_modifiers_keep_cms_text_and_gain_an_explanation(conn: Connection, hcpcs_release: int) -> None:
    reference.load_cpt_modifiers(conn, hcpcs_release, MODIFIERS_FILE)
    ga = _modifier(conn, hcpcs_release, "GA")
    assert ga.long_description == "Modifier GA as CMS would describe it"
    assert "ABN" in ga.explanation


def test_the_daily_cpt_modifiers_are_all_there_and_loading_twice_does_not_duplicate(
    conn: Connection,
    hcpcs_release: int,
) -> None:
    reference.load_cpt_modifiers(conn, hcpcs_release, MODIFIERS_FILE)
    reference.load_cpt_modifiers(conn, hcpcs_release, MODIFIERS_FILE)
    cpt = set(
        conn.execute(
            select(modifier.c.code).where(modifier.c.release_id == hcpcs_release, modifier.c.system == "cpt")
        ).scalars()
    )
    assert {"25", "26", "50", "51", "52", "57", "58", "59", "76", "77", "78", "79", "91", "95"} <= cpt
    assert _count(conn, modifier, modifier.c.system == "cpt") == len(cpt)


def test_ncci_associated_list_matches_cms_policy() -> None:
    digits = {f"F{i}" for i in range(1, 10)} | {f"T{i}" for i in range(1, 10)} | {f"E{i}" for i in range(1, 5)}
    expected = {
        "24",
        "25",
        "27",
        "57",
        "58",
        "59",
        "78",
        "79",
        "91",
        "XE",
        "XS",
        "XP",
        "XU",
        "FA",
        "TA",
        "LT",
        "RT",
        "LC",
        "LD",
        "LM",
        "RC",
        "RI",
    } | digits
    assert expected == reference.NCCI_ASSOCIATED
