"""`make codesets`: build the read-only code-set database from the official source files.

    python -m app.codesets.build [--output resources/codesets.sqlite3]

Reproducible from the sources: every release row records its source file and SHA-256, and the
same sources give the same codes, notes, index links and search index.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event, select

from app.paths import resource
from app.services.jobs import JobContext
from db.codesets import SCHEMA_VERSION, meta, metadata, release

SHIPPED_NAME = "codesets.sqlite3"


@dataclass(frozen=True)
class Sources:
    """Where each official file is; the defaults are the copies under resources/sources/."""

    icd10cm_tabular: Path
    icd10cm_index_dir: Path
    hcpcs: Path
    mpfs_rvu: Path
    mpfs_gpci: Path
    mpfs_localities: Path
    pos: Path
    taxonomy: Path
    carc: Path
    rarc: Path
    cpt_modifiers: Path
    abbreviations: Path

    @classmethod
    def default(cls) -> Sources:
        import simple_icd_10_cm

        package = Path(simple_icd_10_cm.__file__).parent / "data"
        return cls(
            icd10cm_tabular=package / "icd10c-tabular-April-1-2026.xml",
            icd10cm_index_dir=resource("sources", "icd10cm_2025_index"),
            hcpcs=resource("sources", "hcpcs", "HCPC2026_JAN_ANWEB_01122026.txt"),
            mpfs_rvu=resource("sources", "medicare_pfs_2025", "PPRRVU25_JAN_no_cpt_descriptions.csv"),
            mpfs_gpci=resource("sources", "medicare_pfs_2025", "GPCI2025.csv"),
            mpfs_localities=resource("sources", "medicare_pfs_2025", "25LOCCO1.csv"),
            pos=resource("reference", "place_of_service", "pos_complete.json"),
            taxonomy=resource("sources", "nucc_taxonomy", "nucc_taxonomy_251.csv"),
            carc=resource("reference", "carc_rarc", "carc.tsv"),
            rarc=resource("reference", "carc_rarc", "rarc.tsv"),
            cpt_modifiers=resource("reference", "modifiers", "cpt_modifiers.json"),
            abbreviations=resource("reference", "abbreviations", "coder_abbreviations.json"),
        )


def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API types
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=OFF")
    cur.execute("PRAGMA synchronous=OFF")
    cur.execute("PRAGMA cache_size=-131072")
    cur.close()


def build(output: Path, sources: Sources | None = None, ctx: JobContext | None = None) -> dict[str, object]:
    """Write a fresh code-set database to `output` (built beside it, then moved into place)."""
    from app.codesets import hcpcs, icd10cm, mpfs, reference, search

    src = sources or Sources.default()
    ctx = ctx or JobContext()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".building")
    partial.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{partial}")
    event.listen(engine, "connect", _pragmas)
    timings: dict[str, float] = {}

    def step(name: str, n: int, fn):  # noqa: ANN001, ANN202
        ctx.report(n, 8, name)
        started = time.perf_counter()
        result = fn()
        timings[name] = round(time.perf_counter() - started, 1)
        return result

    metadata.create_all(engine)
    with engine.begin() as conn:
        icd = step(
            "ICD-10-CM FY2026 tabular",
            0,
            lambda: icd10cm.load_tabular(
                conn,
                src.icd10cm_tabular,
                "FY2026",
                dt.date(2025, 10, 1),
                dt.date(2026, 9, 30),
                "shipped",
                "CDC ICD-10-CM tabular XML (April 1, 2026 update), from PyPI simple-icd-10-cm 1.5.0",
            ),
        )
        step(
            "ICD-10-CM index and tables",
            1,
            lambda: icd10cm.load_index(
                conn,
                src.icd10cm_index_dir,
                icd,
                "FY2025",
                "CMS/NCHS ICD-10-CM FY2025 Alphabetic Index (derived CSV), Drug, Neoplasm and External Cause XML",
            ),
        )
        step(
            "HCPCS Level II",
            2,
            lambda: hcpcs.load(
                conn,
                src.hcpcs,
                "2026 Q1 (January)",
                dt.date(2026, 1, 1),
                "shipped",
                "CMS HCPCS alpha-numeric file, January 2026 (HCPC2026_JAN_ANWEB_01122026.txt)",
            ),
        )
        step(
            "Medicare Physician Fee Schedule",
            3,
            lambda: mpfs.load(
                conn,
                src.mpfs_rvu,
                src.mpfs_gpci,
                src.mpfs_localities,
                "CY2025",
                dt.date(2025, 1, 1),
                dt.date(2025, 12, 31),
                "shipped",
                "CMS RVU25A (January 2025): PPRRVU25, GPCI2025, 25LOCCO1",
            ),
        )
        step(
            "Reference lists",
            4,
            lambda: (
                reference.load_place_of_service(conn, src.pos),
                reference.load_taxonomy(conn, src.taxonomy),
                reference.load_adjustment_reasons(conn, src.carc, src.rarc),
                reference.load_cpt_modifiers(conn, _hcpcs_release(conn), src.cpt_modifiers),
            ),
        )
        step("Search index", 5, lambda: search.build_search_index(conn))
        conn.execute(
            meta.insert(),
            [
                {"key": "schema_version", "value": SCHEMA_VERSION},
                {"key": "built_from", "value": "official sources under resources/sources and simple-icd-10-cm 1.5.0"},
            ],
        )
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("VACUUM")
    engine.dispose()
    partial.replace(output)
    ctx.report(8, 8, "Done")
    return {"output": str(output), "bytes": output.stat().st_size, "seconds": timings}


def _hcpcs_release(conn) -> int:  # noqa: ANN001
    return conn.execute(
        select(release.c.id).where(release.c.system == "hcpcs").order_by(release.c.id.desc())
    ).scalar_one()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build ClaimDesk's code-set database from the official sources.")
    parser.add_argument("--output", type=Path, default=resource(SHIPPED_NAME))
    args = parser.parse_args(argv)
    started = time.perf_counter()

    def progress(done: int, total: int, message: str) -> None:
        print(f"[{done}/{total}] {message}", flush=True)

    report = build(args.output, ctx=JobContext(progress))
    print(
        f"built {report['output']} ({int(report['bytes']) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f}s: "
        f"{report['seconds']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
