"""Code search at keyboard speed: an FTS5 index over descriptions, inclusion terms and the ICD-10-CM index."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.codes import SearchHit
from app.paths import resource

# How documents are ranked. Rowids in the FTS table are assigned in order of a static score, so a
# query reads its matches best-first and stops after a few hundred rows, whatever the match count.
# Every document matched by the same query matches all of its words, so what is left to rank is
# which kind of text matched (index path > description > inclusion term) and how many other words
# the text has (shorter is more specific).
_KIND_WEIGHT = {
    "index": 3.0,
    "table": 2.3,  # Table of Drugs / Neoplasms: its column words (poisoning, adverse effect) make it long
    "code": 2.6,
    "hcpcs": 2.6,
    "cpt": 2.6,
    "short": 2.4,
    "inclusion": 2.0,
}
# An index entry matched through its nonessential modifiers ("Infection > urinary (tract)") is as
# good as any other entry of its length, less a little.
_NONESSENTIAL_COST = 0.1
_BILLABLE_BONUS = 0.5
_EXTRA_WORD_COST = 0.15
# Most claims for an injury or poisoning are for the initial encounter; other 7th characters
# ('D' subsequent, 'S' sequela, ...) stay findable but rank below it.
_LATER_ENCOUNTER_COST = 0.6

_STOPWORDS = frozenset(
    "a an and as at by for from in into is of on or the to with due nos nec other unspecified specified".split()
)
# Words a coder leaves out of a query; they never count as query words that must match.
_QUERY_STOPWORDS = frozenset("a an and as at by for from in into is of on or the to with".split())

_WORD = re.compile(r"[a-z0-9]+")
_QUERY_TOKEN = re.compile(r"[a-z0-9]+(?:/[a-z0-9]+)?")
_ICD_OR_HCPCS_CODE = re.compile(r"^[A-Z][0-9][0-9A-Z]{0,5}$")
_CPT_CODE = re.compile(r"^[0-9]{3,4}[0-9A-Z]?$")

_SYSTEM_TAG = {"icd10cm": "sysicd", "hcpcs": "syshcpcs", "cpt": "syscpt"}
_SOURCE_LABEL = {
    "index": "index",
    "drug": "drug table",
    "neoplasm": "neoplasm table",
    "eindex": "external cause index",
}
_MAX_TYPO_ALTERNATIVES = 3
_MIN_TYPO_LENGTH = 4


def _fold(text: str) -> str:
    """Lower case without accents, the same folding FTS5's unicode61 tokenizer applies."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _content_word_count(text: str) -> int:
    return len({w for w in _words(text) if w not in _STOPWORDS})


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or transposition."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        i, j = diffs if len(diffs) == 2 else (0, 0)
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def _raw_connection(conn: Any) -> sqlite3.Connection:
    """The sqlite3 connection behind a DB-API or SQLAlchemy connection (the same transaction)."""
    if isinstance(conn, sqlite3.Connection):
        return conn
    dbapi = getattr(conn, "connection", None)  # SQLAlchemy Connection -> pool proxy
    driver = getattr(dbapi, "driver_connection", None)
    if isinstance(driver, sqlite3.Connection):
        return driver
    raise TypeError(f"expected a sqlite3 or SQLAlchemy SQLite connection, got {type(conn).__name__}")


def default_abbreviations_path() -> Path:
    return resource("reference", "abbreviations", "coder_abbreviations.json")


def load_abbreviations(path: Path) -> dict[str, tuple[str, list[str]]]:
    """The coder's shorthand: lower-case word -> ('abbreviation' or 'synonym', expansions (phrases))."""
    data = json.loads(path.read_text(encoding="utf-8"))
    table: dict[str, tuple[str, list[str]]] = {}
    for kind, key in (("abbreviation", "abbreviations"), ("synonym", "synonyms")):
        for entry in data.get(key, []):
            table[entry["word" if kind == "synonym" else "abbreviation"].lower()] = (
                kind,
                [e.lower() for e in entry["expansions"]],
            )
    return table


# ---------------------------------------------------------------- build


