"""ICD-10-CM from the CDC files: codes, billability, notes, limits and the index, checked by independent readings."""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
import simple_icd_10_cm as sic
from sqlalchemy import func, select

from app.codesets import icd10cm
from app.codesets.icd10cm import IndexResolver, note_refs
from app.domain.codes import icd10cm_display, icd10cm_key
from db.codesets import icd10cm_code, icd10cm_index, icd10cm_note, release

if TYPE_CHECKING:
    from tests.codesets.conftest import IcdDb

Codes = dict[str, dict[str, Any]]  # code without dot -> its icd10cm_code row


def _codes(icd_db: IcdDb, *where: Any) -> Codes:
    rows = icd_db.conn.execute(select(icd10cm_code).where(icd10cm_code.c.release_id == icd_db.tabular_id, *where))
    return {r.code: r._asdict() for r in rows}


@pytest.fixture(scope="module")
def all_codes(icd_db: IcdDb) -> Codes:
    return _codes(icd_db)


def _index_rows(icd_db: IcdDb, *where: Any) -> list[Any]:
    return icd_db.conn.execute(select(icd10cm_index).where(icd10cm_index.c.release_id == icd_db.index_id, *where)).all()


# ---------------------------------------------------------------- codes against independent references


def test_the_codes_are_exactly_those_of_the_cdc_code_list_shipped_with_the_tabular(
    icd_db: IcdDb, all_codes: Codes
) -> None:
    listed = icd_db.tabular_xml.with_name("code-list-April-2026.txt").read_text(encoding="utf-8").split()
    # The list also holds chapter numbers ('1') and section ranges ('A00-A09').
    codes = {c for c in listed if not c.isdigit() and "-" not in c}
    assert len(codes) > 90_000
    assert set(all_codes) == codes


def test_billable_codes_are_exactly_the_leaves_simple_icd_10_cm_finds(all_codes: Codes) -> None:
    leaves = {icd10cm_key(c) for c in sic.get_all_codes() if sic.is_category_or_subcategory(c) and sic.is_leaf(c)}
    billable = {c for c, row in all_codes.items() if row["billable"]}
    assert len(billable) > 70_000
    assert billable == leaves


def test_every_diag_of_the_xml_is_loaded_and_every_other_code_is_a_seventh_character_form(
    icd_db: IcdDb, all_codes: Codes
) -> None:
    text = icd_db.tabular_xml.read_text(encoding="utf-8")
    diag_names = {icd10cm_key(n) for n in re.findall(r"<diag[^>]*>\s*<name>([^<]+)</name>", text)}
    assert len(diag_names) == text.count("<diag>") + text.count("<diag placeholder=")
    assert diag_names <= set(all_codes)
    for code in set(all_codes) - diag_names:
        row = all_codes[code]
        assert row["depth"] == 7 and row["billable"] == 1
        assert code[:6] == row["parent"].ljust(6, "X")
        assert not all_codes[row["parent"]]["billable"]


def test_counts_per_chapter_match_simple_icd_10_cm(all_codes: Codes) -> None:
    theirs = Counter()
    for chapter in [c for c in sic.get_all_codes() if sic.is_chapter(c)]:
        # A section holding one category shares its name ('B10'), so count distinct codes.
        theirs[int(chapter)] = len({d for d in sic.get_descendants(chapter) if sic.is_category_or_subcategory(d)})
    ours = Counter(row["chapter"] for row in all_codes.values())
    assert ours == theirs


# ---------------------------------------------------------------- billability and the 7th character


def test_e11_9_is_billable_and_its_category_e11_is_not(icd_db: IcdDb) -> None:
    e119 = icd10cm.detail(icd_db.conn, icd_db.tabular_id, "E11.9")
    e11 = icd10cm.detail(icd_db.conn, icd_db.tabular_id, "E11")
    assert e119.billable and e119.code == "E11.9" and e119.parent == "E11"
    assert e119.description == "Type 2 diabetes mellitus without complications"
    assert not e11.billable and e11.parent is None
    assert ("E11.9", "Type 2 diabetes mellitus without complications") in e11.children
    assert (e119.valid_from, e119.valid_to, e119.release) == (icd_db.effective_from, icd_db.effective_to, "FY2026")


