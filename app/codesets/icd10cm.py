"""ICD-10-CM: load the CDC tabular XML and the index files into the code-set database, and read them back.

Where the tabular's structure is stored (keys are codes without the dot, as on claims):

- every chapter, section, category, subcategory and code, plus the 7-character codes expanded from
  each `sevenChrDef` (the nearest definition on the code or an ancestor wins; `X` fills positions 4-6);
- notes on codes keyed by the code; notes on a section keyed by its range written in full
  (`E08-E13`, `B10-B10`, never a code because of the dash); notes on a chapter keyed `CH01`..`CH22`
  (a code's second character is always a digit);
- age and sex limits as data: `PATIENT_LIMITS` below, each with the words the coder sees.

The index (a year older than the tabular) is resolved against one tabular release when loaded:
`valid`, `header`, `resolved` (the one billable code the old code became), `invalid` or `none`.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import importlib.util
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from app.codesets.reference import add_release, file_checksum, insert_batches
from app.domain.codes import CodeDetail, CodeNote, icd10cm_display, icd10cm_key
from app.errors import ResourceError, ValidationError
from db.codesets import icd10cm_chapter, icd10cm_code, icd10cm_index, icd10cm_note, icd10cm_section, release

SYSTEM = "icd10cm"
INDEX_SYSTEM = "icd10cm_index"
PACKAGED_TABULAR = "icd10c-tabular-April-1-2026.xml"  # inside PyPI simple-icd-10-cm 1.5.0


@dataclass(frozen=True)
class PatientLimit:
    """Codes from `first` to `last` (compared on as many characters as they have) are for one sex or age."""

    first: str
    last: str
    sex: str | None
    age_min: int | None
    age_max: int | None
    reason: str


# Age and sex limits, in the spirit of the CMS Medicare Code Editor but only where the tabular itself
# says so: a chapter, section or category title (or chapter note) that names the sex or the newborn.
# Ranges compare code prefixes without dots ('D070'..'D073' covers D07.0-D07.3 and their children).
# A code inside several ranges takes the sex and ages of each.
PATIENT_LIMITS: tuple[PatientLimit, ...] = (
    PatientLimit("O00", "O9A", "F", 12, 55, "Chapter 15: maternity (pregnancy, childbirth, puerperium), ages 12-55"),
    PatientLimit("P00", "P96", None, None, 0, "Chapter 16: perinatal, newborn record only"),
    PatientLimit("Z38", "Z38", None, None, 0, "Z38 liveborn infant: newborn record only"),
    PatientLimit("Z05", "Z05", None, None, 0, "Z05 observation and evaluation of newborn"),
    PatientLimit("Z0011", "Z0011", None, None, 0, "Z00.11 newborn health examination"),
    # Female
    PatientLimit("C51", "C58", "F", None, None, "C51-C58: malignant neoplasms of female genital organs"),
    PatientLimit("D06", "D06", "F", None, None, "D06: carcinoma in situ of cervix uteri"),
    PatientLimit("D070", "D073", "F", None, None, "D07.0-D07.3: carcinoma in situ of female genital organs"),
    PatientLimit("D25", "D28", "F", None, None, "D25-D28: benign neoplasms of uterus, ovary and female genital organs"),
    PatientLimit("D39", "D39", "F", None, None, "D39: neoplasm of uncertain behavior of female genital organs"),
    PatientLimit("E28", "E28", "F", None, None, "E28: ovarian dysfunction"),
    PatientLimit("N70", "N98", "F", None, None, "N70-N98: diseases of female pelvic organs and genital tract"),
    PatientLimit("Q50", "Q52", "F", None, None, "Q50-Q52: congenital malformations of female genital organs"),
    PatientLimit("R87", "R87", "F", None, None, "R87: abnormal findings in specimens from female genital organs"),
    PatientLimit("Z014", "Z014", "F", None, None, "Z01.4: gynecological examination"),
    PatientLimit("Z124", "Z124", "F", None, None, "Z12.4: screening for malignant neoplasm of cervix"),
    PatientLimit("Z33", "Z34", "F", None, None, "Z33-Z34: pregnant state, supervision of normal pregnancy"),
    PatientLimit("Z36", "Z37", "F", None, None, "Z36-Z37: antenatal screening of mother, outcome of delivery"),
    PatientLimit("Z39", "Z39", "F", None, None, "Z39: maternal postpartum care"),
    PatientLimit("Z3A", "Z3A", "F", None, None, "Z3A: weeks of gestation (maternal record)"),
    PatientLimit("Z8741", "Z8742", "F", None, None, "Z87.41-Z87.42: history of diseases of the female genital tract"),
    # Male
    PatientLimit("C60", "C63", "M", None, None, "C60-C63: malignant neoplasms of male genital organs"),
    PatientLimit("D074", "D076", "M", None, None, "D07.4-D07.6: carcinoma in situ of male genital organs"),
    PatientLimit("D29", "D29", "M", None, None, "D29: benign neoplasm of male genital organs"),
    PatientLimit("D40", "D40", "M", None, None, "D40: neoplasm of uncertain behavior of male genital organs"),
    PatientLimit("E29", "E29", "M", None, None, "E29: testicular dysfunction"),
    PatientLimit("N40", "N53", "M", None, None, "N40-N53: diseases of male genital organs"),
    PatientLimit("Q53", "Q55", "M", None, None, "Q53-Q55: congenital malformations of male genital organs"),
    PatientLimit("R86", "R86", "M", None, None, "R86: abnormal findings in specimens from male genital organs"),
    PatientLimit("R972", "R972", "M", None, None, "R97.2: elevated prostate specific antigen"),
    PatientLimit("Z125", "Z125", "M", None, None, "Z12.5: screening for malignant neoplasm of prostate"),
    PatientLimit("Z412", "Z412", "M", None, None, "Z41.2: routine and ritual male circumcision"),
    PatientLimit("Z8743", "Z8743", "M", None, None, "Z87.43: history of diseases of male genital organs"),
)


@dataclass(frozen=True)
class SeventhCharacterException:
    """A tabular rule, written only in a note, that withholds some 7th characters from some codes."""

    category: str
    sixth: str  # the 6th characters the rule is about
    withheld: str  # the 7th characters those codes do not take
    note: str


# Written in the tabular as a note, not as XML structure; the CDC code list agrees (no S06.1X7D).
SEVENTH_CHARACTER_EXCEPTIONS: tuple[SeventhCharacterException, ...] = (
    SeventhCharacterException(
        "S06",
        "78",
        "DS",
        "7th characters D and S do not apply to codes in category S06 with 6th character 7 - death due to "
        "brain injury prior to regaining consciousness, or 8 - death due to other cause prior to regaining "
        "consciousness.",
    ),
)

NOTE_KINDS = {
    "inclusionTerm": "inclusion",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "useAdditionalCode": "use_additional",
    "codeAlso": "code_also",
    "notes": "note",
    "sevenChrNote": "seven_char_note",
}
# Notes a code inherits from its ancestors, section and chapter; includes and inclusion terms describe
# only the code they are written on, and 7th-character values come through `seventh_characters`.
NOT_INHERITED = frozenset({"inclusion", "includes", "seven_char_def"})

_SPAN = re.compile(r"\s*\(([A-Z0-9]{3})(?:-([A-Z0-9]{3}))?\)\s*$")
_CODE = r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?"
_REF = re.compile(rf"(?<![A-Za-z0-9.])({_CODE})(\.?-)?(?:\s?-\s?({_CODE}))?(?![A-Za-z0-9])")
_BATCH = 20_000


def packaged_tabular() -> Path:
    """The FY2026 tabular XML shipped inside simple-icd-10-cm, found without importing (and parsing) it."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.origin:
        raise ResourceError("The simple-icd-10-cm package is not installed; it carries the ICD-10-CM tabular XML.")
    return Path(spec.origin).parent / "data" / PACKAGED_TABULAR