_SCHEMA = """
DROP TABLE IF EXISTS search_fts;
DROP TABLE IF EXISTS search_doc;
DROP TABLE IF EXISTS search_code;
DROP TABLE IF EXISTS search_vocab;
DROP TABLE IF EXISTS search_vocab_delete;
DROP TABLE IF EXISTS search_abbreviation;
CREATE TABLE search_doc (
    id INTEGER PRIMARY KEY,
    release_id INTEGER NOT NULL,
    system TEXT NOT NULL,
    code TEXT NOT NULL,
    display TEXT NOT NULL,
    description TEXT NOT NULL,
    billable INTEGER NOT NULL,
    kind TEXT NOT NULL,
    why TEXT NOT NULL,
    score REAL NOT NULL
);
CREATE VIRTUAL TABLE search_fts USING fts5(body, tags, content='', tokenize='porter unicode61');
CREATE TABLE search_code (
    code TEXT NOT NULL,
    system TEXT NOT NULL,
    release_id INTEGER NOT NULL,
    display TEXT NOT NULL,
    description TEXT NOT NULL,
    billable INTEGER NOT NULL,
    PRIMARY KEY (code, system, release_id)
) WITHOUT ROWID;
CREATE TABLE search_vocab (word TEXT PRIMARY KEY, freq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE search_vocab_delete (variant TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (variant, word)) WITHOUT ROWID;
CREATE TABLE search_abbreviation (abbreviation TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
    expansion TEXT NOT NULL, PRIMARY KEY (abbreviation, seq)) WITHOUT ROWID;
"""


@dataclass
class _Doc:
    release_id: int
    system: str
    code: str
    display: str
    description: str
    billable: bool
    kind: str
    why: str
    body: str
    essential: str  # the words that count toward the text's length (nonessential modifiers do not)
    later_encounter: bool = False
    nonessential: bool = False
    score: float = field(init=False, default=0.0)

    def rank(self) -> None:
        self.score = (
            _KIND_WEIGHT[self.kind]
            - (_NONESSENTIAL_COST if self.nonessential else 0.0)
            + (_BILLABLE_BONUS if self.billable else 0.0)
            - _EXTRA_WORD_COST * _content_word_count(self.essential)
            - (_LATER_ENCOUNTER_COST if self.later_encounter else 0.0)
        )


def _releases(raw: sqlite3.Connection, system: str) -> list[tuple[int, str]]:
    return list(
        raw.execute("SELECT id, effective_from FROM release WHERE system = ? ORDER BY effective_from, id", (system,))
    )


def _icd_docs(raw: sqlite3.Connection) -> Iterable[_Doc]:
    index_releases = _releases(raw, "icd10cm_index")
    for release_id, _from in _releases(raw, "icd10cm"):
        codes: dict[str, tuple[str, str, bool, int]] = {}
        children: dict[str, list[str]] = {}
        for code, display, description, billable, parent, depth in raw.execute(
            "SELECT code, display, description, billable, parent, depth FROM icd10cm_code WHERE release_id = ?",
            (release_id,),
        ):
            codes[code] = (display, description, bool(billable), depth)
            if parent:
                children.setdefault(parent, []).append(code)
        for code, (display, description, billable, depth) in codes.items():
            later = depth == 7 and not code.endswith("A")
            yield _Doc(
                release_id,
                "icd10cm",
                code,
                display,
                description,
                billable,
                "code",
                "description",
                description,
                description,
                later,
            )
        for code, text in raw.execute(
            "SELECT code, text FROM icd10cm_note WHERE release_id = ? AND kind = 'inclusion'", (release_id,)
        ):
            if code in codes:
                display, description, billable, depth = codes[code]
                yield _Doc(
                    release_id,
                    "icd10cm",
                    code,
                    display,
                    description,
                    billable,
                    "inclusion",
                    f"inclusion term: {text}",
                    text,
                    text,
                    depth == 7 and not code.endswith("A"),
                )
        if not index_releases:
            continue
        # The index release in force for this tabular: the newest one that starts no later.
        candidates = [r for r, f in index_releases if f <= _from] or [index_releases[-1][0]]
        index_release = candidates[-1]
        for source, path, column, resolved, nonessential in raw.execute(
            'SELECT source, path, "column", resolved_code, nonessential FROM icd10cm_index '
            "WHERE release_id = ? AND status NOT IN ('invalid', 'none') AND resolved_code IS NOT NULL",
            (index_release,),
        ):
            entry = codes.get(resolved)
            if entry is None:  # not a code in this tabular release: never offered
                continue
            display, description, billable, depth = entry
            kind = "table" if source in ("drug", "neoplasm") else "index"
            label = f"{_SOURCE_LABEL.get(source, source)}: {path}" + (f" [{column}]" if column else "")
            essential = path.replace(" > ", " ") + (f" {column}" if column else "")
            targets = [(resolved, display, description, billable, label)]
            # An entry that stops one character short of a 7th-character code (T39.1X1, W19): offer
            # the initial-encounter code too, the one a coder picks for a first visit.
            kids = children.get(resolved, [])
            if not billable and kids and all(len(k) == 7 for k in kids):
                initial = next((k for k in sorted(kids) if k.endswith("A")), None)
                if initial is not None:
                    i_display, i_description, i_billable, _ = codes[initial]
                    targets.insert(
                        0,
                        (
                            initial,
                            i_display,
                            i_description,
                            i_billable,
                            f"{label} + 7th character A (initial encounter)",
                        ),
                    )
            later = depth == 7 and not resolved.endswith("A")
            for code, t_display, t_description, t_billable, why in targets:
                yield _Doc(
                    release_id,
                    "icd10cm",
                    code,
                    t_display,
                    t_description,
                    t_billable,
                    kind,
                    why,
                    essential,
                    essential,
                    later,
                )
                if nonessential:
                    body = f"{essential} {nonessential}"
                    yield _Doc(
                        release_id,
                        "icd10cm",
                        code,
                        t_display,
                        t_description,
                        t_billable,
                        kind,
                        f"{why} {nonessential}",
                        body,
                        body,
                        later,
                        nonessential=True,
                    )
        yield from _see_docs(raw, index_release, release_id, codes)


