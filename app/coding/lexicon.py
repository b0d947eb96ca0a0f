"""The ICD-10-CM vocabulary the coding assistant matches notes against, loaded once into memory.

It is read through `CodeSetReader`, a small read interface over the code-set database, so the
assistant can be built on the shipped database, a user copy with imported releases, or a test double.
Every Alphabetic Index entry, code description and inclusion term becomes a "term": the stems its
words need (positive) and the ones it says are absent ("without hematuria").
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from app.coding.text import STOPWORDS, stem
from app.domain.codes import icd10cm_display


@dataclass(frozen=True)
class CodeRow:
    code: str  # without the dot: 'E1140'
    description: str
    billable: bool
    parent: str | None
    sex: str | None = None
    age_min: int | None = None
    age_max: int | None = None


@dataclass(frozen=True)
class IndexRow:
    source: str  # index, eindex, drug, neoplasm
    path: str  # 'Diabetes, diabetic > type 2 > with > neuropathy'
    code: str  # resolved code, without the dot


class CodeSetReader(Protocol):
    """What the assistant needs from the code sets (newest ICD-10-CM release and its index)."""

    def icd10cm_codes(self) -> Iterable[CodeRow]: ...

    def icd10cm_inclusions(self) -> Iterable[tuple[str, str]]: ...

    def icd10cm_index(self) -> Iterable[IndexRow]: ...

    def abbreviations(self) -> Mapping[str, tuple[str, list[str]]]: ...


class SqliteCodeSetReader:
    """Reads the code-set database file (read-only) built by `make codesets` or the user's copy of it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)

    def _release(self, conn: sqlite3.Connection, system: str) -> int | None:
        row = conn.execute(
            "SELECT id FROM release WHERE system = ? ORDER BY effective_from DESC, id DESC LIMIT 1", (system,)
        ).fetchone()
        return row[0] if row else None

    def icd10cm_codes(self) -> Iterator[CodeRow]:
        with self._connect() as conn:
            rel = self._release(conn, "icd10cm")
            for code, description, billable, parent, sex, age_min, age_max in conn.execute(
                "SELECT code, description, billable, parent, sex, age_min, age_max FROM icd10cm_code "
                "WHERE release_id = ?",
                (rel,),
            ):
                yield CodeRow(code, description, bool(billable), parent, sex, age_min, age_max)

    def icd10cm_inclusions(self) -> Iterator[tuple[str, str]]:
        with self._connect() as conn:
            rel = self._release(conn, "icd10cm")
            yield from conn.execute(
                "SELECT code, text FROM icd10cm_note WHERE release_id = ? AND kind = 'inclusion'", (rel,)
            )

    def icd10cm_index(self) -> Iterator[IndexRow]:
        with self._connect() as conn:
            rel = self._release(conn, "icd10cm_index")
            for source, path, code in conn.execute(
                "SELECT source, path, resolved_code FROM icd10cm_index WHERE release_id = ? "
                "AND source IN ('index', 'eindex') AND status IN ('valid', 'resolved', 'header') "
                "AND resolved_code IS NOT NULL",
                (rel,),
            ):
                yield IndexRow(source, path, code)

    def abbreviations(self) -> dict[str, tuple[str, list[str]]]:
        table: dict[str, tuple[str, list[str]]] = {}
        with self._connect() as conn:
            try:
                rows = list(
                    conn.execute(
                        "SELECT abbreviation, kind, expansion FROM search_abbreviation ORDER BY abbreviation, seq"
                    )
                )
            except sqlite3.OperationalError:
                rows = []
        for abbr, kind, expansion in rows:
            table.setdefault(abbr, (kind, []))[1].append(expansion)
        if not table:
            from app.codesets.search import default_abbreviations_path, load_abbreviations

            path = default_abbreviations_path()
            if path.exists():
                table = load_abbreviations(path)
        return table