def chapter_note_key(number: int) -> str:
    return f"CH{number:02d}"


def section_note_key(section_id: str) -> str:
    return section_id if "-" in section_id else f"{section_id}-{section_id}"


# ====================================================================== tabular


@dataclass
class _Tabular:
    """What one pass over the tabular XML collects, before it is written."""

    release_id: int
    chapters: list[dict[str, Any]]
    sections: list[dict[str, Any]]
    codes: list[dict[str, Any]]
    notes: list[dict[str, Any]]  # 'refs' still raw text until the known codes are all read


def load_tabular(
    conn: Connection,
    xml_path: Path,
    name: str,
    effective_from: dt.date,
    effective_to: dt.date | None,
    origin: str,
    source: str,
) -> int:
    """Load one CDC ICD-10-CM tabular XML as a release; returns the new release id."""
    xml_path = Path(xml_path)
    try:
        root = ET.parse(xml_path).getroot()
    except ET.ParseError as exc:
        raise ValidationError(f"{xml_path.name}: not well-formed XML ({exc})") from exc
    except OSError as exc:
        raise ValidationError(f"{xml_path}: cannot read the file: {exc}") from exc
    if root.tag != "ICD10CM.tabular":
        raise ValidationError(f"{xml_path.name}: root element is <{root.tag}>, expected <ICD10CM.tabular>")

    release_id, created = add_release(
        conn,
        system=SYSTEM,
        name=name,
        effective_from=effective_from,
        effective_to=effective_to,
        source=source,
        checksum=file_checksum(xml_path),
        origin=origin,
    )
    if not created:
        return release_id  # the same file under the same name: already loaded
    tab = _Tabular(release_id, [], [], [], [])
    for chapter in root.iter("chapter"):
        _read_chapter(tab, chapter, xml_path.name)
    known = {row["code"] for row in tab.codes}
    for note in tab.notes:
        note["refs"] = note_refs(note["refs"], known) if note["kind"] != "seven_char_def" else note["refs"]

    insert_batches(conn, icd10cm_chapter, tab.chapters)
    insert_batches(conn, icd10cm_section, tab.sections)
    insert_batches(conn, icd10cm_code, tab.codes)
    insert_batches(conn, icd10cm_note, tab.notes)
    return release_id


