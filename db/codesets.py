"""The code-set database: official code sets by release, separate from any practice database.

ClaimDesk ships one built from the official sources (`make codesets`, read-only in `resources/`);
on first use it is copied to the user's data folder, where imports of newer releases (ICD-10-CM
FY2027, a later HCPCS quarter, the user's licensed CPT file) are added beside the shipped ones.
Older releases are kept so older dates of service are checked against the codes valid then.

Exact numbers (RVUs, GPCIs, the conversion factor) are stored as TEXT and read as Decimal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

SCHEMA_VERSION = "1"

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

# One row per loaded release of a code system. system is one of: icd10cm, icd10cm_index, hcpcs, cpt,
# mpfs, pos, taxonomy, carc, rarc, ncci_ptp, ncci_mue, ncci_aoc (name: the NCCI edition, 'v32.3').
# effective_to is inclusive (FY2026: 2025-10-01 .. 2026-09-30).
release = Table(
    "release",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("system", String(20), nullable=False),
    Column("name", String(40), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date),
    Column("source", Text, nullable=False),  # file name and where it came from
    Column("checksum", String(64), nullable=False),  # SHA-256 of the source file(s)
    Column("origin", String(10), nullable=False),  # 'shipped' or 'imported'
    Column("loaded_at", DateTime, nullable=False),
    UniqueConstraint("system", "name"),
)

# ---------------------------------------------------------------- ICD-10-CM tabular

icd10cm_chapter = Table(
    "icd10cm_chapter",
    metadata,
    Column("release_id", ForeignKey("release.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("first_code", String(8), nullable=False),  # e.g. 'A00'
    Column("last_code", String(8), nullable=False),  # e.g. 'B99'
)

icd10cm_section = Table(
    "icd10cm_section",
    metadata,
    Column("release_id", ForeignKey("release.id"), primary_key=True),
    Column("section_id", String(16), primary_key=True),  # e.g. 'E08-E13'
    Column("chapter", Integer, nullable=False),
    Column("title", Text, nullable=False),
)

# Every category, subcategory and code, including the 7-character codes expanded from the 7th
# character definitions. code has no dot ('E1165'); display has it ('E11.65').
icd10cm_code = Table(
    "icd10cm_code",
    metadata,
    Column("release_id", ForeignKey("release.id"), primary_key=True),
    Column("code", String(8), primary_key=True),
    Column("display", String(9), nullable=False),
    Column("description", Text, nullable=False),
    Column("billable", Integer, nullable=False),  # 1 when the code has no children (a valid claim code)
    Column("parent", String(8)),  # None for categories (3 characters)
    Column("chapter", Integer, nullable=False),
    Column("section_id", String(16), nullable=False),
    Column("depth", Integer, nullable=False),  # 3 for a category, up to 7
    Column("sex", String(1)),  # 'M' or 'F' when the code is for one sex only
    Column("age_min", Integer),  # inclusive years, e.g. 12 for maternity codes
    Column("age_max", Integer),  # inclusive years, e.g. 0 for perinatal (newborn) codes
    Column("age_rule", Text),  # plain-words source of the limit ('Chapter 15: maternity, ages 12-55')
    Index("ix_icd10cm_code_parent", "release_id", "parent"),
)

# Notes attached to a code (and inherited by its children when the tabular says so).
# kind: inclusion, includes, excludes1, excludes2, code_first, use_additional, code_also, note,
# seven_char_note (the 7th-character rule text), seven_char_def (value 'A' etc. in `ref`).
icd10cm_note = Table(
    "icd10cm_note",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("release_id", ForeignKey("release.id"), nullable=False),
    Column("code", String(8), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("refs", Text),  # space-separated codes/ranges the note refers to, without dots ('E10 E11 O24')
    Index("ix_icd10cm_note_code", "release_id", "code"),
)

# ---------------------------------------------------------------- ICD-10-CM index and tables

# One row per index entry (main term or subterm) of the Alphabetic Index, the Table of Drugs and
# Chemicals (one row per column code), the Table of Neoplasms (likewise) and the External Cause
# index. `path` is the full term path joined by ' > ' ('Diabetes, diabetic > type 2 > with > neuropathy').
# code is what the index says; resolved_code is a code valid in the linked tabular release, and
# status says how: 'valid' (same code), 'resolved' (mapped through the tabular, e.g. a new child),
# 'header' (points at a non-billable code: the coder must pick a child), 'invalid' (not in the
# tabular, never offered as billable), 'none' (a see/see-also entry without a code).
icd10cm_index = Table(
    "icd10cm_index",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("release_id", ForeignKey("release.id"), nullable=False),  # the icd10cm_index release
    Column("source", String(10), nullable=False),  # index, drug, neoplasm, eindex
    Column("main_term", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("level", Integer, nullable=False),
    Column("column", String(40)),  # table column, e.g. 'Poisoning, Accidental' or 'Malignant Primary'
    Column("code", String(8)),
    Column("resolved_code", String(8)),
    Column("status", String(10), nullable=False),
    Column("see", Text),
    Column("see_also", Text),
    Column("nonessential", Text),
    Index("ix_icd10cm_index_code", "resolved_code"),
)

# ---------------------------------------------------------------- HCPCS Level II

hcpcs_code = Table(
    "hcpcs_code",
    metadata,
    Column("release_id", ForeignKey("release.id"), primary_key=True),
    Column("code", String(5), primary_key=True),
    Column("long_description", Text, nullable=False),
    Column("short_description", String(28), nullable=False),
    Column("add_date", Date),
    Column("action_effective_date", Date),
    Column("termination_date", Date),
    Column("action_code", String(1)),
    Column("coverage_code", String(1)),
    Column("pricing_indicators", String(8)),  # up to 4 two-character indicators, joined
    Column("multiple_pricing_indicator", String(1)),
    Column("betos", String(3)),
    Column("type_of_service", String(4)),
    Column("asc_group", String(2)),
    Column("anesthesia_base_units", Integer),
)

# HCPCS Level II modifiers from the CMS file, plus the CPT modifiers coders use daily (numbers and
# short names written for ClaimDesk, never AMA text); `explanation` is ClaimDesk's plain words.
modifier = Table(
    "modifier",
    metadata,
    Column("release_id", ForeignKey("release.id"), primary_key=True),
    Column("code", String(2), primary_key=True),
    Column("system", String(6), nullable=False),  # 'hcpcs' or 'cpt'
    Column("short_description", Text, nullable=False),
    Column("long_description", Text),
    Column("explanation", Text),
    Column("termination_date", Date),
    Column("ncci_associated", Integer, nullable=False, default=0),  # bypasses an NCCI PTP edit with indicator 1
)

# ---------------------------------------------------------------- CPT (only from the user's licensed file)

cpt_code = Table(
    "cpt_code",
    metadata,
    Column("release_id", ForeignKey("release.id"), primary_key=True),
    Column("code", String(5), primary_key=True),
    Column("short_description", Text),
    Column("medium_description", Text),
    Column("long_description", Text),
)

# ---------------------------------------------------------------- Medicare Physician Fee Schedule

mpfs_rvu = Table(
    "mpfs_rvu",
    metadata,
    Column("release_id", ForeignKey("release.id"), primary_key=True),
    Column("code", String(5), primary_key=True),
    Column("modifier", String(2), primary_key=True),  # '' when none
    Column("status", String(1), nullable=False),
    Column("work_rvu", String(12), nullable=False),
    Column("nonfacility_pe_rvu", String(12), nullable=False),
    Column("facility_pe_rvu", String(12), nullable=False),
    Column("mp_rvu", String(12), nullable=False),
    Column("global_days", String(3)),
    Column("pctc", String(1)),
    Column("mult_proc", String(1)),
    Column("bilat_surg", String(1)),
    Column("asst_surg", String(1)),
    Column("co_surg", String(1)),
    Column("team_surg", String(1)),
    Column("conversion_factor", String(12), nullable=False),
    Column("description", Text),  # HCPCS Level II only; blank for CPT (AMA) and D codes (ADA)
)

mpfs_locality = Table(
    "mpfs_locality",
    metadata,
    Column("release_id", ForeignKey("release.id"), primary_key=True),
    Column("mac", String(5), primary_key=True),
    Column("locality", String(2), primary_key=True),
    Column("state", String(2), nullable=False),
    Column("name", Text, nullable=False),
    Column("counties", Text),
    Column("pw_gpci", String(8), nullable=False),
    Column("pe_gpci", String(8), nullable=False),
    Column("mp_gpci", String(8), nullable=False),
)

# ---------------------------------------------------------------- reference lists

place_of_service = Table(
    "place_of_service",
    metadata,
    Column("code", String(2), primary_key=True),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("facility", Integer, nullable=False),  # 1 when Medicare pays the facility rate there
    Column("telehealth", Integer, nullable=False),
    Column("effective_from", Date),
    Column("effective_to", Date),
)

taxonomy = Table(
    "taxonomy",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("grouping", Text, nullable=False),
    Column("classification", Text, nullable=False),
    Column("specialization", Text),
    Column("display_name", Text),
    Column("section", Text),
)

adjustment_reason = Table(
    "adjustment_reason",
    metadata,
    Column("kind", String(4), primary_key=True),  # 'carc' or 'rarc'
    Column("code", String(6), primary_key=True),
    Column("description", Text, nullable=False),
)

# ---------------------------------------------------------------- NCCI edits (imported by the user; never shipped)


class YmdDate(TypeDecorator[dt.date]):
    """A date stored as the integer YYYYMMDD, as CMS writes NCCI dates.

    Four bytes a value instead of ten: the practitioner PTP table holds millions of rows per edition.
    """

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None or isinstance(value, int):
            return value
        return value.year * 10000 + value.month * 100 + value.day

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.date | None:
        if value is None:
            return None
        return dt.date(value // 10000, value // 100 % 100, value % 100)


# The few dozen PTP rationales ('Mutually exclusive procedures', ...), stored once instead of on
# every one of millions of rows.
ncci_rationale = Table(
    "ncci_rationale",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("text", Text, nullable=False, unique=True),
)

# Practitioner procedure-to-procedure edits. A pair can appear more than once with different dates
# (deleted, later added again), hence effective_from in the key. Clustered by its key (WITHOUT
# ROWID), so a lookup by (release, column 1, column 2) reads neighbouring rows and needs no index.
ncci_ptp = Table(
    "ncci_ptp",
    metadata,
    Column("release_id", ForeignKey("release.id"), nullable=False),
    Column("column1", String(5), nullable=False),
    Column("column2", String(5), nullable=False),
    Column("effective_from", YmdDate, nullable=False),
    Column("deleted_on", YmdDate),  # first date the edit no longer applies; None while active
    Column("modifier_indicator", String(1), nullable=False),  # '0' not allowed, '1' allowed, '9' not applicable
    Column("rationale_id", ForeignKey("ncci_rationale.id"), nullable=False),
    PrimaryKeyConstraint("release_id", "column1", "column2", "effective_from"),
    sqlite_with_rowid=False,
)

# Practitioner Services MUE table: most units of a code per line (indicator 1) or per date of service (2, 3).
ncci_mue = Table(
    "ncci_mue",
    metadata,
    Column("release_id", ForeignKey("release.id"), primary_key=True),
    Column("code", String(5), primary_key=True),
    Column("max_units", Integer, nullable=False),
    Column("adjudication_indicator", Integer, nullable=False),  # 1 line, 2 date of service policy, 3 clinical
    Column("rationale", Text, nullable=False),
)

# Add-on code edits: one row per (add-on code, acceptable primary code) with the edit's dates.
# primary_code 'CCCCC' means the Medicare contractor decides the primaries (type 2).
ncci_aoc = Table(
    "ncci_aoc",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("release_id", ForeignKey("release.id"), nullable=False),
    Column("addon_code", String(5), nullable=False),
    Column("primary_code", String(5), nullable=False),
    Column("edit_type", Integer, nullable=False),  # 1, 2 or 3
    Column("effective_from", YmdDate, nullable=False),
    Column("deleted_on", YmdDate),
    Column("notes", Text),  # CMS's special instruction notes, when the file has them
    Index("ix_ncci_aoc_addon", "release_id", "addon_code"),
)

# Tables added after SCHEMA_VERSION 1 shipped: created in older user copies when they are opened.
NCCI_TABLES = (ncci_rationale, ncci_ptp, ncci_mue, ncci_aoc)