def test_s52_521a_is_billable_and_s52_521_only_names_the_codes_that_take_a_seventh_character(icd_db: IcdDb) -> None:
    code = icd10cm.detail(icd_db.conn, icd_db.tabular_id, "S52.521A")
    stem = icd10cm.detail(icd_db.conn, icd_db.tabular_id, "S52521")
    assert code.billable and code.parent == "S52.521"
    assert code.description == "Torus fracture of lower end of right radius, initial encounter for closed fracture"
    assert not stem.billable
    assert [c for c, _d in stem.children] == ["S52.521A", "S52.521D", "S52.521G", "S52.521K", "S52.521P", "S52.521S"]


def test_a_subcategory_seventh_character_list_overrides_the_one_on_its_category(icd_db: IcdDb) -> None:
    """S52 lists the open-fracture characters; the torus fractures of S52.52 are closed and list fewer."""
    torus = dict(icd10cm.detail(icd_db.conn, icd_db.tabular_id, "S52.521").seventh_characters)
    colles = dict(icd10cm.detail(icd_db.conn, icd_db.tabular_id, "S52.531").seventh_characters)
    assert torus == {
        "A": "initial encounter for closed fracture",
        "D": "subsequent encounter for fracture with routine healing",
        "G": "subsequent encounter for fracture with delayed healing",
        "K": "subsequent encounter for fracture with nonunion",
        "P": "subsequent encounter for fracture with malunion",
        "S": "sequela",
    }
    assert set("ABCDEFGHJKMNPQRS") == set(colles)
    assert colles["M"] == "subsequent encounter for open fracture type I or II with nonunion"
    assert colles["B"].startswith("initial encounter for open fracture type I or II")
    assert sic.get_seven_chr_def("S52.521", search_in_ancestors=True).keys() == torus.keys()


def test_a_seventh_character_code_offers_its_siblings_and_a_plain_code_offers_none(icd_db: IcdDb) -> None:
    assert dict(icd10cm.detail(icd_db.conn, icd_db.tabular_id, "S52.521A").seventh_characters)["S"] == "sequela"
    assert icd10cm.detail(icd_db.conn, icd_db.tabular_id, "E11.9").seventh_characters == ()
    assert icd10cm.detail(icd_db.conn, icd_db.tabular_id, "S52").seventh_characters == ()


def test_placeholder_x_fills_short_codes_to_six_characters_before_the_seventh(all_codes: Codes) -> None:
    assert {"X58XXXA", "X58XXXD", "X58XXXS"} <= set(all_codes)
    assert all_codes["T8140XA"]["display"] == "T81.40XA" and all_codes["T8140XA"]["billable"]
    assert all_codes["T39011A"]["billable"] and "T3901XA" not in all_codes


def test_death_before_regaining_consciousness_takes_only_the_initial_encounter(all_codes: Codes) -> None:
    assert "S061X7A" in all_codes and "S061X8A" in all_codes
    assert not {"S061X7D", "S061X7S", "S061X8D", "S061X8S"} & set(all_codes)
    assert {"S061X1A", "S061X1D", "S061X1S"} <= set(all_codes)


def test_a_code_that_does_not_exist_has_no_detail(icd_db: IcdDb) -> None:
    assert icd10cm.detail(icd_db.conn, icd_db.tabular_id, "E11.99") is None


# ---------------------------------------------------------------- notes