def _read_chapter(tab: _Tabular, chapter: ET.Element, file_name: str) -> None:
    number_text = _text(chapter.find("name"))
    if not number_text.isdigit():
        raise ValidationError(f"{file_name}: chapter <name> is {number_text!r}, expected a chapter number")
    number = int(number_text)
    title, first, last = _split_span(_text(chapter.find("desc")))
    sections = chapter.findall("section")
    if not sections:
        raise ValidationError(f"{file_name}: chapter {number} has no sections")
    first = first or sections[0].get("id", "").split("-")[0]
    last = last or sections[-1].get("id", "").split("-")[-1]
    tab.chapters.append(
        {"release_id": tab.release_id, "number": number, "title": title, "first_code": first, "last_code": last}
    )
    _read_notes(tab, chapter, chapter_note_key(number))
    for section in sections:
        section_id = section.get("id") or ""
        if not section_id:
            raise ValidationError(f"{file_name}: a section of chapter {number} has no id attribute")
        section_title, _f, _l = _split_span(_text(section.find("desc")))
        tab.sections.append(
            {"release_id": tab.release_id, "section_id": section_id, "chapter": number, "title": section_title}
        )
        _read_notes(tab, section, section_note_key(section_id))
        for diag in section.findall("diag"):
            _read_diag(tab, diag, None, number, section_id, None, file_name)


def _read_diag(
    tab: _Tabular,
    diag: ET.Element,
    parent: str | None,
    chapter: int,
    section_id: str,
    seventh: dict[str, str] | None,
    file_name: str,
) -> None:
    key = icd10cm_key(_text(diag.find("name")))
    description = _text(diag.find("desc"))
    if not key or not description:
        raise ValidationError(f"{file_name}: a <diag> under {parent or section_id} lacks a <name> or <desc>")
    own = _read_notes(tab, diag, key)
    scope = own if own else seventh
    children = diag.findall("diag")
    takes_seventh = not children and scope is not None
    tab.codes.append(
        _code_row(tab.release_id, key, description, not children and not takes_seventh, parent, chapter, section_id)
    )
    for child in children:
        _read_diag(tab, child, key, chapter, section_id, scope, file_name)
    if takes_seventh:
        assert scope is not None
        if len(key) >= 7:
            raise ValidationError(f"{file_name}: {icd10cm_display(key)} already has 7 characters but takes a 7th")
        stem = key.ljust(6, "X")
        for char, meaning in scope.items():
            if _withheld(key, char):
                continue
            tab.codes.append(
                _code_row(tab.release_id, stem + char, f"{description}, {meaning}", True, key, chapter, section_id)
            )


def _withheld(key: str, char: str) -> bool:
    return any(
        key.startswith(rule.category) and len(key) >= 6 and key[5] in rule.sixth and char in rule.withheld
        for rule in SEVENTH_CHARACTER_EXCEPTIONS
    )