# Words a term may leave unsaid in a note: ICD-10-CM defaults ('primary' osteoarthritis, diabetes
# 'mellitus', 'personal' history) and the 'encounter for' of Z codes.
IMPLIED = frozenset(stem(w) for w in ("mellitus", "primary", "personal", "contact", "encounter"))
# Main-term modifiers after a comma that are the term's usual form, not a requirement ('Fracture, traumatic').
_MAIN_TERM_DEFAULTS = frozenset({"traumatic", "nontraumatic", "essential", "primary", "idiopathic", "simple"})
# Single letters that name something after these words ('vitamin A', 'hepatitis B', 'group B').
_LETTER_AFTER = frozenset({"vitamin", "hepatitis", "group", "type", "class"})
_NEGATORS = frozenset({"without", "not", "no"})
_WORD = re.compile(r"[A-Za-z]+/[A-Za-z]+|[A-Za-z0-9]+(?:\.[0-9]+)?(?:['’]s)?")
_PIECE = re.compile(r"[a-z]+/[a-z]+|[a-z0-9]+(?:\.[0-9]+)?(?:['’]s)?|[,;]")
# Words that name no condition on their own: a one-word term made of one of them is never matched.
_GENERIC = frozenset(
    stem(w)
    for w in (
        "encounter test testing symptom symptoms injection change development plan guidance fit adjustment sleep "
        "action tract contact history condition problem finding findings result care visit follow use drug "
        "therapy treatment complication disease disorder syndrome state admission examination observation "
        "screening counseling procedure supervision lung skin aftercare pathology pathological adult child "
        "female male person patient abnormal normal late long term acute chronic"
    ).split()
)
_EMPTY: frozenset[str] = frozenset()
_OTHER = re.compile(r"\bother\b", re.IGNORECASE)
_PAREN = re.compile(r"\([^)]*\)|\[[^]]*\]")


@dataclass(frozen=True, slots=True)
class Term:
    code: str
    kind: str  # 'index', 'eindex', 'description', 'inclusion'
    label: str  # the index path or text, for the reason
    pos: frozenset[str]
    neg: frozenset[str]  # absent by default ('without hematuria'): never matched when the note affirms them
    absent: frozenset[str] = frozenset()  # must be said absent ('Immunization > not done')
    residual: bool = False  # an 'other ...' code: only when nothing more specific matches


@dataclass(slots=True)
class CodeInfo:
    code: str
    description: str
    billable: bool
    parent: str | None
    sex: str | None
    age_min: int | None
    age_max: int | None

    @property
    def display(self) -> str:
        return icd10cm_display(self.code)


_STEMS: dict[str, str] = {}


def words_of(text: str) -> tuple[list[str], list[str]]:
    """(positive stems, negated stems) of a code-set text: words after 'without' up to a comma are absent.

    Negated stems after 'not'/'no' are marked with a leading '!': the text says they must be absent
    ('Immunization not carried out'), where 'without' names the default ('without hematuria').
    """
    pos: list[str] = []
    neg: list[str] = []
    required = False
    if "(" in text or "[" in text:
        text = _PAREN.sub(" ", text)
    negated = False
    if " including " in text:
        text = text.split(" including ")[0]
    previous: list[str] = []
    for w in _PIECE.findall(text.lower()):
        if w == "," or w == ";":
            negated = False
            continue
        if w == "of" and previous[-2:] == ["foreign", "body"]:
            negated = False  # 'without foreign body of right hand': the site is not negated
        previous.append(w)
        if w in _NEGATORS:
            negated = True
            required = w != "without"
            continue
        if w == "with":
            negated = False
            continue
        if w in STOPWORDS and not (len(w) == 1 and len(previous) > 1 and previous[-2] in _LETTER_AFTER):
            continue
        s = _STEMS.get(w)
        if s is None:
            s = _STEMS[w] = stem(w)
        if negated:
            neg.append("!" + s if required else s)
        else:
            pos.append(s)
    return pos, neg


def _path_variants(path: str) -> list[tuple[list[str], list[str]]]:
    """An index path's stems, once per form of the main term ('Hyperlipemia, hyperlipidemia' names two)."""
    main, *subterms = path.split(" > ")
    first, *forms = [f.strip() for f in main.split(",")]
    heads = [first]
    required: list[str] = []
    for form in forms:
        # 'Diabetes, diabetic' lists forms of one word; 'Injection, traumatic jet' names a kind of it.
        if form[:4].lower() == first[:4].lower():
            heads.append(form)
        elif form.lower() not in _MAIN_TERM_DEFAULTS:
            required.extend(words_of(form)[0])
    rest = " > ".join(subterms)
    out = []
    seen: set[tuple[str, ...]] = set()
    for head in heads[:3]:
        pos, neg = _path_words(" > ".join([head, rest]) if rest else head)
        key = tuple(sorted(pos))
        if key not in seen:
            seen.add(key)
            out.append((pos + required, neg))
    return out


