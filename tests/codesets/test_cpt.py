"""CPT import from the user's licensed file; every code and description here is invented for the test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select

from app.codesets import cpt
from app.errors import ValidationError
from db.codesets import cpt_code, release
from tests.codesets.helpers import codeset_engine

INVENTED_CSV = (
    "code,short,medium,long\n"
    '10001,Invented short one,Invented medium one,"Invented long one, with a comma"\n'
    "0001F,Invented quality measure,,\n"
    '0002T,Invented emerging tech,Invented emerging technology,"Invented emerging technology, long"\n'
    "0003U,Invented lab analysis,,Invented proprietary lab analysis\n"
)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    engine = codeset_engine(tmp_path)
    with engine.begin() as connection:
        yield connection
    engine.dispose()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _load(conn: Connection, path: Path, name: str = "CPT 2026") -> int:
    return cpt.load(conn, path, name, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "user's licensed file")


@pytest.mark.parametrize("code", ["99999", "10001", "0001F", "0002T", "0003U"])
def test_cpt_shaped_codes_are_valid(code: str) -> None:
    assert cpt.is_valid_format(code)


@pytest.mark.parametrize("code", ["9999", "999999", "0001X", "A0001", "0001f", "", "1234 "])
def test_other_shapes_are_not(code: str) -> None:
    assert not cpt.is_valid_format(code)


def test_a_documented_csv_loads_every_code(conn: Connection, tmp_path: Path) -> None:
    release_id = _load(conn, _write(tmp_path, "cpt.csv", "\ufeff" + INVENTED_CSV))
    codes = conn.execute(select(cpt_code.c.code).where(cpt_code.c.release_id == release_id)).scalars()
    assert sorted(codes) == ["0001F", "0002T", "0003U", "10001"]
    row = conn.execute(select(release).where(release.c.id == release_id)).one()
    assert (row.system, row.origin, row.effective_to) == ("cpt", "imported", dt.date(2026, 12, 31))


def test_detail_shows_the_long_description_and_the_short_one(conn: Connection, tmp_path: Path) -> None:
    release_id = _load(conn, _write(tmp_path, "cpt.csv", INVENTED_CSV))
    found = cpt.detail(conn, release_id, "10001")
    assert found is not None
    assert (found.description, found.short_description) == ("Invented long one, with a comma", "Invented short one")
    assert found.system == "cpt" and found.release == "CPT 2026"
    quality = cpt.detail(conn, release_id, "0001f")
    assert quality is not None and quality.description == "Invented quality measure"
    assert cpt.detail(conn, release_id, "20002") is None


def test_medium_and_long_columns_are_optional(conn: Connection, tmp_path: Path) -> None:
    release_id = _load(conn, _write(tmp_path, "short.csv", "code,short\n20001,Invented short only\n"))
    found = cpt.detail(conn, release_id, "20001")
    assert found is not None and found.description == "Invented short only"


def test_every_bad_row_is_named_by_line_and_nothing_loads(conn: Connection, tmp_path: Path) -> None:
    text = (
        "code,short,medium,long\n"
        "10001,Invented fine,,\n"
        "1001,Invented four digits,,\n"
        "10002,,,\n"
        "10001,Invented repeat,,\n"
        "A0001,Invented letter first,,\n"
    )
    with pytest.raises(ValidationError) as caught:
        _load(conn, _write(tmp_path, "bad.csv", text))
    assert caught.value.problems == [
        "bad.csv line 3: code '1001' is not 5 characters of 4 digits then a digit, F, T or U",
        "bad.csv line 4: code 10002 has no description",
        "bad.csv line 5: code 10001 repeats line 2",
        "bad.csv line 6: code 'A0001' is not 5 characters of 4 digits then a digit, F, T or U",
    ]
    assert conn.execute(select(func.count()).select_from(cpt_code)).scalar_one() == 0
    assert conn.execute(select(func.count()).select_from(release)).scalar_one() == 0


def test_a_wrong_header_is_explained(conn: Connection, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        _load(conn, _write(tmp_path, "odd.csv", "code,name,price\n10001,Invented,12.00\n"))
    assert "code,short,medium,long" in str(caught.value)


def test_a_file_that_is_not_utf8_is_refused(conn: Connection, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("code,short\n10001,Invent\xe9 caf\xe9\n".encode("latin-1"))
    with pytest.raises(ValidationError) as caught:
        _load(conn, path)
    assert "UTF-8" in caught.value.problems[0]


def test_importing_the_same_file_twice_under_one_name_loads_it_once(conn: Connection, tmp_path: Path) -> None:
    path = _write(tmp_path, "cpt.csv", INVENTED_CSV)
    first, second = _load(conn, path), _load(conn, path)
    assert first == second
    assert conn.execute(select(func.count()).select_from(cpt_code)).scalar_one() == 4


def test_a_different_file_under_a_used_name_is_refused(conn: Connection, tmp_path: Path) -> None:
    _load(conn, _write(tmp_path, "cpt.csv", INVENTED_CSV))
    with pytest.raises(ValidationError) as caught:
        _load(conn, _write(tmp_path, "other.csv", "code,short\n20001,Invented other\n"))
    assert "already loaded" in str(caught.value)
    assert conn.execute(select(func.count()).select_from(cpt_code)).scalar_one() == 4


def test_a_tab_delimited_data_file_loads_as_long_descriptions(conn: Connection, tmp_path: Path) -> None:
    path = _write(tmp_path, "LONGULT.txt", "10001\tInvented long text one\n0001F\tInvented long text two\n")
    release_id = _load(conn, path)
    found = cpt.detail(conn, release_id, "0001F")
    assert found is not None and found.description == "Invented long text two"


def test_a_fixed_width_data_file_loads(conn: Connection, tmp_path: Path) -> None:
    path = _write(tmp_path, "SHORTU.txt", "10001 INVENTED SHORT ONE\n10002 INVENTED SHORT TWO\n")
    release_id = _load(conn, path)
    found = cpt.detail(conn, release_id, "10002")
    assert found is not None and found.description == "INVENTED SHORT TWO"


def test_a_fixed_width_line_with_a_bad_code_is_reported(conn: Connection, tmp_path: Path) -> None:
    path = _write(tmp_path, "SHORTU.txt", "10001 INVENTED ONE\n100022 INVENTED TWO\n")
    with pytest.raises(ValidationError) as caught:
        _load(conn, path)
    assert caught.value.problems == [
        "SHORTU.txt line 2: code '100022' is not 5 characters of 4 digits then a digit, F, T or U"
    ]