def test_e11_excludes1_names_type_1_diabetes_and_its_codes_inherit_it(icd_db: IcdDb) -> None:
    notes = icd10cm.detail(icd_db.conn, icd_db.tabular_id, "E11.9").notes
    type1 = [n for n in notes if n.kind == "excludes1" and n.text == "type 1 diabetes mellitus (E10.-)"]
    assert len(type1) == 1 and type1[0].from_code == "E11" and type1[0].refs == ("E10",)
    own = [n for n in notes if n.from_code == "E11.9" and n.kind == "excludes1"]
    assert own and own[0].refs == ("E11A",)


def test_e11_asks_for_an_additional_code_for_insulin_use(icd_db: IcdDb) -> None:
    notes = icd10cm.detail(icd_db.conn, icd_db.tabular_id, "E11.40").notes
    additional = [n for n in notes if n.kind == "use_additional" and n.from_code == "E11"]
    assert "code to identify control using:" in [n.text for n in additional]
    insulin = [n for n in additional if n.text == "insulin (Z79.4)"]
    assert len(insulin) == 1 and insulin[0].refs == ("Z794",)


def test_a_manifestation_code_says_which_code_to_sequence_first(icd_db: IcdDb) -> None:
    notes = icd10cm.detail(icd_db.conn, icd_db.tabular_id, "G63").notes
    first = {n.text: n.refs for n in notes if n.kind == "code_first"}
    assert first["amyloidosis (E85.-)"] == ("E85",)
    assert first["endocrine disease, except diabetes (E00-E07, E15-E16, E20-E34)"] == ("E00-E07", "E15-E16", "E20-E34")


def test_includes_and_inclusion_terms_stay_on_the_code_they_are_written_on(icd_db: IcdDb) -> None:
    e11 = icd10cm.detail(icd_db.conn, icd_db.tabular_id, "E11").notes
    e119 = icd10cm.detail(icd_db.conn, icd_db.tabular_id, "E11.9").notes
    assert "diabetes NOS" in [n.text for n in e11 if n.kind == "includes"]
    assert not [n for n in e119 if n.kind in ("includes", "inclusion") and n.from_code != "E11.9"]


def test_section_and_chapter_notes_reach_the_codes_beneath_them(icd_db: IcdDb) -> None:
    notes = icd10cm.detail(icd_db.conn, icd_db.tabular_id, "S52.521A").notes
    assert ("excludes2", "S50-S59", ("T20-T32",)) in [(n.kind, n.from_code, n.refs) for n in notes]
    assert any(n.from_code == "Chapter 19" and n.kind == "use_additional" and n.refs == ("Z18",) for n in notes)


def test_notes_are_loaded_for_every_note_element_of_the_xml(icd_db: IcdDb) -> None:
    text = icd_db.tabular_xml.read_text(encoding="utf-8")
    body = text[text.index("<chapter>") :]  # the introduction's notes describe conventions, not codes
    counts = dict(
        icd_db.conn.execute(
            select(icd10cm_note.c.kind, func.count())
            .where(icd10cm_note.c.release_id == icd_db.tabular_id)
            .group_by(icd10cm_note.c.kind)
        ).all()
    )
    assert counts["seven_char_def"] == body.count("<extension ")
    assert counts["seven_char_note"] == body.count("<sevenChrNote>")
    notes_in_xml = body.count("<note>")
    in_seven_char_defs = sum(part.count("<note>") for part in re.findall(r"<sevenChrDef>.*?</sevenChrDef>", body, re.S))
    assert sum(counts.values()) - counts["seven_char_def"] == notes_in_xml - in_seven_char_defs


def test_note_refs_keep_ranges_and_ignore_words_that_only_look_like_codes() -> None:
    known = {"D51", "O00", "O9A", "E10", "S020", "S021"}
    assert note_refs("vitamin B12 deficiency anemia (D51.-), type 1 (E10.-)", known) == "D51 E10"
    assert note_refs("pregnancy (O00-O9A)", known) == "O00-O9A"
    assert note_refs("fracture of skull (S02.0-, S02.1-)", known) == "S020 S021"
    assert note_refs("certain localized infections - see body system-related chapters", known) is None


