"""Computer-assisted coding: reads a clinical note and proposes ICD-10-CM codes, procedures and documentation gaps.

How a note is read (no models, nothing downloaded):

1. The note is split into sections and sentences; the assessment's problems are the source of the
   diagnoses, in the order written (the first problem is first-listed). Plan lines are skipped.
2. Each sentence's words are stemmed, coder abbreviations expanded (HTN, DM2, OA ...), and marked
   NegEx-style: negated ('denies', 'no', 'without'), uncertain ('rule out', 'possible', 'versus'),
   historical ('history of', 's/p') or about a relative ('mother with', 'family history of').
3. Terms of the ICD-10-CM Alphabetic Index, code descriptions and inclusion terms match when all
   their words are in the sentence; a term that covers more of the sentence wins (type 2 diabetes
   *with neuropathy* over type 2 diabetes). Uncertain words never count; historical and family words
   count only for history codes.
4. A non-billable code is narrowed to the child the sentence names (left knee, initial encounter);
   when the note does not say, the unspecified child is proposed with lower confidence and a gap.
5. When an assessment problem is only uncertain ('rule out pneumonia'), the symptoms documented in
   the chief complaint and HPI are proposed instead, as outpatient guidelines say.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.coding.lexicon import IMPLIED, Lexicon, SqliteCodeSetReader, Term
from app.coding.procedures import suggest_procedures
from app.coding.text import FAMILY_WORDS, Clause, Section, Token, split_sentences, stem, tokenize
from app.domain.codes import icd10cm_display, icd10cm_key
from app.domain.suggestions import (
    DiagnosisSuggestion,
    DocumentationGap,
    Evidence,
    Suggestions,
)
from app.errors import ClaimDeskError

if TYPE_CHECKING:
    from app.services.codesets import CodeSetService

Validity = Callable[[str, dt.date], tuple[bool, str]]

_HISTORY = stem("history")
_FAMILY = stem("family")
_PLAN_STARTS = frozenset(
    (
        "continue continued start started starting increase increased decrease decreased stop stopped discontinue "
        "return rtc follow f/u fu recheck refer referred referral order ordered check schedule scheduled discussed "
        "discuss will plan consider avoid push hold call supportive symptomatic rest take keep apply encourage "
        "encouraged educated education advised prescribed rx obtain repeat monitor next ice elevate written "
        "age-appropriate age immunizations screening labs reviewed counseled patient pt chest x-ray xray "
        "results if may okay ok cbc bmp lab handwashing saline fluids amoxicillin nitrofurantoin"
    ).split()
)
_PLAN_VERBS = frozenset(
    "continue start increase decrease stop discontinue return recheck refer order schedule discussed will avoid".split()
)
_PLAN_ANYWHERE = frozenset(
    "discussed reviewed ordered scheduled referral referred prescribed given sent recommended advised declined "
    "if".split()
)
_DOSE = re.compile(r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|units?|ml|g)\b", re.IGNORECASE)
_BMI = re.compile(r"\bBMI\b\s*(?:of|is|=|:)?\s*(\d{2}(?:\.\d+)?)", re.IGNORECASE)
_LATERALITY = frozenset(stem(w) for w in ("right", "left", "bilateral"))
_ENCOUNTER = frozenset(stem(w) for w in ("initial", "subsequent", "sequela"))
_TYPE_STATED = re.compile(
    r"\btype\s*(?:1|2|I|II|one|two)\b|\bDM\s*(?:1|2|I|II)\b|\bT[12]DM\b|\bNIDDM\b|\bIDDM\b|\bDMII\b",
    re.IGNORECASE,
)
_SYMPTOM_SOURCES = (Section.CHIEF_COMPLAINT, Section.HPI, Section.HEADER)
_FALLBACK_SOURCES = (
    Section.CHIEF_COMPLAINT,
    Section.HPI,
    Section.HEADER,
    Section.OTHER,
    Section.PROCEDURE,
    Section.PLAN,
)
_ENCOUNTER_WORDS = (("initial", "A"), ("subsequent", "D"), ("sequela", "S"))


@dataclass
class _Match:
    term: Term
    positions: frozenset[int]  # token indexes in the clause
    stems: frozenset[str]


@dataclass
class _Candidate:
    code: str
    confidence: float
    reason: str
    evidence: list[Evidence]
    item: int
    order: float
    stems: frozenset[str]
    spans: frozenset[int]  # note offsets of matched tokens
    gaps: list[DocumentationGap] = field(default_factory=list)


def _lexicon_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


_CACHE: dict[tuple[str, int, int], Lexicon] = {}
_CACHE_LOCK = threading.Lock()


def load_lexicon(path: Path) -> Lexicon:
    """The in-memory vocabulary for a code-set file, built once per file version and shared."""
    key = _lexicon_key(Path(path))
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is None:
            found = _CACHE[key] = Lexicon.load(SqliteCodeSetReader(Path(path)))
        return found


class CodingAssistant:
    """Proposes codes for a note. Build it once (loading the vocabulary takes a few seconds) and reuse it."""

    def __init__(self, lexicon: Lexicon, is_valid: Validity | None = None) -> None:
        self.lexicon = lexicon
        self.is_valid = is_valid

    @classmethod
    def from_path(cls, path: Path) -> CodingAssistant:
        return cls(load_lexicon(Path(path)))

    @classmethod
    def from_service(cls, codesets: CodeSetService) -> CodingAssistant:
        """From a `CodeSetService`: its database file, and its release calendar for date-of-service checks."""
        codesets.releases()  # opens the file (and on first use copies the shipped one to the user's folder)
        return cls(load_lexicon(codesets.path), is_valid=codesets.is_valid)

    # ------------------------------------------------------------------ public

    def suggest(
        self,
        note: str,
        *,
        age: int | None = None,
        sex: str | None = None,
        date_of_service: dt.date | None = None,
    ) -> Suggestions:
        sentences = split_sentences(note)
        clauses = [tokenize(note, s, self.lexicon.abbreviations) for s in sentences]
        problems = [c for c in clauses if self._is_problem(c, clauses)]
        fallback = not problems
        if fallback:
            problems = [c for c in clauses if c.sentence.section in _FALLBACK_SOURCES and not _plan_like(c)]

        candidates: list[_Candidate] = []
        uncertain_items: set[int] = set()
        confirmed_items: set[int] = set()
        for n, clause in enumerate(problems):
            item = clause.sentence.item if clause.sentence.item >= 0 else 1000 + n
            found = self._code_clause(note, clause, item, n, 0.75 if fallback else 1.0)
            if found:
                confirmed_items.add(item)
            if any(t.uncertain for t in clause.tokens):
                uncertain_items.add(item)
            candidates.extend(found)

        if not fallback and uncertain_items - confirmed_items:
            # Outpatient: an uncertain diagnosis is not coded; the symptoms documented are.
            symptoms = [c for c in clauses if c.sentence.section in _SYMPTOM_SOURCES and not _plan_like(c)]
            base = len(problems)
            for n, clause in enumerate(symptoms):
                for cand in self._code_clause(note, clause, 900, base + n, 0.6):
                    if cand.code.startswith("R"):
                        candidates.append(cand)

        candidates.extend(self._bmi(note, problems, age))
        candidates = self._combine(candidates)
        candidates = self._dedupe(candidates)
        diagnoses, gaps = self._finish(note, candidates, age, sex, date_of_service)
        return Suggestions(
            diagnoses=diagnoses,
            procedures=suggest_procedures(note, age),
            gaps=gaps,
            em=_estimate_em(note),
        )

    # ------------------------------------------------------------------ sentences

    def _is_problem(self, clause: Clause, clauses: list[Clause]) -> bool:
        s = clause.sentence
        if s.section is not Section.ASSESSMENT:
            return False
        if _plan_like(clause):
            return False
        same_section = [c.sentence for c in clauses if c.sentence.section is Section.ASSESSMENT]
        if any(x.listed for x in same_section):
            # Numbered problems: the numbered lines are the problems, the rest is plan.
            return s.listed
        line_first = next(
            (c for c in clauses if c.sentence.section is Section.ASSESSMENT and c.sentence.line == s.line), clause
        )
        if line_first is not clause and _plan_like(line_first):
            return False
        if s.combined and s.line > 0:
            # 'Assessment and plan' written as prose: the first line states the problem(s); a later
            # line is another problem only when it is short and reads like one.
            words = [t for t in clause.tokens if t.raw.isalpha()]
            return len(words) <= 8
        return True

    # ------------------------------------------------------------------ matching

    def _matches(self, clause: Clause) -> list[_Match]:
        pos: dict[str, list[int]] = {}
        neg: dict[str, list[int]] = {}
        for i, token in enumerate(clause.tokens):
            target = neg if token.negated else pos
            for s in token.stems:
                target.setdefault(s, []).append(i)
        family_at = [i for i, t in enumerate(clause.tokens) if t.trigger and _is_family_trigger(t)]
        if family_at or any(t.family for t in clause.tokens):
            at = family_at[0] if family_at else next(i for i, t in enumerate(clause.tokens) if t.family)
            pos.setdefault(_FAMILY, []).append(at)
            pos.setdefault(_HISTORY, []).append(at)
        terms = self.lexicon.terms
        seen: set[int] = set()
        out: list[_Match] = []
        for word in pos:
            for tid in self.lexicon.by_key.get(word, ()):
                if tid in seen:
                    continue
                seen.add(tid)
                term = terms[tid]
                if not all(w in pos or w in IMPLIED for w in term.pos):
                    continue
                if any(w in pos and w not in term.pos for w in term.neg):
                    continue  # the term says 'without X' and the sentence affirms X
                if not all(w in neg for w in term.absent):
                    continue  # 'Immunization > not done' must be said
                anchor = _nearest(pos.get(word, [0]), 0)
                positions = {_nearest(pos[w], anchor) for w in term.pos if w in pos}
                positions |= {_nearest(neg[w], anchor) for w in term.neg | term.absent if w in neg}
                if not self._context_allows(clause, term, positions):
                    continue
                if max(positions) - min(positions) + 1 > 3 * len(positions) + 6:
                    continue  # words scattered over a long sentence are not one concept
                out.append(_Match(term, frozenset(positions), frozenset(w for w in term.pos if w in pos)))
        return out

    def _context_allows(self, clause: Clause, term: Term, positions: set[int]) -> bool:
        tokens = [clause.tokens[i] for i in positions]
        if any(t.uncertain for t in tokens):
            return False
        if any(t.family for t in tokens) and _FAMILY not in term.pos:
            return False
        if _FAMILY in term.pos and not any(t.family or _is_family_trigger(t) for t in clause.tokens):
            return _FAMILY in {s for t in tokens for s in t.stems}
        if any(t.historical for t in tokens) and _HISTORY not in term.pos and not term.code.startswith("Z"):
            return False
        return True

    def _code_clause(self, note: str, clause: Clause, item: int, order: int, weight: float) -> list[_Candidate]:
        matches = self._matches(clause)
        if not matches:
            return []
        # A match whose words are all covered by a larger match of the same sentence is the less
        # specific reading of the same words.
        codes = self.lexicon.codes
        # Best reading first: more of the sentence, more of its words, fewer words left unsaid,
        # a specific code over 'other', a billable code, an index entry over a description.
        matches.sort(
            key=lambda m: (
                -len(m.positions),
                -len(m.stems),
                len(m.term.pos) - len(m.stems),
                m.term.residual,
                not codes[m.term.code].billable,
                _KIND_RANK.get(m.term.kind, 9),
                m.term.code,
            )
        )
        kept: list[_Match] = []
        for m in matches:
            if any(m.positions <= k.positions for k in kept):
                continue
            kept.append(m)
        # 'Other ...' codes are residual: only when nothing more specific was found in the words.
        kept = [
            m
            for m in kept
            if not m.term.residual
            or not any(k is not m and not k.term.residual and k.positions & m.positions for k in kept)
        ]
        # Asides in parentheses explain the problem; they name another only when the rest names nothing.
        outside = [m for m in kept if not all(clause.tokens[i].bracketed for i in m.positions)]
        if outside:
            kept = [m for m in kept if m in outside or m.term.kind == "eindex"]
        out: list[_Candidate] = []
        for m in kept:
            resolved = self._resolve(note, clause, m)
            if resolved is None:
                continue
            code, confidence, gaps = resolved
            tokens = [clause.tokens[i] for i in sorted(m.positions)]
            start, end = tokens[0].start, tokens[-1].end
            evidence = [Evidence(start, end, note[start:end])]
            expansions = [t.expansion for t in tokens if t.expansion]
            reason = (f"abbreviation {expansions[0]}; " if expansions else "") + _reason(m.term)
            out.append(
                _Candidate(
                    code,
                    min(0.99, confidence * weight * _KIND_CONFIDENCE.get(m.term.kind, 0.8)),
                    reason,
                    evidence,
                    item,
                    order + min(m.positions) / 1000,
                    m.stems,
                    frozenset(t.start for t in tokens),
                    gaps,
                )
            )
        return out

    # ------------------------------------------------------------------ specificity

    def _resolve(self, note: str, clause: Clause, match: _Match) -> tuple[str, float, list[DocumentationGap]] | None:
        """The billable code the sentence supports under the matched term's code, with any gap."""
        lex = self.lexicon
        words = {s for t in clause.tokens if not t.negated for s in t.stems}
        negated = {s for t in clause.tokens if t.negated for s in t.stems}
        code = match.term.code
        confidence = 1.0
        gaps: list[DocumentationGap] = []
        evidence = _evidence_of(note, clause, match)
        info = lex.codes[code]
        if info.billable and "unspecified" in info.description.lower() and info.parent:
            better = self._pick_child(info.parent, words, negated, exclude=code)
            if better is not None and better[1] > 0:
                code = better[0]
        guard = 0
        while not lex.codes[code].billable and guard < 5:
            guard += 1
            kids = lex.children.get(code, [])
            if not kids:
                return None
            picked = self._pick_child(code, words, negated)
            if picked is not None and picked[1] > 0:
                code = picked[0]
                continue
            fallback, axis = self._unspecified_child(code, kids)
            if fallback is None:
                gaps.append(
                    DocumentationGap(
                        f"{icd10cm_display(code)}-",
                        f"{lex.codes[code].description}: the note does not say which {axis}; "
                        f"{icd10cm_display(code)}- has no unspecified code",
                        [evidence],
                    )
                )
                return None
            gaps.append(_gap(lex.codes[code].description, code, axis, evidence))
            confidence *= 0.6 if axis != "encounter type" else 0.8
            code = fallback
        if not lex.codes[code].billable:
            return None
        description = lex.codes[code].description.lower()
        if "unspecified" in description and not gaps:
            parent = lex.codes[code].parent
            if parent:
                axis = _axis(self, parent)
                if axis == "laterality" and not (words & _LATERALITY):
                    gaps.append(_gap(lex.codes[parent].description, parent, axis, evidence))
                    confidence *= 0.7
        return code, confidence, gaps

    def _pick_child(
        self, code: str, words: set[str], negated: set[str], exclude: str | None = None
    ) -> tuple[str, int] | None:
        """The child whose distinguishing words the sentence says (None when none or a tie)."""
        lex = self.lexicon
        kids = [k for k in lex.children.get(code, []) if k != exclude]
        if not kids:
            return None
        kid_words = {k: lex.words(k) for k in kids}
        common = frozenset.intersection(*(kid_words[k][0] for k in kids)) if len(kids) > 1 else frozenset()
        scored: list[tuple[int, str]] = []
        for k in kids:
            pos, neg = kid_words[k]
            distinct = pos - common
            if any(w in words for w in neg):
                continue  # 'without X' while the sentence affirms X
            if any(w in negated for w in distinct):
                continue
            missing = [w for w in distinct if w not in words and w not in IMPLIED]
            if missing:
                continue
            score = sum(1 for w in distinct if w in words) + sum(1 for w in neg if w in negated)
            if exclude is not None:
                # Moving off an unspecified code needs words the unspecified code does not already have.
                score = len((pos & words) - lex.words(exclude)[0])
            scored.append((score, k))
        if not scored:
            return None
        scored.sort(reverse=True)
        if len(scored) > 1 and scored[0][0] == scored[1][0]:
            if scored[0][0] == 0 and exclude is None:
                # Nothing said either way: the child whose only difference is a default
                # ('not intractable, without status migrainosus') is the one.
                plain = [k for sc, k in scored if sc == 0 and not (kid_words[k][0] - common)]
                if len(plain) == 1:
                    return plain[0], 1
            return None
        return scored[0][1], scored[0][0]

    def _unspecified_child(self, code: str, kids: list[str]) -> tuple[str | None, str]:
        lex = self.lexicon
        axis = _axis(self, code)
        if axis == "encounter type":
            initial = next((k for k in kids if k.endswith("A") and lex.codes[k].billable), None)
            if initial is not None:
                return initial, axis
            # a 6-character code whose children carry the 7th character
        # The child that says 'unspecified' most ('Otitis media, unspecified, unspecified ear') is the one
        # for a note that says no more.
        ranked = sorted(kids, key=lambda k: -lex.codes[k].description.lower().count("unspecified"))
        if ranked and "unspecified" in lex.codes[ranked[0]].description.lower():
            return ranked[0], axis
        return None, axis

    # ------------------------------------------------------------------ rules

    def _bmi(self, note: str, problems: list[Clause], age: int | None) -> list[_Candidate]:
        """BMI Z68 codes when the assessment documents the BMI with a weight diagnosis (adults)."""
        if age is not None and age < 20:
            return []
        out = []
        for n, clause in enumerate(problems):
            s = clause.sentence
            text = note[s.start : s.end]
            m = _BMI.search(text)
            if not m:
                continue
            value = Decimal(m.group(1))  # exact: Z68 boundaries are whole BMI units
            code = _bmi_code(value)
            if code is None or code not in self.lexicon.codes:
                continue
            start, end = s.start + m.start(), s.start + m.end()
            out.append(
                _Candidate(
                    code,
                    0.9,
                    "BMI value documented in the assessment",
                    [Evidence(start, end, note[start:end])],
                    s.item,
                    n + 0.999,
                    frozenset({"bmi"}),
                    frozenset({start}),
                )
            )
        return out

    def _combine(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """ICD-10-CM combination codes the classification presumes (hypertension with CKD -> I12.-)."""
        codes = {c.code for c in candidates}
        ckd = [c for c in codes if c.startswith("N18")]
        htn = [c for c in candidates if c.code == "I10"]
        if htn and ckd and "I129" in self.lexicon.codes:
            stage_5 = any(c in ("N185", "N186") for c in ckd)
            target = "I120" if stage_5 else "I129"
            for c in htn:
                c.code = target
                c.reason = "hypertension with chronic kidney disease (combination code)"
        heart_failure = [c for c in codes if c.startswith("I50")]
        if htn and heart_failure and not ckd:
            for c in htn:
                c.code = "I110"
                c.reason = "hypertension with heart failure (combination code)"
        return candidates

    def _dedupe(self, candidates: list[_Candidate]) -> list[_Candidate]:
        by_code: dict[str, _Candidate] = {}
        for c in sorted(candidates, key=lambda c: (c.item, c.order)):
            if c.code in by_code:
                kept = by_code[c.code]
                kept.confidence = max(kept.confidence, c.confidence)
                kept.evidence.extend(e for e in c.evidence if e not in kept.evidence)
                if not c.gaps:
                    kept.gaps = []
                continue
            by_code[c.code] = c
        out = list(by_code.values())
        # Within a category, a code whose words are all part of a richer code's words is the same
        # condition said less specifically elsewhere in the note (E11.9 beside E11.22).
        result = []
        for c in out:
            richer = any(o is not c and o.code[:3] == c.code[:3] and c.stems < o.stems for o in out)
            covered = any(o is not c and c.spans < o.spans for o in out)
            if not richer and not covered:
                result.append(c)
        return result

    def _finish(
        self,
        note: str,
        candidates: list[_Candidate],
        age: int | None,
        sex: str | None,
        date_of_service: dt.date | None,
    ) -> tuple[list[DiagnosisSuggestion], list[DocumentationGap]]:
        lex = self.lexicon
        gaps: list[DocumentationGap] = []
        ordered = sorted(candidates, key=lambda c: (_is_external_cause(c.code), c.item, c.order))
        diagnoses: list[DiagnosisSuggestion] = []
        type_stated = bool(_TYPE_STATED.search(note))
        injury = any(c.code[:1] in "ST" for c in ordered)
        ordered = [c for c in ordered if injury or not _is_external_cause(c.code)]
        for c in ordered:
            info = lex.codes.get(c.code)
            if info is None or not info.billable:
                continue
            if sex and info.sex and info.sex != sex.upper()[:1]:
                continue
            if age is not None and (
                (info.age_min is not None and age < info.age_min) or (info.age_max is not None and age > info.age_max)
            ):
                continue
            if date_of_service is not None and self.is_valid is not None:
                ok, _why = self.is_valid(c.code, date_of_service)
                if not ok:
                    continue
            confidence = c.confidence
            if c.code.startswith("E11") and not type_stated:
                confidence *= 0.7
                gaps.append(
                    DocumentationGap(
                        "E08-E13",
                        "diabetes type not stated: E11 (type 2) is the default; ask the provider to document the type",
                        list(c.evidence),
                    )
                )
            gaps.extend(c.gaps)
            diagnoses.append(
                DiagnosisSuggestion(
                    icd10cm_display(c.code),
                    info.description,
                    round(max(0.05, min(0.99, confidence)), 2),
                    c.reason,
                    list(c.evidence),
                )
            )
        unique_gaps: list[DocumentationGap] = []
        for g in gaps:
            if all(g.message != u.message for u in unique_gaps):
                unique_gaps.append(g)
        return diagnoses, unique_gaps


# ---------------------------------------------------------------------- helpers

_KIND_RANK = {"index": 0, "description": 1, "inclusion": 2, "eindex": 3}
_KIND_CONFIDENCE = {"index": 0.9, "description": 0.92, "inclusion": 0.85, "eindex": 0.8}


def _reason(term: Term) -> str:
    if term.kind == "index":
        return f"index term: {term.label}"
    if term.kind == "eindex":
        return f"external cause index: {term.label}"
    if term.kind == "inclusion":
        return f"inclusion term: {term.label}"
    return "description match"


def _is_family_trigger(token: Token) -> bool:
    return token.lower in FAMILY_WORDS


def _nearest(positions: list[int], anchor: int) -> int:
    return min(positions, key=lambda p: (abs(p - anchor), p))


def _plan_like(clause: Clause) -> bool:
    words = [t.lower for t in clause.tokens]
    if not words:
        return True
    if clause.sentence.listed:
        return words[0] in _PLAN_VERBS
    if words[0] in _PLAN_STARTS:
        return True
    return any(w in _PLAN_ANYWHERE for w in words)


def _axis(assistant: CodingAssistant, code: str) -> str:
    lex = assistant.lexicon
    kids = lex.children.get(code, [])
    kid_words: set[str] = set()
    for k in kids:
        kid_words |= lex.words(k)[0]
    if kid_words & _ENCOUNTER and all(len(k) == 7 for k in kids):
        return "encounter type"
    if kid_words & _LATERALITY:
        return "laterality"
    return "specificity"


def _gap(description: str, code: str, axis: str, evidence: Evidence) -> DocumentationGap:
    family = f"{icd10cm_display(code)}-"
    if axis == "laterality":
        message = f"laterality not documented for {description.lower()}: {family} needs right/left/bilateral"
    elif axis == "encounter type":
        kind = "fracture" if "fracture" in description.lower() else "injury"
        message = (
            f"{kind} encounter type not stated for {description.lower()}: {family} needs the 7th character "
            "(initial/subsequent/sequela); initial encounter proposed"
        )
    else:
        message = f"{description}: the note lacks the detail {family} needs; unspecified code proposed"
    return DocumentationGap(family, message, [evidence])


def _evidence_of(note: str, clause: Clause, match: _Match) -> Evidence:
    tokens = [clause.tokens[i] for i in sorted(match.positions)]
    start, end = tokens[0].start, tokens[-1].end
    return Evidence(start, end, note[start:end])


def _is_external_cause(code: str) -> bool:
    return code[:1] in ("V", "W", "X", "Y")


def _bmi_code(value: Decimal) -> str | None:
    if value < 20:
        return "Z681"
    if value < 30:
        return f"Z682{int(value) - 20}"
    if value < 40:
        return f"Z683{int(value) - 30}"
    for limit, code in ((45, "Z6841"), (50, "Z6842"), (60, "Z6843"), (70, "Z6844")):
        if value < limit:
            return code
    return "Z6845"


def _estimate_em(note: str) -> dict[str, Any] | None:
    """The E/M estimate of `app.domain.em` (another module's reading of the note), as plain JSON values."""
    try:
        from app.domain.em import estimate_from_note
    except ImportError:
        return None
    try:
        estimate = estimate_from_note(note)
    except ClaimDeskError:
        return None  # the estimate is a prompt for the coder; coding goes on without it
    return _jsonable(estimate) if estimate is not None else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


__all__ = ["CodingAssistant", "load_lexicon", "icd10cm_key"]
