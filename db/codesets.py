"""The code-set database: official code sets by release, separate from any practice database.

ClaimDesk ships one built from the official sources (`make codesets`, read-only in `resources/`);
on first use it is copied to the user's data folder, where imports of newer releases (ICD-10-CM
FY2027, a later HCPCS quarter, the user's licensed CPT file) are added beside the shipped ones.
Older releases are kept so older dates of service are checked against the codes valid then.

Exact numbers (RVUs, GPCIs, the conversion factor) are stored as TEXT and read as Decimal.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
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
# mpfs, pos, taxonomy, carc, rarc. effective_to is inclusive (FY2026: 2025-10-01 .. 2026-09-30).
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