# ---------------------------------------------------------------- age and sex


def test_pregnancy_codes_are_for_women_aged_12_to_55(all_codes: Codes) -> None:
    o_codes = [row for code, row in all_codes.items() if code.startswith("O")]
    assert len(o_codes) > 2_000
    assert {(r["sex"], r["age_min"], r["age_max"], r["chapter"]) for r in o_codes} == {("F", 12, 55, 15)}
    assert "Chapter 15" in o_codes[0]["age_rule"]


def test_perinatal_codes_are_for_newborn_records_only(icd_db: IcdDb, all_codes: Codes) -> None:
    p_codes = [row for code, row in all_codes.items() if code.startswith("P")]
    assert p_codes and {(r["age_max"], r["chapter"]) for r in p_codes} == {(0, 16)}
    assert icd10cm.detail(icd_db.conn, icd_db.tabular_id, "P07.30").age_max == 0
    assert all_codes["Z3800"]["age_max"] == 0


def test_sex_limits_agree_with_the_section_titles_that_name_a_sex(icd_db: IcdDb, all_codes: Codes) -> None:
    for chapter in range(1, 23):
        for section_id, title in icd10cm.sections(icd_db.conn, icd_db.tabular_id, chapter):
            lowered = title.lower()
            expected = "F" if ("female" in lowered or "pregnancy" in lowered) else "M" if "male " in lowered else None
            if expected is None or "newborn" in lowered:
                continue
            sexes = {row["sex"] for row in all_codes.values() if row["section_id"] == section_id}
            assert sexes == {expected}, (section_id, title)


def test_codes_for_either_sex_carry_no_limit(icd_db: IcdDb) -> None:
    for code in ("E11.9", "C50.911", "C50.921", "N39.0", "J45.909"):
        found = icd10cm.detail(icd_db.conn, icd_db.tabular_id, code)
        assert found.sex is None and found.age_min is None and found.age_max is None, code
    assert icd10cm.detail(icd_db.conn, icd_db.tabular_id, "N40.0").sex == "M"
    assert icd10cm.detail(icd_db.conn, icd_db.tabular_id, "N81.2").sex == "F"


def test_every_age_and_sex_rule_starts_and_ends_on_a_code_that_exists(all_codes: Codes) -> None:
    for rule in icd10cm.PATIENT_LIMITS:
        assert rule.first in all_codes and rule.last in all_codes, rule
        assert len(rule.first) == len(rule.last) and rule.first <= rule.last, rule
        assert rule.sex in (None, "M", "F") and rule.reason


# ---------------------------------------------------------------- the tree


def test_the_tree_runs_from_chapters_through_sections_and_categories_to_codes(icd_db: IcdDb) -> None:
    found = icd10cm.chapters(icd_db.conn, icd_db.tabular_id)
    assert len(found) == 22
    assert found[3] == (4, "Endocrine, nutritional and metabolic diseases", "E00-E89")
    assert ("E08-E13", "Diabetes mellitus") in icd10cm.sections(icd_db.conn, icd_db.tabular_id, 4)
    assert [c for c, _d, _b in icd10cm.categories(icd_db.conn, icd_db.tabular_id, "E08-E13")] == [
        "E08",
        "E09",
        "E10",
        "E11",
        "E13",
    ]
    assert ("E11.40", "Type 2 diabetes mellitus with diabetic neuropathy, unspecified", True) in icd10cm.children(
        icd_db.conn, icd_db.tabular_id, "E11.4"
    )
    detail = icd10cm.detail(icd_db.conn, icd_db.tabular_id, "E11.40")
    assert detail.chapter == "Chapter 4: Endocrine, nutritional and metabolic diseases (E00-E89)"
    assert detail.section == "E08-E13: Diabetes mellitus"