def _path_words(path: str) -> tuple[list[str], list[str]]:
    """An index path's stems: the main term and every subterm."""
    main, *subterms = path.split(" > ")
    pos, neg = words_of(main)
    negate_next = False
    for sub in subterms:
        p, n = words_of(sub)
        if sub.strip().lower().startswith(("without", "not ", "no ")) or negate_next:
            neg.extend(p + n)
            negate_next = not p and not n
            continue
        pos.extend(p)
        neg.extend(n)
    return pos, neg


@dataclass
class Lexicon:
    codes: dict[str, CodeInfo]
    children: dict[str, list[str]]
    terms: list[Term]
    by_key: dict[str, list[int]]
    abbreviations: Mapping[str, tuple[str, list[str]]]
    frequency: dict[str, int] = field(default_factory=dict)
    _words: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict, repr=False)

    def words(self, code: str) -> tuple[frozenset[str], frozenset[str]]:
        """(positive, negated) stems of a code's description, computed when first asked."""
        found = self._words.get(code)
        if found is None:
            pos, neg = words_of(self.codes[code].description)
            found = self._words[code] = (frozenset(pos), frozenset(w.lstrip("!") for w in neg))
        return found

    @classmethod
    def load(cls, reader: CodeSetReader) -> Lexicon:
        codes: dict[str, CodeInfo] = {}
        children: dict[str, list[str]] = {}
        for row in reader.icd10cm_codes():
            codes[row.code] = CodeInfo(
                row.code, row.description, row.billable, row.parent, row.sex, row.age_min, row.age_max
            )
            if row.parent:
                children.setdefault(row.parent, []).append(row.code)
        for kids in children.values():
            kids.sort()

        terms: list[Term] = []
        seen: set[tuple[str, frozenset[str], frozenset[str]]] = set()

        interned: dict[frozenset[str], frozenset[str]] = {_EMPTY: _EMPTY}

        def intern(words: Iterable[str]) -> frozenset[str]:
            found = frozenset(words)
            return interned.setdefault(found, found)

        def add(code: str, kind: str, label: str, pos: Iterable[str], neg: Iterable[str]) -> None:
            p, n = intern(pos), intern(neg)
            if not p or (code, p, n) in seen or (len(p) == 1 and not n and next(iter(p)) in _GENERIC):
                return
            residual = kind in ("description", "inclusion") and bool(_OTHER.search(label))
            if residual and kind == "description":
                return  # 'Other ...' codes are reached through the index, never by their own words
            if kind in ("description", "inclusion") and code[:1] in "VWXY":
                return  # external causes come from the external cause index only
            seen.add((code, p, n))
            required = intern(w.lstrip("!") for w in n if w.startswith("!") or kind in ("index", "eindex"))
            defaults = intern(w for w in n if not w.startswith("!") and kind not in ("index", "eindex"))
            terms.append(Term(code, kind, label, p, defaults, required, residual))

        for info in codes.values():
            if len(info.code) == 7:
                continue  # 7th characters are chosen from the 6-character code by the encounter words
            add(info.code, "description", info.description, *words_of(info.description))
        for code, text in reader.icd10cm_inclusions():
            if code in codes:
                add(code, "inclusion", text, *words_of(text))
        for row in reader.icd10cm_index():
            if row.code not in codes:
                continue
            last = row.path.rsplit(" > ", 1)[-1]
            if " > " in row.path and not any(w not in STOPWORDS for w in _PIECE.findall(_PAREN.sub(" ", last.lower()))):
                continue  # 'Test > specified NEC': the residual entry, nothing in a note names it
            for pos, neg in _path_variants(row.path):
                add(row.code, row.source, row.path, pos, neg)

        frequency: dict[str, int] = {}
        for term in terms:
            for w in term.pos:
                frequency[w] = frequency.get(w, 0) + 1
        by_key: dict[str, list[int]] = {}
        for i, term in enumerate(terms):
            keys = [w for w in term.pos if w not in IMPLIED] or list(term.pos)
            key = min(keys, key=lambda w: (frequency.get(w, 0), w))
            by_key.setdefault(key, []).append(i)
        return cls(codes, children, terms, by_key, reader.abbreviations(), frequency)

    def billable_descendants(self, code: str) -> list[str]:
        out: list[str] = []
        stack = [code]
        while stack:
            c = stack.pop()
            kids = self.children.get(c, [])
            if not kids and self.codes[c].billable:
                out.append(c)
            stack.extend(kids)
        return sorted(out)


def load_lexicon_file(path: Path) -> Lexicon:
    return Lexicon.load(SqliteCodeSetReader(path))
