"""Counts per code set and release, for `claimdesk codes stats` and the About box."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from db.codesets import (
    adjustment_reason,
    cpt_code,
    hcpcs_code,
    icd10cm_code,
    icd10cm_index,
    modifier,
    mpfs_locality,
    mpfs_rvu,
    ncci_aoc,
    ncci_mue,
    ncci_ptp,
    place_of_service,
    release,
    taxonomy,
)

_PER_RELEASE = {
    "icd10cm": (icd10cm_code, "codes"),
    "icd10cm_index": (icd10cm_index, "entries"),
    "hcpcs": (hcpcs_code, "codes"),
    "cpt": (cpt_code, "codes"),
    "mpfs": (mpfs_rvu, "rvu_rows"),
    "ncci_ptp": (ncci_ptp, "edits"),
    "ncci_mue": (ncci_mue, "codes"),
    "ncci_aoc": (ncci_aoc, "edits"),
}


def counts(conn: Connection) -> dict[str, Any]:
    out: dict[str, Any] = {"releases": []}
    for r in conn.execute(select(release).order_by(release.c.system, release.c.effective_from)):
        entry: dict[str, Any] = {
            "system": r.system,
            "release": r.name,
            "effective_from": r.effective_from.isoformat(),
            "effective_to": r.effective_to.isoformat() if r.effective_to else None,
            "origin": r.origin,
            "source": r.source,
            "sha256": r.checksum,
        }
        table_and_label = _PER_RELEASE.get(r.system)
        if table_and_label:
            table, label = table_and_label
            entry[label] = conn.execute(
                select(func.count()).select_from(table).where(table.c.release_id == r.id)
            ).scalar_one()
            if r.system == "icd10cm":
                entry["billable"] = conn.execute(
                    select(func.count())
                    .select_from(icd10cm_code)
                    .where(icd10cm_code.c.release_id == r.id, icd10cm_code.c.billable == 1)
                ).scalar_one()
        out["releases"].append(entry)
    for name, table in (
        ("place_of_service", place_of_service),
        ("taxonomy", taxonomy),
        ("modifiers", modifier),
        ("mpfs_localities", mpfs_locality),
    ):
        out[name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
    for kind in ("carc", "rarc"):
        out[kind] = conn.execute(
            select(func.count()).select_from(adjustment_reason).where(adjustment_reason.c.kind == kind)
        ).scalar_one()
    return out
