"""NCCI edits: CMS's practitioner PTP, MUE and add-on code files load whole or not at all, and answer lookups.

The files here are written by the tests in the published layouts (AMA notice, title, a header that
wraps over lines, CRLF, Windows-1252). Codes are numbers as CMS publishes them; no descriptions.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select

from app.codesets import ncci
from app.domain.ncci import AddonRule, MueLimit, PtpEdit, describe_edition
from app.errors import ValidationError
from app.services.codesets import CodeSetService
from app.services.jobs import JobCancelled, JobContext
from db.codesets import NCCI_TABLES, SCHEMA_VERSION, meta, metadata, ncci_aoc, ncci_mue, ncci_ptp, release

EDITION, EFFECTIVE = "v32.3", dt.date(2026, 10, 1)
NOTICE = "CPT only copyright 2025 American Medical Association. All rights reserved. CPT\xae is a registered trademark."
HEADER_ONE_LINE = [
    NOTICE,
    "Column1/Column 2 Edits",
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\t"
    "Modifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale",
]
HEADER_WRAPPED = [
    NOTICE,
    "Column1/Column 2 Edits",
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale",
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t",
    "\t\t\t\t*=no data\t1=allowed\t",
    "\t\t\t\t\t9=not applicable\t",
]
PART1 = [
    "11042\t97597\t\t20130101\t*\t1\tStandards of medical / surgical practice",
    "11042\t97602\t\t20130101\t*\t1\tStandards of medical / surgical practice",
    "29881\t29880\t\t20200101\t*\t1\tMutually exclusive procedures",
    "29881\t29880\t*\t19960101\t20200101\t0\tMutually exclusive procedures",
    "36415\t36416\t\t20100101\t20100101\t9\tMisuse of column two code with column one code",
]
PART2 = [
    "99213\t99211\t\t20100101\t*\t0\tMisuse of column two code with column one code",
    "G0439\t99497\t\t20160101\t*\t1\tCPT Manual or CMS manual coding instructions",
    "J3420\t96372\t\t20150101\t20250401\t1\tHCPCS/CPT procedure code definition",
]


def write_ptp(path: Path, rows: list[str], header: list[str] = HEADER_ONE_LINE) -> Path:
    """A PTP part as CMS writes it: Windows-1252, CRLF, notice and header lines before the edits."""
    path.write_bytes("".join(f"{line}\r\n" for line in [*header, *rows]).encode("cp1252"))
    return path


def write_ptp_parts(folder: Path) -> list[Path]:
    return [
        write_ptp(folder / "ccipra-v323r0-f1.txt", PART1),
        write_ptp(folder / "ccipra-v323r0-f2.txt", PART2, HEADER_WRAPPED),
    ]


MUE_HEADER = '"HCPCS/CPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator","MUE Rationale"'
MUE_ROWS = [
    '11042,1,"2 Date of Service Edit: Policy","Anatomic Consideration"',
    '36415,2,"3 Date of Service Edit: Clinical","Clinical: Data"',
    '96372,4,"3 Date of Service Edit: Clinical","Clinical: Data"',
    'J3420,1,"1 Line Edit","Nature of Service/Procedure"',
]


def write_mue(path: Path, rows: list[str] = MUE_ROWS, header: str = MUE_HEADER) -> Path:
    notice = f'"{NOTICE}\r\nApplicable FARS\\DFARS restrictions apply to government use."'
    path.write_bytes("".join(f"{line}\r\n" for line in [notice, header, *rows]).encode("cp1252"))
    return path


AOC_HEADER = "Add-on Code\tPrimary Code\tAOC Edit Type\tAOC Edit Effective Date\tAOC Edit Deletion Date"
AOC_ROWS = [
    "11045\t11042\t1\t20110101\t*",
    "11045\t11043\t1\t20110101\t20240101",
    "99417\t99205\t1\t20210101\t*",
    "99417\t99215\t1\t20210101\t*",
    "64462\tCCCCC\t2\t20150101\t*",
]


def write_aoc(path: Path, rows: list[str] = AOC_ROWS, header: str = AOC_HEADER) -> Path:
    path.write_bytes("".join(f"{line}\r\n" for line in [NOTICE, header, *rows]).encode("cp1252"))
    return path


def empty_codesets(path: Path, tables: list | None = None) -> Path:
    """A code-set database with the schema and no releases (all tables unless `tables` says which)."""
    engine = create_engine(f"sqlite:///{path}")
    metadata.create_all(engine, tables=tables)
    with engine.begin() as conn:
        conn.execute(meta.insert().values(key="schema_version", value=SCHEMA_VERSION))
    engine.dispose()
    return path


@pytest.fixture
def codesets(tmp_path: Path) -> Iterator[CodeSetService]:
    service = CodeSetService(empty_codesets(tmp_path / "codesets.sqlite3"))
    yield service
    service.close()


def _rows(service: CodeSetService, table) -> int:  # noqa: ANN001
    with create_engine(f"sqlite:///{service.path}").connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _releases(service: CodeSetService, system: str) -> int:
    with create_engine(f"sqlite:///{service.path}").connect() as conn:
        return conn.execute(select(func.count()).select_from(release).where(release.c.system == system)).scalar_one()


# ---------------------------------------------------------------- PTP


def test_every_edit_row_of_every_part_loads_and_notice_and_header_lines_are_skipped(
    codesets: CodeSetService, tmp_path: Path
) -> None:
    result = codesets.import_ncci_ptp(write_ptp_parts(tmp_path), EDITION, EFFECTIVE)
    assert result.rows_loaded == 8 == _rows(codesets, ncci_ptp)
    assert result.rows_per_file == {"ccipra-v323r0-f1.txt": 5, "ccipra-v323r0-f2.txt": 3}
    assert result.skipped_reasons == {"notice or header line": 3 + 6}
    assert [(s.file, s.line) for s in result.skipped][:3] == [("ccipra-v323r0-f1.txt", n) for n in (1, 2, 3)]
    assert not result.already_loaded and result.summary().startswith("NCCI PTP v32.3 (effective 10/01/2026) loaded")


def test_the_loaded_edition_is_named_with_its_date_and_covers_its_quarter(
    codesets: CodeSetService, tmp_path: Path
) -> None:
    assert codesets.ncci_editions() == {"ncci_ptp": None, "ncci_mue": None, "ncci_aoc": None}
    assert codesets.describe_edition("ncci_ptp") == "No NCCI PTP edition is loaded"
    codesets.import_ncci_ptp(write_ptp_parts(tmp_path), EDITION, EFFECTIVE)
    edition = codesets.ncci_editions()["ncci_ptp"]
    assert edition is not None and (edition.name, edition.effective_to) == ("v32.3", dt.date(2026, 12, 31))
    assert codesets.describe_edition("ncci_ptp") == "NCCI PTP v32.3 (CMS, effective 10/01/2026)"
    assert "8 rows" in edition.source and "ccipra-v323r0-f2.txt" in edition.source
    assert codesets.coverage_warning("ncci_ptp", dt.date(2026, 3, 2)) is None, "deleted edits keep their history"
    assert "ends 12/31/2026" in (codesets.coverage_warning("ncci_ptp", dt.date(2027, 1, 4)) or "")
    assert (
        codesets.coverage_warning("ncci_mue", dt.date(2026, 11, 2))
        == "No NCCI MUE edition is loaded; import the CMS files."
    )


def test_importing_the_same_files_again_in_any_order_changes_nothing(codesets: CodeSetService, tmp_path: Path) -> None:
    parts = write_ptp_parts(tmp_path)
    codesets.import_ncci_ptp(parts, EDITION, EFFECTIVE)
    again = codesets.import_ncci_ptp(list(reversed(parts)), EDITION, EFFECTIVE)
    assert again.already_loaded and again.rows_loaded == 0 and "already loaded" in again.summary()
    assert _rows(codesets, ncci_ptp) == 8 and _releases(codesets, "ncci_ptp") == 1


def test_the_same_edition_name_from_other_files_is_refused(codesets: CodeSetService, tmp_path: Path) -> None:
    codesets.import_ncci_ptp(write_ptp_parts(tmp_path), EDITION, EFFECTIVE)
    other = write_ptp(tmp_path / "other.txt", PART1[:2])
    with pytest.raises(ValidationError, match="already loaded from a different file"):
        codesets.import_ncci_ptp([other], EDITION, EFFECTIVE)


def test_a_zip_of_the_parts_loads_the_text_files_and_not_their_xlsx_twins(
    codesets: CodeSetService, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for line in [*HEADER_ONE_LINE, *PART1]:
        book.active.append(line.split("\t"))
    book.save(tmp_path / "f1.xlsx")
    archive = tmp_path / "ccipra-v323r0.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in write_ptp_parts(tmp_path):
            z.write(part, f"v323/{part.name}")
        z.write(tmp_path / "f1.xlsx", "v323/ccipra-v323r0-f1.xlsx")
        z.writestr("v323/How to read these files.pdf", b"%PDF-1.4")
    result = codesets.import_ncci_ptp([archive], EDITION, EFFECTIVE)
    assert result.rows_loaded == 8
    assert set(result.rows_per_file) == {f"ccipra-v323r0.zip:v323/ccipra-v323r0-f{n}.txt" for n in (1, 2)}
    assert any("ccipra-v323r0-f1.xlsx not read (same table as" in note for note in result.notes)
    assert any("How to read these files.pdf not read" in note for note in result.notes)


def test_an_xlsx_part_reads_like_its_text_file(codesets: CodeSetService, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for line in [*HEADER_ONE_LINE, *PART1]:
        cells: list[object] = line.split("\t")
        if cells[0].isdigit():  # spreadsheets hold codes and dates as numbers
            cells = [int(cells[0]), cells[1], cells[2], int(cells[3]), cells[4], int(cells[5]), cells[6]]
        book.active.append(cells)
    book.save(tmp_path / "ccipra-v323r0-f1.xlsx")
    result = codesets.import_ncci_ptp([tmp_path / "ccipra-v323r0-f1.xlsx"], EDITION, EFFECTIVE)
    assert result.rows_loaded == 5
    pair = codesets.ptp_pairs(["29880", "29881"])[("29881", "29880")]
    assert [(e.effective_from, e.modifier_indicator) for e in pair] == [
        (dt.date(1996, 1, 1), "0"),
        (dt.date(2020, 1, 1), "1"),
    ]


def test_pipe_or_comma_delimited_parts_with_quoted_fields_load_too(codesets: CodeSetService, tmp_path: Path) -> None:
    piped = tmp_path / "f1.txt"
    piped.write_text(
        "\n".join(
            ["Column 1|Column 2|*|Effective Date|Deletion Date|Modifier|PTP Edit Rationale"]
            + [row.replace("\t", "|") for row in PART1]
        )
        + "\n",
        encoding="utf-8",
    )
    commas = tmp_path / "f2.csv"
    commas.write_text(
        "\ufeffColumn 1,Column 2,*,Effective Date,Deletion Date,Modifier,PTP Edit Rationale\n"
        + "".join(
            f'{r.split(chr(9))[0]},{r.split(chr(9))[1]},,"20100101","*","0","Rationale, with a comma"\n' for r in PART2
        ),
        encoding="utf-8",
    )
    result = codesets.import_ncci_ptp([piped, commas], EDITION, EFFECTIVE)
    assert result.rows_per_file == {"f1.txt": 5, "f2.csv": 3}
    edit = codesets.ptp_pairs(["99213", "99211"])[("99213", "99211")][0]
    assert edit.rationale == "Rationale, with a comma" and edit.modifier_indicator == "0"


def test_a_repeated_header_and_a_repeated_row_are_skipped_with_their_lines(
    codesets: CodeSetService, tmp_path: Path
) -> None:
    part = write_ptp(tmp_path / "f1.txt", [PART1[0], *HEADER_ONE_LINE[1:], PART1[0], PART1[1]])
    result = codesets.import_ncci_ptp([part], EDITION, EFFECTIVE)
    assert result.rows_loaded == 2
    unusual = [(s.line, s.reason) for s in result.skipped if s.reason != "notice or header line"]
    assert unusual == [
        (5, "repeated header or notice line"),
        (6, "repeated header or notice line"),
        (7, "repeats line 4 (same column 1, column 2 and effective date)"),
    ]


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("99214\t99212\t\t20261341\t*\t0\tMisuse", "f2.txt line 5: effective date '20261341' is not a date"),
        ("99214\t99212\t\t20100101\t2026-13\t0\tMisuse", "f2.txt line 5: deletion date '2026-13' is not a date"),
        ("99214\t99212\t", "f2.txt line 5: '99214 | 99212' has 3 of the 7 columns; the row is cut short"),
        ("99214\t99212\t\t20100101\t*\t2\tMisuse", "f2.txt line 5: modifier indicator '2' is not 0, 1 or 9"),
        ("99214\t992\t\t20100101\t*\t1\tMisuse", "f2.txt line 5: column 2 '992' is not a 5-character"),
        ("#### garbage ####", "f2.txt line 5: '#### garbage ####' is not a row of the table"),
    ],
)
def test_a_bad_row_names_its_file_and_line_and_nothing_is_written(
    codesets: CodeSetService, tmp_path: Path, bad_line: str, expected: str
) -> None:
    good = write_ptp(tmp_path / "f1.txt", PART1)
    bad = write_ptp(tmp_path / "f2.txt", [PART2[0], bad_line, *PART2[1:]])
    with pytest.raises(ValidationError) as raised:
        codesets.import_ncci_ptp([good, bad], EDITION, EFFECTIVE)
    assert expected in str(raised.value)
    assert str(raised.value).startswith("NCCI PTP v32.3 was not imported, nothing was written: 1 problem(s)")
    assert _rows(codesets, ncci_ptp) == 0 and _releases(codesets, "ncci_ptp") == 0
    assert codesets.ncci_editions()["ncci_ptp"] is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "f2.txt: no NCCI PTP rows found"),
        ("\r\n".join(HEADER_WRAPPED).encode("cp1252"), "f2.txt: no NCCI PTP rows found"),
        (b"\x00\x01\x02garbage\x00" * 50, "f2.txt"),
        (("Just some words\r\n" * 80).encode(), "f2.txt line 61: no NCCI PTP rows in the first 60 lines"),
    ],
)
def test_a_file_that_yields_no_edits_is_refused_by_name(
    codesets: CodeSetService, tmp_path: Path, content: bytes, expected: str
) -> None:
    good = write_ptp(tmp_path / "f1.txt", PART1)
    (tmp_path / "f2.txt").write_bytes(content)
    with pytest.raises(ValidationError) as raised:
        codesets.import_ncci_ptp([good, tmp_path / "f2.txt"], EDITION, EFFECTIVE)
    assert expected in str(raised.value)
    assert _rows(codesets, ncci_ptp) == 0 and _releases(codesets, "ncci_ptp") == 0


def test_a_damaged_zip_is_refused_by_name(codesets: CodeSetService, tmp_path: Path) -> None:
    (tmp_path / "ptp.zip").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValidationError, match="ptp.zip is not a readable zip file"):
        codesets.import_ncci_ptp([tmp_path / "ptp.zip"], EDITION, EFFECTIVE)
    archive = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("f1.txt", "\r\n".join([*HEADER_ONE_LINE, *PART1]))
    # One byte of the member changed: its CRC no longer matches when the last byte is read.
    archive.write_bytes(archive.read_bytes().replace(b"Mutually", b"Mutuallz", 1))
    with pytest.raises(ValidationError, match="damaged.zip:f1.txt cannot be read"):
        codesets.import_ncci_ptp([archive], EDITION, EFFECTIVE)
    assert _releases(codesets, "ncci_ptp") == 0


def test_missing_and_hospital_files_are_refused_in_plain_words(codesets: CodeSetService, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="no such file"):
        codesets.import_ncci_ptp([tmp_path / "nowhere.txt"], EDITION, EFFECTIVE)
    hospital = write_ptp(tmp_path / "ccioph-v323r0-f1.txt", PART1)
    with pytest.raises(ValidationError, match="outpatient hospital PTP edits"):
        codesets.import_ncci_ptp([hospital], EDITION, EFFECTIVE)
    with pytest.raises(ValidationError, match="given twice"):
        codesets.import_ncci_ptp([hospital, hospital], EDITION, EFFECTIVE)


def test_a_cancelled_import_writes_nothing(
    codesets: CodeSetService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ncci, "PROGRESS_EVERY", 2)
    seen: list[str] = []
    ctx = JobContext(lambda done, total, message: (seen.append(message), ctx.cancel()))
    with pytest.raises(JobCancelled):
        codesets.import_ncci_ptp(write_ptp_parts(tmp_path), EDITION, EFFECTIVE, ctx=ctx)
    assert seen and seen[0].startswith("Reading ccipra-v323r0-f1.txt")
    assert _rows(codesets, ncci_ptp) == 0 and _releases(codesets, "ncci_ptp") == 0


# ---------------------------------------------------------------- lookups and dates


def test_ptp_pairs_returns_every_edit_whose_two_codes_are_both_given(codesets: CodeSetService, tmp_path: Path) -> None:
    codesets.import_ncci_ptp(write_ptp_parts(tmp_path), EDITION, EFFECTIVE)
    found = codesets.ptp_pairs([" 29881", "29880", "11042", "97597", "99213", "j3420"])
    assert sorted(found) == [("11042", "97597"), ("29881", "29880")]
    assert found[("11042", "97597")] == [
        PtpEdit("11042", "97597", dt.date(2013, 1, 1), None, "1", "Standards of medical / surgical practice")
    ]
    knee = found[("29881", "29880")]
    assert [(e.effective_from, e.deleted_on, e.modifier_indicator) for e in knee] == [
        (dt.date(1996, 1, 1), dt.date(2020, 1, 1), "0"),
        (dt.date(2020, 1, 1), None, "1"),
    ]
    assert codesets.ptp_pairs(["99213"]) == {} and codesets.ptp_pairs([]) == {}


def test_many_codes_find_the_same_edits_as_few(codesets: CodeSetService, tmp_path: Path) -> None:
    codesets.import_ncci_ptp(write_ptp_parts(tmp_path), EDITION, EFFECTIVE)
    claim = ["29881", "29880", "G0439", "99497"]
    filler = [f"{n:05d}" for n in range(70000, 70000 + 900)]  # past the pair-seek threshold and one IN list
    assert len(claim + filler) > ncci.SEEK_PAIRS_UP_TO
    assert codesets.ptp_pairs(claim + filler) == codesets.ptp_pairs(claim)
    assert sorted(codesets.ptp_pairs(claim)) == [("29881", "29880"), ("G0439", "99497")]


def test_an_edit_is_in_force_from_its_effective_date_until_the_day_before_its_deletion() -> None:
    edit = PtpEdit("29881", "29880", dt.date(1996, 1, 1), dt.date(2020, 1, 1), "0", "Mutually exclusive procedures")
    assert not edit.in_force(dt.date(1995, 12, 31))
    assert edit.in_force(dt.date(1996, 1, 1)) and edit.in_force(dt.date(2019, 12, 31))
    assert not edit.in_force(dt.date(2020, 1, 1)), "CMS: deleted as of that date"
    active = PtpEdit("29881", "29880", dt.date(2020, 1, 1), None, "1", "")
    assert active.in_force(dt.date(2026, 11, 28)) and active.applies(dt.date(2026, 11, 28)) and active.modifier_allowed
    withdrawn = PtpEdit("36415", "36416", dt.date(2010, 1, 1), dt.date(2010, 1, 1), "9", "")
    assert not withdrawn.in_force(dt.date(2010, 1, 1)) and not withdrawn.applies(dt.date(2015, 1, 1))
    never = PtpEdit("36415", "36416", dt.date(2010, 1, 1), None, "9", "")
    assert never.in_force(dt.date(2015, 1, 1)) and not never.applies(dt.date(2015, 1, 1))


# ---------------------------------------------------------------- MUE


def test_the_practitioner_mue_table_loads_after_its_quoted_notice(codesets: CodeSetService, tmp_path: Path) -> None:
    result = codesets.import_ncci_mue(write_mue(tmp_path / "MCR_MUE_PractitionerServices.csv"), EDITION, EFFECTIVE)
    assert result.rows_loaded == 4 == _rows(codesets, ncci_mue)
    assert result.skipped_reasons == {"notice or header line": 2}
    limits = codesets.mue_limits(["96372", "j3420", "99213"])
    assert limits == {
        "96372": MueLimit("96372", 4, 3, "Clinical: Data"),
        "J3420": MueLimit("J3420", 1, 1, "Nature of Service/Procedure"),
    }
    assert limits["J3420"].per_line and not limits["96372"].per_line
    assert "per day" in limits["96372"].explanation
    assert codesets.describe_edition("ncci_mue") == "NCCI MUE v32.3 (CMS, effective 10/01/2026)"


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        ('11042,one,"1 Line Edit","CMS Policy"', "line 4: MUE value 'one' is not a whole number"),
        ('11042,1,"4 Line Edit","CMS Policy"', "line 4: adjudication indicator '4 Line Edit' is not 1, 2 or 3"),
        ("11042", "line 4: '11042' has 1 of the 4 columns"),
        ('J3420,2,"1 Line Edit","CMS Policy"', "line 8: J3420 is listed again with other values (first on line 4)"),
    ],
)
def test_a_bad_mue_row_is_named_and_nothing_is_written(
    codesets: CodeSetService, tmp_path: Path, bad_row: str, expected: str
) -> None:
    path = write_mue(tmp_path / "mue.csv", [bad_row, *MUE_ROWS])
    with pytest.raises(ValidationError) as raised:
        codesets.import_ncci_mue(path, EDITION, EFFECTIVE)
    assert f"mue.csv {expected}" in str(raised.value)
    assert _rows(codesets, ncci_mue) == 0 and _releases(codesets, "ncci_mue") == 0


def test_the_outpatient_hospital_mue_table_is_refused(codesets: CodeSetService, tmp_path: Path) -> None:
    header = MUE_HEADER.replace("Practitioner Services", "Outpatient Hospital Services")
    with pytest.raises(ValidationError, match="Outpatient Hospital Services MUE table; import the Practitioner"):
        codesets.import_ncci_mue(write_mue(tmp_path / "oph.csv", header=header), EDITION, EFFECTIVE)


# ---------------------------------------------------------------- add-on codes


def test_add_on_codes_list_their_acceptable_primaries_with_dates(codesets: CodeSetService, tmp_path: Path) -> None:
    result = codesets.import_ncci_aoc(write_aoc(tmp_path / "aoc.txt"), EDITION, EFFECTIVE)
    assert result.rows_loaded == 5 == _rows(codesets, ncci_aoc)
    rules = codesets.addon_rules(["11045", "11042", "64462", "99213"])
    assert sorted(rules) == ["11045", "64462"], "only add-on codes have rules; primaries do not"
    assert rules["11045"] == [
        AddonRule("11045", "11042", 1, dt.date(2011, 1, 1), None),
        AddonRule("11045", "11043", 1, dt.date(2011, 1, 1), dt.date(2024, 1, 1)),
    ]
    assert not rules["11045"][1].in_force(dt.date(2024, 1, 1)) and rules["11045"][1].in_force(dt.date(2023, 12, 31))
    assert rules["64462"][0].contractor_defined and rules["64462"][0].edit_type == 2


def test_the_cms_add_on_layout_with_julian_dates_and_code_deletions_reads_by_header(
    codesets: CodeSetService, tmp_path: Path
) -> None:
    header = (
        "Add-on Code\tAOC_DEL_DT_JULIAN\tPrimary Code\tPrimary Code Del Dt Julian\tAOC Edit Type\t"
        "AOC Edit Eff Dt Julian\tAOC Edit Del Dt Julian\tSpecial Instruction Notes"
    )
    rows = [
        "99417\t\t99205\t\t1\t2021001\t\t",
        "99417\t\t99215\t2026274\t1\t2021001\t\t",  # the primary deleted on day 274 of 2026: October 1
        "96376\t\t96374\t\t1\t2013001\t2025182\t96376 may be reported by facilities only",
    ]
    codesets.import_ncci_aoc(write_aoc(tmp_path / "AOC_V2026Q4-MCR.txt", rows, header), EDITION, EFFECTIVE)
    rules = codesets.addon_rules(["99417", "96376"])
    assert [(r.primary_code, r.effective_from, r.deleted_on) for r in rules["99417"]] == [
        ("99205", dt.date(2021, 1, 1), None),
        ("99215", dt.date(2021, 1, 1), dt.date(2026, 10, 1)),
    ]
    assert rules["96376"][0].deleted_on == dt.date(2025, 7, 1)
    assert rules["96376"][0].notes == "96376 may be reported by facilities only"


def test_an_add_on_file_without_its_header_or_with_a_bad_type_is_refused(
    codesets: CodeSetService, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="a data row before the header"):
        codesets.import_ncci_aoc(write_aoc(tmp_path / "a.txt", AOC_ROWS, header=""), EDITION, EFFECTIVE)
    with pytest.raises(ValidationError, match=r"b.txt line 3: AOC edit type '4' is not 1, 2 or 3"):
        codesets.import_ncci_aoc(write_aoc(tmp_path / "b.txt", ["11045\t11042\t4\t20110101\t*"]), EDITION, EFFECTIVE)
    with pytest.raises(ValidationError, match=r"c.txt line 3: AOC edit effective date '2011-02-30' is not a date"):
        codesets.import_ncci_aoc(write_aoc(tmp_path / "c.txt", ["11045\t11042\t1\t2011-02-30\t*"]), EDITION, EFFECTIVE)
    assert _rows(codesets, ncci_aoc) == 0 and _releases(codesets, "ncci_aoc") == 0


def test_an_xlsx_add_on_file_with_real_dates_loads(codesets: CodeSetService, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["Add-on Code", "Primary Code", "AOC Edit Type", "AOC Edit Eff Dt", "AOC Edit Del Dt"])
    book.active.append(["99417", "99205", 1, dt.datetime(2021, 1, 1), None])
    book.active.append([22552, 22551, "Type 1", 20170101, "*"])
    book.save(tmp_path / "AOC.xlsx")
    assert codesets.import_ncci_aoc(tmp_path / "AOC.xlsx", EDITION, EFFECTIVE).rows_loaded == 2
    assert codesets.addon_rules(["22552"])["22552"][0] == AddonRule("22552", "22551", 1, dt.date(2017, 1, 1), None)


# ---------------------------------------------------------------- the database file


def test_a_code_set_file_from_before_ncci_gains_the_tables_when_opened(tmp_path: Path) -> None:
    older = [t for t in metadata.sorted_tables if t not in NCCI_TABLES]
    path = empty_codesets(tmp_path / "codesets.sqlite3", tables=older)
    assert not {t.name for t in NCCI_TABLES} & set(inspect(create_engine(f"sqlite:///{path}")).get_table_names())
    service = CodeSetService(path)
    try:
        assert service.ncci_editions()["ncci_ptp"] is None
        assert service.import_ncci_mue(write_mue(tmp_path / "mue.csv"), EDITION, EFFECTIVE).rows_loaded == 4
    finally:
        service.close()
    assert {t.name for t in NCCI_TABLES} <= set(inspect(create_engine(f"sqlite:///{path}")).get_table_names())


def test_the_shipped_build_creates_the_ncci_tables_empty() -> None:
    # build() runs metadata.create_all(engine) over the whole schema; ClaimDesk ships no CMS NCCI data.
    assert all(table in metadata.sorted_tables for table in NCCI_TABLES)


def test_stats_count_ncci_rows_per_edition(codesets: CodeSetService, tmp_path: Path) -> None:
    codesets.import_ncci_ptp(write_ptp_parts(tmp_path), EDITION, EFFECTIVE)
    codesets.import_ncci_aoc(write_aoc(tmp_path / "aoc.txt"), EDITION, EFFECTIVE)
    entries = {r["system"]: r for r in codesets.stats()["releases"]}
    assert entries["ncci_ptp"]["edits"] == 8 and entries["ncci_aoc"]["edits"] == 5


def test_describe_edition_is_plain_words() -> None:
    assert describe_edition("ncci_aoc", None) == "No NCCI add-on code edits edition is loaded"


# ---------------------------------------------------------------- the benchmark's synthetic edition


def test_the_synthetic_edition_is_deterministic_headed_and_loads(codesets: CodeSetService, tmp_path: Path) -> None:
    from benchmarks.ncci_synth import BANNER, write_edition

    first = write_edition(tmp_path / "a", rows=4_000, seed=7)
    second = write_edition(tmp_path / "b", rows=4_000, seed=7)
    assert [p.read_bytes() for p in first["ptp"]] == [p.read_bytes() for p in second["ptp"]]
    assert all(p.read_text(encoding="cp1252").startswith(BANNER) for p in [*first["ptp"], first["aoc"]])
    ptp = codesets.import_ncci_ptp(first["ptp"], first["edition"], first["effective_from"])
    assert ptp.rows_loaded == 4_000 and set(ptp.skipped_reasons) == {"notice or header line"}, "pairs are unique"
    assert codesets.import_ncci_mue(first["mue"], first["edition"], first["effective_from"]).rows_loaded > 0
    assert codesets.import_ncci_aoc(first["aoc"], first["edition"], first["effective_from"]).rows_loaded > 0
    assert codesets.ptp_pairs(first["common_codes"][:300])