def test_every_section_of_the_xml_is_in_the_tree(icd_db: IcdDb) -> None:
    text = icd_db.tabular_xml.read_text(encoding="utf-8")
    in_xml = re.findall(r'<section id="([^"]+)"', text)
    ours = [s for chapter in range(1, 23) for s, _t in icd10cm.sections(icd_db.conn, icd_db.tabular_id, chapter)]
    assert sorted(ours) == sorted(in_xml)


# ---------------------------------------------------------------- releases


def test_each_load_records_a_release_with_the_files_checksum(icd_db: IcdDb) -> None:
    rows = {r.system: r for r in icd_db.conn.execute(select(release))}
    tabular, index = rows["icd10cm"], rows["icd10cm_index"]
    assert tabular.id == icd_db.tabular_id and tabular.name == "FY2026" and tabular.origin == "shipped"
    assert tabular.checksum == hashlib.sha256(icd_db.tabular_xml.read_bytes()).hexdigest()
    assert index.id == icd_db.index_id and index.name == "FY2025"
    assert (index.effective_from, index.effective_to) == (icd_db.effective_from, icd_db.effective_to)
    assert len(index.checksum) == 64 and tabular.loaded_at is not None


# ---------------------------------------------------------------- the index and tables


def test_the_index_leads_from_type_2_diabetes_with_neuropathy_to_e11_40(icd_db: IcdDb) -> None:
    entries = icd10cm.index_entries_for(icd_db.conn, icd_db.index_id, "E11.40")
    paths = {e.path: e for e in entries}
    entry = paths["Diabetes, diabetic > type 2 > with > neuropathy"]
    assert (entry.source, entry.code, entry.resolved_code, entry.status) == ("index", "E11.40", "E11.40", "valid")


def test_the_drug_table_gives_t39_1x1_for_accidental_acetaminophen_poisoning(icd_db: IcdDb) -> None:
    rows = _index_rows(icd_db, icd10cm_index.c.source == "drug", icd10cm_index.c.path == "Acetaminophen")
    by_column = {r.column: r for r in rows}
    assert set(by_column) == {
        "Poisoning Accidental (unintentional)",
        "Poisoning Intentional self-harm",
        "Poisoning Assault",
        "Poisoning Undetermined",
        "Adverse effect",
        "Underdosing",
    }
    accidental = by_column["Poisoning Accidental (unintentional)"]
    # The table stops at six characters: the coder adds the 7th (T39.1X1A), so the entry is a header.
    assert (accidental.code, accidental.resolved_code, accidental.status) == ("T39.1X1", "T391X1", "header")
    assert by_column["Adverse effect"].code == "T39.1X5"


def test_the_drug_table_has_one_entry_per_filled_cell(icd_db: IcdDb) -> None:
    text = (icd_db.index_dir / "icd-10-cm-drug-2025.xml").read_text(encoding="utf-8")
    cells = re.findall(r'<cell col="[2-7]">([^<]*)</cell>', text)
    filled = [c for c in cells if c.strip().strip("-")]
    ours = icd_db.conn.execute(
        select(func.count()).where(
            icd10cm_index.c.release_id == icd_db.index_id,
            icd10cm_index.c.source == "drug",
            icd10cm_index.c.code.is_not(None),
        )
    ).scalar_one()
    assert ours == len(filled)


def test_the_neoplasm_table_keeps_its_columns(icd_db: IcdDb) -> None:
    rows = _index_rows(
        icd_db, icd10cm_index.c.source == "neoplasm", icd10cm_index.c.path == "Neoplasm, neoplastic > breast"
    )
    by_column = {r.column: (r.code, r.status) for r in rows}
    assert by_column["Malignant Primary"] == ("C50.9-", "header")
    assert by_column["Malignant Secondary"] == ("C79.81", "valid")
    assert by_column["Unspecified Behavior"] == ("D49.3", "valid")


def test_the_external_cause_index_reads_nested_terms(icd_db: IcdDb) -> None:
    rows = _index_rows(
        icd_db,
        icd10cm_index.c.source == "eindex",
        icd10cm_index.c.path == "Accident > boat, boating > striking swimmer > powered",
    )
    assert [(r.code, r.level, r.main_term) for r in rows] == [("V94.11", 3, "Accident")]