def _code_row(
    release_id: int, key: str, description: str, billable: bool, parent: str | None, chapter: int, section_id: str
) -> dict[str, Any]:
    sex, age_min, age_max, age_rule = patient_limits(key)
    return {
        "release_id": release_id,
        "code": key,
        "display": icd10cm_display(key),
        "description": description,
        "billable": int(billable),
        "parent": parent,
        "chapter": chapter,
        "section_id": section_id,
        "depth": len(key),
        "sex": sex,
        "age_min": age_min,
        "age_max": age_max,
        "age_rule": age_rule,
    }


def patient_limits(key: str) -> tuple[str | None, int | None, int | None, str | None]:
    """(sex, age_min, age_max, reason) for a code from `PATIENT_LIMITS`."""
    sex = age_min = age_max = None
    reasons: list[str] = []
    for rule in PATIENT_LIMITS:
        prefix = key[: len(rule.first)]
        if len(prefix) == len(rule.first) and rule.first <= prefix <= rule.last:
            sex = rule.sex or sex
            age_min = rule.age_min if rule.age_min is not None else age_min
            age_max = rule.age_max if rule.age_max is not None else age_max
            reasons.append(rule.reason)
    return sex, age_min, age_max, ("; ".join(reasons) or None)


def _read_notes(tab: _Tabular, element: ET.Element, key: str) -> dict[str, str] | None:
    """Append the element's notes; returns its 7th-character definition, if it has one."""
    seq = 0
    seventh: dict[str, str] | None = None
    for child in element:
        kind = NOTE_KINDS.get(child.tag)
        if kind is not None:
            for note in child.findall("note"):
                text = _text(note)
                if text:
                    seq += 1
                    tab.notes.append(
                        {
                            "release_id": tab.release_id,
                            "code": key,
                            "kind": kind,
                            "seq": seq,
                            "text": text,
                            "refs": text,
                        }
                    )
        elif child.tag == "sevenChrDef":
            seventh = _seventh_definition(child)
            meanings = dict(seventh)
            # A <note> after an <extension> adds words to that character (e.g. 'open fracture NOS').
            last = None
            for part in child:
                if part.tag == "extension":
                    last = part.get("char")
                elif part.tag == "note" and last is not None and _text(part):
                    meanings[last] = f"{meanings[last]} / {_text(part)}"
            for char, meaning in meanings.items():
                seq += 1
                tab.notes.append(
                    {
                        "release_id": tab.release_id,
                        "code": key,
                        "kind": "seven_char_def",
                        "seq": seq,
                        "text": meaning,
                        "refs": char,
                    }
                )
    return seventh


def _seventh_definition(element: ET.Element) -> dict[str, str]:
    return {ext.get("char", "").strip(): _text(ext) for ext in element.findall("extension") if ext.get("char")}


def note_refs(text: str, known: set[str] | frozenset[str]) -> str | None:
    """Codes and ranges a note names, without dots ('E10 Z794', 'O00-O9A'); only codes that exist count."""
    found: list[str] = []
    for first, _dash, last in _REF.findall(text):
        a = icd10cm_key(first)
        if a not in known:
            continue
        if last:
            b = icd10cm_key(last)
            if b not in known:
                continue
            ref = f"{a}-{b}"
        else:
            ref = a
        if ref not in found:
            found.append(ref)
    return " ".join(found) or None


def _split_span(desc: str) -> tuple[str, str | None, str | None]:
    """'Diabetes mellitus (E08-E13)' -> ('Diabetes mellitus', 'E08', 'E13')."""
    match = _SPAN.search(desc)
    if not match:
        return desc, None, None
    return desc[: match.start()].strip(), match.group(1), match.group(2) or match.group(1)


# ====================================================================== index and tables


@dataclass(frozen=True)
class IndexEntry:
    """One index term that leads to a code: where it came from and how it was resolved."""

    source: str  # index, drug, neoplasm, eindex
    path: str
    column: str | None
    code: str | None  # as the index writes it ('E11.-', 'T39.1X1')
    resolved_code: str | None  # display form ('E11.40') of the code valid in the tabular release
    status: str
    see: str | None = None
    see_also: str | None = None
    nonessential: str | None = None