def _see_key(parts: Iterable[str]) -> str:
    """'Fracture, traumatic > radius > lower end' and the reference 'Fracture, radius, lower end' alike."""
    return "|".join(" ".join(_words(p)) for p in parts if _words(p))


def _path_key(path: str) -> str:
    main, *subterms = path.split(" > ")
    return _see_key([main.split(",")[0], *(piece for sub in subterms for piece in sub.split(","))])


def _see_docs(
    raw: sqlite3.Connection, index_release: int, release_id: int, codes: dict[str, tuple[str, str, bool, int]]
) -> Iterable[_Doc]:
    """Index entries that only say 'see ...' (Shingles - see Herpes, zoster), followed to the code."""
    targets: dict[str, str] = {}
    for path, resolved in raw.execute(
        "SELECT path, resolved_code FROM icd10cm_index WHERE release_id = ? AND source = 'index' "
        "AND status NOT IN ('invalid', 'none') AND resolved_code IS NOT NULL ORDER BY id",
        (index_release,),
    ):
        targets.setdefault(_path_key(path), resolved)
    for path, see in raw.execute(
        "SELECT path, see FROM icd10cm_index WHERE release_id = ? AND source = 'index' "
        "AND status = 'none' AND see IS NOT NULL",
        (index_release,),
    ):
        resolved = targets.get(_see_key(see.split(",")))
        entry = codes.get(resolved) if resolved else None
        if entry is None:
            continue
        display, description, billable, _depth = entry
        essential = path.replace(" > ", " ")
        yield _Doc(
            release_id,
            "icd10cm",
            resolved,
            display,
            description,
            billable,
            "index",
            f"index: {path}, see {see}",
            essential,
            essential,
        )


def _hcpcs_docs(raw: sqlite3.Connection) -> Iterable[_Doc]:
    for release_id, effective_from in _releases(raw, "hcpcs"):
        for code, long_description, short_description in raw.execute(
            "SELECT code, long_description, short_description FROM hcpcs_code WHERE release_id = ? "
            "AND (termination_date IS NULL OR termination_date >= ?)",
            (release_id, effective_from),
        ):
            yield _Doc(
                release_id,
                "hcpcs",
                code,
                code,
                long_description,
                True,
                "hcpcs",
                "description",
                long_description,
                long_description,
            )
            if short_description:
                yield _Doc(
                    release_id,
                    "hcpcs",
                    code,
                    code,
                    long_description,
                    True,
                    "short",
                    f"short description: {short_description}",
                    short_description,
                    short_description,
                )


def _cpt_docs(raw: sqlite3.Connection) -> Iterable[_Doc]:
    for release_id, _from in _releases(raw, "cpt"):
        for code, short, medium, long_ in raw.execute(
            "SELECT code, short_description, medium_description, long_description FROM cpt_code WHERE release_id = ?",
            (release_id,),
        ):
            description = long_ or medium or short or ""
            for text, why in ((long_, "description"), (short, f"short description: {short}")):
                if text:
                    kind = "cpt" if why == "description" else "short"
                    yield _Doc(release_id, "cpt", code, code, description, True, kind, why, text, text)


