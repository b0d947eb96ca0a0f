"""Test helpers for the code-set loaders: a fresh code-set database and hand-written HCPCS records."""

from __future__ import annotations

import textwrap
from pathlib import Path

from sqlalchemy import Engine, create_engine

from app.paths import resource
from db.codesets import metadata

HCPCS_FILE = resource("sources", "hcpcs", "HCPC2026_JAN_ANWEB_01122026.txt")
MPFS_DIR = resource("sources", "medicare_pfs_2025")
RVU_FILE = MPFS_DIR / "PPRRVU25_JAN_no_cpt_descriptions.csv"
GPCI_FILE = MPFS_DIR / "GPCI2025.csv"
COUNTIES_FILE = MPFS_DIR / "25LOCCO1.csv"


def codeset_engine(folder: Path) -> Engine:
    """An empty code-set database file in `folder`, with the fixed schema."""
    engine = create_engine(f"sqlite:///{folder / 'codesets.sqlite3'}")
    metadata.create_all(engine)
    return engine


def _put(line: list[str], begin: int, text: str) -> None:
    """Write text at the layout's 1-based column `begin`."""
    line[begin - 1 : begin - 1 + len(text)] = list(text)


def hcpcs_record(
    code: str,
    long_description: str,
    short_description: str,
    *,
    modifier: bool = False,
    coverage: str = "C",
    pricing: str = "00",
    added: str = "20260401",
    action_date: str = "20260401",
    terminated: str = "",
    action: str = "A",
) -> list[str]:
    """One procedure (or modifier) as CMS writes it: 320-column lines, the long text wrapped at 80."""
    chunks = textwrap.wrap(long_description, 80)
    lines = []
    for seq, chunk in enumerate(chunks, 1):
        line = [" "] * 320
        _put(line, 1, f"   {code}" if modifier else code)
        _put(line, 6, f"{seq * 100:05d}")
        first = seq == 1
        _put(line, 11, ("7" if first else "8") if modifier else ("3" if first else "4"))
        _put(line, 12, chunk)
        if first:
            _put(line, 92, short_description[:28])
            _put(line, 120, pricing)
            _put(line, 128, "A")
            _put(line, 230, coverage)
            _put(line, 257, "O1E")
            _put(line, 261, "1")
            _put(line, 266, "  0")
            _put(line, 269, added)
            _put(line, 277, action_date)
            _put(line, 285, terminated)
            _put(line, 293, action)
        lines.append("".join(line))
    return lines


def write_hcpcs_file(path: Path, records: list[list[str]]) -> Path:
    path.write_bytes("".join(line + "\r\n" for record in records for line in record).encode("ascii"))
    return path