class IndexResolver:
    """Resolves the codes an index writes against one tabular release (its codes held in memory)."""

    def __init__(self, billable: dict[str, bool]) -> None:
        self.billable = billable  # code without dot -> billable
        self.ordered = sorted(billable)

    def resolve(self, written: str | None) -> tuple[str | None, str]:
        """(resolved code without dot, status) for a code as the index writes it ('E11.-', 'T39.1X1')."""
        if not written:
            return None, "none"
        key = icd10cm_key(written).rstrip("-").rstrip(".")
        if key in self.billable:
            return key, "valid" if self.billable[key] else "header"
        found = [c for c in self._extensions(key) if self.billable[c]]
        return (found[0], "resolved") if len(found) == 1 else (None, "invalid")

    def _extensions(self, key: str) -> Iterator[str]:
        at = bisect.bisect_right(self.ordered, key)
        while at < len(self.ordered) and self.ordered[at].startswith(key):
            yield self.ordered[at]
            at += 1


def index_files(index_dir: Path) -> dict[str, Path]:
    """The four index files in a folder, whatever fiscal year their names carry."""
    patterns = {
        "index": "derived/ICD10CM_*_Index.csv",
        "drug": "icd-10-cm-drug-*.xml",
        "neoplasm": "icd-10-cm-neoplasm-*.xml",
        "eindex": "icd-10-cm-eindex-*.xml",
    }
    found: dict[str, Path] = {}
    for source, pattern in patterns.items():
        matches = sorted(Path(index_dir).glob(pattern))
        if len(matches) != 1:
            raise ResourceError(f"{index_dir}: expected one file matching {pattern}, found {len(matches)}")
        found[source] = matches[0]
    return found