def build_search_index(conn: Any, abbreviations_path: Path | None = None) -> None:
    """(Re)build the search tables from the loaded code sets, in the caller's transaction.

    Run after the loaders at code-set build time and after every import. Indexes every release;
    `CodeSearcher` picks which ones to search.
    """
    raw = _raw_connection(conn)
    for statement in _SCHEMA.strip().split(";"):
        if statement.strip():
            raw.execute(statement)

    docs = [*_icd_docs(raw), *_hcpcs_docs(raw), *_cpt_docs(raw)]
    for doc in docs:
        doc.rank()
    docs.sort(key=lambda d: (-d.score, d.system, d.code, d.kind))
    raw.executemany(
        "INSERT INTO search_doc (id, release_id, system, code, display, description, billable, kind, why, score) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                i,
                d.release_id,
                d.system,
                d.code,
                d.display,
                d.description,
                int(d.billable),
                d.kind,
                d.why,
                round(d.score, 4),
            )
            for i, d in enumerate(docs, start=1)
        ),
    )
    raw.executemany(
        "INSERT INTO search_fts (rowid, body, tags) VALUES (?, ?, ?)",
        ((i, d.body, _SYSTEM_TAG[d.system]) for i, d in enumerate(docs, start=1)),
    )
    raw.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")

    _build_code_table(raw)

    abbreviations = load_abbreviations(abbreviations_path or default_abbreviations_path())
    raw.executemany(
        "INSERT INTO search_abbreviation (abbreviation, seq, kind, expansion) VALUES (?, ?, ?, ?)",
        (
            (abbr, seq, kind, expansion)
            for abbr, (kind, expansions) in abbreviations.items()
            for seq, expansion in enumerate(expansions)
        ),
    )

    freq: dict[str, int] = {}
    for doc in docs:
        for word in set(_words(doc.body)):
            freq[word] = freq.get(word, 0) + 1
    raw.executemany("INSERT INTO search_vocab (word, freq) VALUES (?, ?)", freq.items())
    raw.executemany(
        "INSERT OR IGNORE INTO search_vocab_delete (variant, word) VALUES (?, ?)",
        (
            (variant, word)
            for word in freq
            if len(word) >= _MIN_TYPO_LENGTH and not word.isdigit()
            for variant in (word, *_deletes(word))
        ),
    )


def _build_code_table(raw: sqlite3.Connection) -> None:
    raw.execute(
        "INSERT INTO search_code (code, system, release_id, display, description, billable) "
        "SELECT code, 'icd10cm', release_id, display, description, billable FROM icd10cm_code"
    )
    raw.execute(
        "INSERT INTO search_code (code, system, release_id, display, description, billable) "
        "SELECT h.code, 'hcpcs', h.release_id, h.code, h.long_description, 1 FROM hcpcs_code h "
        "JOIN release r ON r.id = h.release_id "
        "WHERE h.termination_date IS NULL OR h.termination_date >= r.effective_from"
    )
    raw.execute(
        "INSERT INTO search_code (code, system, release_id, display, description, billable) "
        "SELECT code, 'cpt', release_id, code, "
        "COALESCE(long_description, medium_description, short_description, ''), 1 "
        "FROM cpt_code"
    )


# ---------------------------------------------------------------- search


@dataclass(frozen=True)
class _Alternative:
    terms: tuple[str, ...]  # all must match
    prefix: bool = False  # the last term may be the start of a word

    def expression(self) -> str:
        parts = [f'"{t}"' for t in self.terms]
        if self.prefix:
            parts[-1] += "*"
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


@dataclass
class _Group:
    """One query word and the texts that stand for it (stems come from the tokenizer)."""

    word: str
    alternatives: list[_Alternative]
    notes: list[str] = field(default_factory=list)

    def expression(self) -> str:
        exprs = list(dict.fromkeys(a.expression() for a in self.alternatives))
        return exprs[0] if len(exprs) == 1 else "(" + " OR ".join(exprs) + ")"