def test_the_alphabetic_index_keeps_every_csv_row_with_its_full_path(icd_db: IcdDb) -> None:
    with open(icd_db.index_dir / "derived" / "ICD10CM_2025_Index.csv", encoding="utf-8", newline="") as fh:
        source = list(csv.DictReader(fh))
    rows = _index_rows(icd_db, icd10cm_index.c.source == "index")
    assert len(rows) == len(source) == 81_024
    assert [r.code for r in rows] == [s["Code"] or None for s in source]
    assert all(r.path.split(" > ")[-1] == s["Term"].strip() for r, s in zip(rows, source, strict=True))


def test_index_entries_without_a_code_keep_their_see_reference(icd_db: IcdDb) -> None:
    rows = _index_rows(icd_db, icd10cm_index.c.source == "index", icd10cm_index.c.path == "Abandonment")
    assert [(r.status, r.see, r.resolved_code) for r in rows] == [("none", "Maltreatment", None)]


def test_dashed_index_codes_point_at_their_header(icd_db: IcdDb) -> None:
    rows = _index_rows(icd_db, icd10cm_index.c.code == "I63.-")
    assert rows and {(r.resolved_code, r.status) for r in rows} == {("I63", "header")}


def test_index_statuses_agree_with_simple_icd_10_cm(icd_db: IcdDb) -> None:
    """valid = a leaf, header = a code with children; a code the tabular lacks is never valid."""
    mismatched = []
    for r in _index_rows(icd_db, icd10cm_index.c.code.is_not(None)):
        written = icd10cm_display(icd10cm_key(r.code).rstrip("-").rstrip("."))
        if not sic.is_valid_item(written):
            expected = {"resolved", "invalid"}
        else:
            expected = {"valid"} if sic.is_leaf(written) else {"header"}
        if r.status not in expected:
            mismatched.append((r.path, r.code, r.status))
    assert mismatched == []


def test_an_fy2025_code_split_in_fy2026_is_never_offered_as_valid(icd_db: IcdDb) -> None:
    """B88.0 (acariasis) was a billable code in FY2025; FY2026 gives it children."""
    assert not sic.is_leaf("B88.0")
    rows = _index_rows(icd_db, icd10cm_index.c.code == "B88.0")
    assert rows and {(r.status, r.resolved_code) for r in rows} == {("header", "B880")}
    assert [c for c, _d, _b in icd10cm.children(icd_db.conn, icd_db.tabular_id, "B88.0")] == ["B88.01", "B88.09"]


def test_the_resolver_maps_a_missing_code_to_its_one_billable_extension_or_to_nothing() -> None:
    resolver = IndexResolver({"A10": False, "A101": True, "B20": False, "B201": True, "B209": True, "C30": True})
    assert resolver.resolve("A10.-") == ("A10", "header")
    assert resolver.resolve("C30") == ("C30", "valid")
    assert resolver.resolve("A1") == ("A101", "resolved")  # the only billable code beneath it
    assert resolver.resolve("B2") == (None, "invalid")  # two candidates: the coder must choose
    assert resolver.resolve("D99.9") == (None, "invalid")
    assert resolver.resolve(None) == (None, "none")


def test_index_rows_are_counted_by_status(icd_db: IcdDb) -> None:
    counts = dict(
        icd_db.conn.execute(
            select(icd10cm_index.c.status, func.count())
            .where(icd10cm_index.c.release_id == icd_db.index_id)
            .group_by(icd10cm_index.c.status)
        ).all()
    )
    print(f"\nindex rows by status: {counts}; load seconds: {icd_db.seconds}")
    assert counts["valid"] > 50_000 and counts["header"] > 50_000 and counts["none"] > 15_000
    assert set(counts) <= {"valid", "header", "resolved", "invalid", "none"}