def load_index(conn: Connection, index_dir: Path, tabular_release_id: int, name: str, source: str) -> int:
    """Load the Alphabetic Index, Drug and Neoplasm tables and External Cause index, resolved against a tabular.

    The index release carries the effective dates and origin of the tabular release it was resolved
    against, because its `resolved_code` and `status` hold only for that release.
    """
    files = index_files(index_dir)
    tabular = conn.execute(select(release).where(release.c.id == tabular_release_id)).first()
    if tabular is None or tabular.system != SYSTEM:
        raise ValidationError(f"release {tabular_release_id} is not an ICD-10-CM tabular release")
    rows = conn.execute(
        select(icd10cm_code.c.code, icd10cm_code.c.billable).where(icd10cm_code.c.release_id == tabular_release_id)
    ).all()
    resolver = IndexResolver({r.code: bool(r.billable) for r in rows})
    release_id, created = add_release(
        conn,
        system=INDEX_SYSTEM,
        name=name,
        effective_from=tabular.effective_from,
        effective_to=tabular.effective_to,
        source=source,
        checksum=file_checksum(*files.values()),
        origin=tabular.origin,
    )
    if not created:
        return release_id

    def finish(entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for entry in entries:
            entry["resolved_code"], entry["status"] = resolver.resolve(entry["code"])
            entry["release_id"] = release_id
            yield entry

    insert_batches(conn, icd10cm_index, finish(_read_index_csv(files["index"])))
    for kind in ("drug", "neoplasm", "eindex"):
        insert_batches(conn, icd10cm_index, finish(_read_index_xml(files[kind], kind)))
    return release_id


def _entry(
    source: str,
    path: list[str],
    column: str | None,
    code: str | None,
    see: str | None,
    see_also: str | None,
    nonessential: str | None,
) -> dict[str, Any]:
    return {
        "source": source,
        "main_term": path[0],
        "path": " > ".join(path),
        "level": len(path) - 1,
        "column": column,
        "code": code,
        "see": see or None,
        "see_also": see_also or None,
        "nonessential": nonessential or None,
    }


def _read_index_csv(path: Path) -> Iterator[dict[str, Any]]:
    """The flattened Alphabetic Index: each row's Level places it under the last row one level up."""
    stack: list[str] = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        expected = {"RowID", "Level", "Term", "See", "SeeAlso", "NonEssModif", "Code"}
        if not reader.fieldnames or not expected <= set(reader.fieldnames):
            raise ValidationError(f"{path.name}: columns {reader.fieldnames}, expected at least {sorted(expected)}")
        for line, row in enumerate(reader, start=2):
            try:
                level = int(row["Level"])
            except ValueError as exc:
                raise ValidationError(f"{path.name} line {line}: Level {row['Level']!r} is not a number") from exc
            if level > len(stack):
                raise ValidationError(f"{path.name} line {line}: level {level} follows level {len(stack) - 1}")
            stack[level:] = [row["Term"].strip()]
            code = row["Code"].strip() or None
            yield _entry(
                "index", list(stack), None, code, row["See"].strip(), row["SeeAlso"].strip(), row["NonEssModif"].strip()
            )


def _read_index_xml(path: Path, source: str) -> Iterator[dict[str, Any]]:
    """The Drug and Neoplasm tables (one entry per filled column) and the External Cause index."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ValidationError(f"{path.name}: not well-formed XML ({exc})") from exc
    headings = {h.get("col"): _text(h) for h in root.iter("head")}
    for letter in root.findall("letter"):
        for main in letter.findall("mainTerm"):
            yield from _read_term(main, [], headings, source)


def _read_term(
    term: ET.Element, above: list[str], headings: dict[str | None, str], source: str
) -> Iterator[dict[str, Any]]:
    title = term.find("title")
    words, nonessential = _title_parts(title)
    extra = [_text(m) for m in term.findall("manif")]
    nonessential = " ".join(part for part in [nonessential, *extra] if part)
    path = [*above, words]
    see = "; ".join(_text(e) for e in term.findall("see")) or None
    see_also = "; ".join(_text(e) for e in term.findall("seeAlso")) or None
    written: list[tuple[str | None, str]] = []
    for cell in term.findall("cell"):
        value = _text(cell)
        if value and value.strip("-"):
            written.append((headings.get(cell.get("col")), value))
    for tag in ("code", "subcat", "seecat"):
        written.extend((None, _text(e)) for e in term.findall(tag) if _text(e))
    if not written:
        yield _entry(source, path, None, None, see, see_also, nonessential)
    for column, code in written:
        yield _entry(source, path, column, code, see, see_also, nonessential)
    for child in term.findall("term"):
        yield from _read_term(child, path, headings, source)


def _title_parts(title: ET.Element | None) -> tuple[str, str]:
    """'Abandonment<nemod>(with intent)</nemod> NEC' -> ('Abandonment NEC', '(with intent)')."""
    if title is None:
        return "", ""
    words = [title.text or ""]
    nonessential = []
    for child in title:
        if child.tag == "nemod":
            nonessential.append(_text(child))
        else:
            words.append(_text(child))
        words.append(child.tail or "")
    return " ".join(" ".join(words).split()), " ".join(nonessential)


# ====================================================================== queries


def detail(conn: Connection, release_id: int, code: str) -> CodeDetail | None:
    """Everything a coder reads about one code: notes of the code and those it inherits, limits, 7th characters."""
    key = icd10cm_key(code)
    row = conn.execute(
        select(icd10cm_code).where(icd10cm_code.c.release_id == release_id, icd10cm_code.c.code == key)
    ).first()
    if row is None:
        return None
    rel = conn.execute(
        select(release.c.name, release.c.effective_from, release.c.effective_to).where(release.c.id == release_id)
    ).one()
    chapter = conn.execute(
        select(icd10cm_chapter).where(
            icd10cm_chapter.c.release_id == release_id, icd10cm_chapter.c.number == row.chapter
        )
    ).first()
    section = conn.execute(
        select(icd10cm_section.c.title).where(
            icd10cm_section.c.release_id == release_id, icd10cm_section.c.section_id == row.section_id
        )
    ).scalar()
    kids = children(conn, release_id, key) if not row.billable else []

    ancestors = [key[:n] for n in range(len(key) - 1, 2, -1)]  # nearest first
    owners = [key, *ancestors, section_note_key(row.section_id), chapter_note_key(row.chapter)]
    shown = {
        key: row.display,
        **{a: icd10cm_display(a) for a in ancestors},
        owners[-2]: row.section_id,
        owners[-1]: f"Chapter {row.chapter}",
    }
    by_owner: dict[str, list[Any]] = {}
    for note in conn.execute(
        select(icd10cm_note)
        .where(icd10cm_note.c.release_id == release_id, icd10cm_note.c.code.in_(owners))
        .order_by(icd10cm_note.c.code, icd10cm_note.c.seq)
    ):
        by_owner.setdefault(note.code, []).append(note)

    notes: list[CodeNote] = []
    seventh: tuple[tuple[str, str], ...] = ()
    for owner in owners:
        for note in by_owner.get(owner, ()):
            if note.kind == "seven_char_def":
                continue
            if owner == key or note.kind not in NOT_INHERITED:
                notes.append(CodeNote(note.kind, note.text, shown[owner], tuple((note.refs or "").split())))
    if _takes_seventh(row, key, kids):
        for owner in owners:
            defs = [n for n in by_owner.get(owner, ()) if n.kind == "seven_char_def"]
            if defs:
                seventh = tuple((n.refs, n.text) for n in defs)
                break

    return CodeDetail(
        code=row.display,
        system=SYSTEM,
        description=row.description,
        billable=bool(row.billable),
        release=rel.name,
        valid_from=rel.effective_from,
        valid_to=rel.effective_to,
        parent=icd10cm_display(row.parent) if row.parent else None,
        children=tuple((c, d) for c, d, _b in kids),
        notes=tuple(notes),
        chapter=f"Chapter {chapter.number}: {chapter.title} ({chapter.first_code}-{chapter.last_code})"
        if chapter
        else None,
        section=f"{row.section_id}: {section}" if section else None,
        sex=row.sex,
        age_min=row.age_min,
        age_max=row.age_max,
        seventh_characters=seventh,
        attributes={"Age/sex limit": row.age_rule} if row.age_rule else {},
    )


def _takes_seventh(row: Any, key: str, kids: list[tuple[str, str, bool]]) -> bool:
    """A code whose children are its 7th-character forms, or one of those 7-character codes."""
    if row.depth == 7:
        return row.parent is not None and key.startswith(row.parent.ljust(6, "X"))
    stem = key.ljust(6, "X")
    return bool(kids) and all(len(icd10cm_key(c)) == 7 and icd10cm_key(c).startswith(stem) for c, _d, _b in kids)


def children(conn: Connection, release_id: int, code: str) -> list[tuple[str, str, bool]]:
    """(display, description, billable) of a code's children, in code order."""
    rows = conn.execute(
        select(icd10cm_code.c.code, icd10cm_code.c.display, icd10cm_code.c.description, icd10cm_code.c.billable).where(
            icd10cm_code.c.release_id == release_id, icd10cm_code.c.parent == icd10cm_key(code)
        )
    )
    # Sorted here: an ORDER BY on code leads SQLite to walk the primary key instead of the parent index.
    return [(r.display, r.description, bool(r.billable)) for r in sorted(rows, key=lambda r: r.code)]


def chapters(conn: Connection, release_id: int) -> list[tuple[int, str, str]]:
    """(number, title, 'A00-B99') for each chapter."""
    rows = conn.execute(
        select(icd10cm_chapter).where(icd10cm_chapter.c.release_id == release_id).order_by(icd10cm_chapter.c.number)
    )
    return [(r.number, r.title, f"{r.first_code}-{r.last_code}") for r in rows]


def sections(conn: Connection, release_id: int, chapter: int) -> list[tuple[str, str]]:
    """(section id, title) for each section of a chapter, in code order."""
    rows = conn.execute(
        select(icd10cm_section.c.section_id, icd10cm_section.c.title)
        .where(icd10cm_section.c.release_id == release_id, icd10cm_section.c.chapter == chapter)
        .order_by(icd10cm_section.c.section_id)
    )
    return [(r.section_id, r.title) for r in rows]


def categories(conn: Connection, release_id: int, section_id: str) -> list[tuple[str, str, bool]]:
    """(display, description, billable) of the 3-character categories in a section."""
    rows = conn.execute(
        select(icd10cm_code.c.code, icd10cm_code.c.display, icd10cm_code.c.description, icd10cm_code.c.billable).where(
            icd10cm_code.c.release_id == release_id,
            icd10cm_code.c.parent.is_(None),
            icd10cm_code.c.section_id == section_id,
        )
    )
    return [(r.display, r.description, bool(r.billable)) for r in sorted(rows, key=lambda r: r.code)]


def index_entries_for(conn: Connection, index_release_id: int, code: str) -> list[IndexEntry]:
    """The index and table entries that lead to a code (after resolution against the tabular)."""
    key = icd10cm_key(code)
    rows = conn.execute(
        select(icd10cm_index)
        .where(icd10cm_index.c.resolved_code == key, icd10cm_index.c.release_id == index_release_id)
        .order_by(icd10cm_index.c.id)
    )
    return [
        IndexEntry(
            r.source,
            r.path,
            r.column,
            r.code,
            icd10cm_display(r.resolved_code) if r.resolved_code else None,
            r.status,
            r.see,
            r.see_also,
            r.nonessential,
        )
        for r in rows
    ]


# ====================================================================== shared


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""