class CodeSearcher:
    """Answers a coder's query from the search tables; keep one per read connection."""

    _MATCH_SQL = (
        "SELECT d.code, d.system, d.display, d.description, d.billable, d.why, d.score "
        "FROM search_fts JOIN search_doc d ON d.id = search_fts.rowid "
        "WHERE search_fts MATCH ? {release_filter} ORDER BY search_fts.rowid LIMIT ?"
    )

    def __init__(self, conn: Any, release_ids: Sequence[int] | None = None) -> None:
        self._raw = _raw_connection(conn)
        if release_ids is None:
            release_ids = self.newest_release_ids(self._raw)
        self.release_ids = tuple(sorted(set(release_ids)))
        ids = ",".join(str(int(r)) for r in self.release_ids) or "NULL"
        all_ids = {r for (r,) in self._raw.execute("SELECT DISTINCT release_id FROM search_doc")}
        release_filter = "" if all_ids <= set(self.release_ids) else f"AND d.release_id IN ({ids})"
        self._match_sql = self._MATCH_SQL.format(release_filter=release_filter)
        self._code_sql = (
            "SELECT code, system, display, description, billable FROM search_code "
            f"WHERE code >= ? AND code < ? AND system = ? AND release_id IN ({ids}) AND billable = ? "
            "ORDER BY code LIMIT ?"
        )
        self._exact_sql = (
            "SELECT code, system, display, description, billable FROM search_code "
            f"WHERE code = ? AND release_id IN ({ids})"
        )
        self._abbreviations: dict[str, tuple[str, list[str]]] = {}
        for abbr, kind, expansion in self._raw.execute(
            "SELECT abbreviation, kind, expansion FROM search_abbreviation ORDER BY abbreviation, seq"
        ):
            self._abbreviations.setdefault(abbr, (kind, []))[1].append(expansion)

    @staticmethod
    def newest_release_ids(conn: Any) -> list[int]:
        """The newest release of each searchable system (ICD-10-CM tabular, HCPCS, CPT)."""
        raw = _raw_connection(conn)
        ids = []
        for system in ("icd10cm", "hcpcs", "cpt"):
            row = raw.execute(
                "SELECT id FROM release WHERE system = ? ORDER BY effective_from DESC, id DESC LIMIT 1", (system,)
            ).fetchone()
            if row:
                ids.append(row[0])
        return ids

    # ------------------------------------------------------------ public

    def search(self, query: str, system: str = "all", limit: int = 20) -> list[SearchHit]:
        """The codes that best answer `query`, billable ones first within each level of match."""
        if limit <= 0 or system not in ("all", *_SYSTEM_TAG):
            return []
        text = _fold(query).strip()
        if not text:
            return []
        hits: dict[tuple[str, str], SearchHit] = {}

        tokens = _QUERY_TOKEN.findall(text)
        compact = re.sub(r"[\s.]", "", query).upper()
        if len(tokens) <= 2 and (_ICD_OR_HCPCS_CODE.match(compact) or _CPT_CODE.match(compact)):
            code_hits = self._code_hits(compact, system, limit)
            if code_hits:  # a query that reads as a code is a code ('b12' is not one, so it is words)
                return code_hits

        groups = self._groups(tokens, complete=query[-1:].isspace())
        if not groups:
            return list(hits.values())[:limit]
        tag = "" if system == "all" else f"tags : {_SYSTEM_TAG[system]} AND "
        tiers: list[tuple[list[_Group], str]] = [(groups, "")]
        if len(groups) >= 2:
            for i, dropped in enumerate(groups):
                tiers.append((groups[:i] + groups[i + 1 :], f"; not matched: {dropped.word}"))
        for level, (tier_groups, suffix) in enumerate(tiers):
            if len(hits) >= limit:
                break
            expression = tag + " AND ".join(g.expression() for g in tier_groups)
            notes = [n for g in tier_groups for n in g.notes]
            found = self._match(expression, limit * 6, notes, suffix, level)
            tier = [h for h in found if (h.system, h.code) not in hits]
            tier.sort(key=lambda h: not h.billable)  # stable: billable first within the level
            for hit in tier:
                hits.setdefault((hit.system, hit.code), hit)
        return list(hits.values())[:limit]

    # ------------------------------------------------------------ parts

    def _code_hits(self, compact: str, system: str, limit: int) -> list[SearchHit]:
        rows = list(self._raw.execute(self._exact_sql, (compact,)))
        exact = {(r[1], r[0]) for r in rows}
        # Exact code, then billable codes (ICD-10-CM before HCPCS and CPT, whose codes can share
        # the first characters: E11.6 and E1160), then headers.
        for billable in (1, 0):
            for sys_ in _SYSTEM_TAG:
                if system not in ("all", sys_):
                    continue
                for row in self._raw.execute(self._code_sql, (compact, compact + "~", sys_, billable, limit + 1)):
                    if (row[1], row[0]) not in exact:
                        rows.append(row)
        hits = []
        for code, sys_, display, description, billable in rows:
            if system not in ("all", sys_):
                continue
            why = "code" if code == compact else "code prefix"
            hits.append(SearchHit(display, sys_, description, bool(billable), why, 10.0 if why == "code" else 9.0))
        return hits[:limit]

    def _match(self, expression: str, limit: int, notes: list[str], suffix: str, level: int) -> list[SearchHit]:
        try:
            rows = self._raw.execute(self._match_sql, (expression, limit)).fetchall()
        except sqlite3.OperationalError:  # a query FTS5 cannot parse is a query with no answer
            return []
        seen: set[tuple[str, str]] = set()
        hits = []
        for code, sys_, display, description, billable, why, score in rows:
            if (sys_, code) in seen:
                continue
            seen.add((sys_, code))
            shown = f"{why} {description}".lower()
            why_text = why + "".join(f"; {n}" for n in notes if n.split(" ", 2)[1].lower() not in shown) + suffix
            hits.append(
                SearchHit(
                    display if sys_ == "icd10cm" else code,
                    sys_,
                    description,
                    bool(billable),
                    why_text,
                    round(score - 2.0 * level, 4),
                )
            )
        return hits

    def _groups(self, tokens: list[str], complete: bool) -> list[_Group]:
        groups: list[_Group] = []
        content = [t for t in tokens if t not in _QUERY_STOPWORDS] or tokens
        for position, token in enumerate(content):
            last = position == len(content) - 1 and not complete
            entry = self._abbreviations.get(token)
            if entry is None and "/" in token:
                for part in token.split("/"):
                    groups.extend(self._word_groups(part, last=False))
                continue
            if entry is not None:
                kind, expansions = entry
                alternatives = [_Alternative((token,))] if "/" not in token else []
                alternatives += [_Alternative(tuple(_words(e))) for e in expansions]
                shown = token.upper() if kind == "abbreviation" else token
                note = f"{kind} {shown} → {' / '.join(e for e in expansions if e != token)}"
                groups.append(_Group(token, alternatives, [note]))
                continue
            groups.extend(self._word_groups(token, last))
        return groups

    def _word_groups(self, token: str, last: bool) -> list[_Group]:
        if self._known(token) or token.isdigit():
            return [_Group(token, [_Alternative((token,), prefix=last and len(token) >= 3)])]
        if last and len(token) >= 2 and self._known_prefix(token):
            return [_Group(token, [_Alternative((token,), prefix=True)])]
        corrections = self._corrections(token)
        if corrections:
            alternatives = [_Alternative((token,))] + [_Alternative((c,)) for c in corrections]
            return [_Group(token, alternatives, [f"spelling {token} → {' / '.join(corrections)}"])]
        return [_Group(token, [_Alternative((token,), prefix=last and len(token) >= 3)])]

    def _known(self, word: str) -> bool:
        return self._raw.execute("SELECT 1 FROM search_vocab WHERE word = ?", (word,)).fetchone() is not None

    def _known_prefix(self, word: str) -> bool:
        return (
            self._raw.execute(
                "SELECT 1 FROM search_vocab WHERE word > ? AND word < ? LIMIT 1", (word, word + "\uffff")
            ).fetchone()
            is not None
        )

    def _corrections(self, word: str) -> list[str]:
        if len(word) < _MIN_TYPO_LENGTH or any(ch.isdigit() for ch in word):
            return []
        variants = sorted({word, *_deletes(word)})
        placeholders = ",".join("?" * len(variants))
        rows = self._raw.execute(
            f"SELECT DISTINCT v.word, v.freq FROM search_vocab_delete d JOIN search_vocab v ON v.word = d.word "
            f"WHERE d.variant IN ({placeholders})",
            variants,
        ).fetchall()
        close = sorted(((freq, w) for w, freq in rows if _within_one_edit(word, w)), reverse=True)
        return [w for _freq, w in close[:_MAX_TYPO_ALTERNATIVES]]
