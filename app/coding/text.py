"""Clinical note reading without models: sections, sentences, word stems and NegEx-style context flags."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

# ---------------------------------------------------------------- words


_STEM_EXCEPTIONS = {
    "feet": "foot",
    "teeth": "tooth",
    "children": "child",
    "women": "woman",
    "men": "man",
    "lumbago": "lumbago",
    "lumbalgia": "lumbago",
    "media": "media",
    "mellitus": "mellitus",
    "diabetes": "diabet",
    "diabetic": "diabet",
    "diabetics": "diabet",
    "bronchitis": "bronchitis",
    "ii": "2",
    "nevi": "nevus",
    "nevus": "nevus",
    "i": "i",
    "iii": "3",
    "exam": "examin",
    "exams": "examin",
    "immunization": "immun",
    "immunizations": "immun",
    "vaccination": "immun",
    "vaccine": "immun",
    "vaccines": "immun",
    "vaccinated": "immun",
    "hyperlipidemia": "hyperlipidemia",
    "gastroesophageal": "gastroesophag",
    "hypothyroidism": "hypothyroid",
    "hypothyroid": "hypothyroid",
    "thyroiditis": "thyroiditis",
    "sinusitis": "sinusitis",
    "sinuses": "sinus",
    "sinus": "sinus",
    "pharyngitis": "pharyngitis",
    "cystitis": "cystitis",
    "otitis": "otitis",
    "arthritis": "arthritis",
    "osteoarthritis": "osteoarthritis",
    "rhinitis": "rhinitis",
    "esophagitis": "esophagitis",
    "nasopharyngitis": "nasopharyngitis",
    "dermatitis": "dermatitis",
    "tonsillitis": "tonsillitis",
    "status": "status",
    "asthmaticus": "asthmaticus",
    "uterus": "uterus",
    "virus": "virus",
    "abscess": "abscess",
    "illness": "illness",
    "plus": "plus",
    "us": "us",
    "its": "its",
    "has": "has",
    "was": "was",
    "this": "this",
    "analysis": "analysis",
}
_PLURALS = (("oses", "osis"), ("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("s", ""))
_SUFFIXES = ("ically", "ation", "ative", "ities", "ity", "ive", "ion", "ous", "ic", "ed", "ing", "al", "y")
_MIN_STEM = 4


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light, consistent stem: 'diabetic' and 'diabetes' -> 'diabet', 'hypertensive' and 'hypertension' alike.

    Not linguistics: both the note and the code-set texts go through it, so only consistency matters.
    One plural ending, then at most one derivational ending, is taken off.
    """
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if word in _STEM_EXCEPTIONS:
        return _STEM_EXCEPTIONS[word]
    if not word.isalpha() or len(word) <= _MIN_STEM:
        return word
    for ending, replacement in _PLURALS:
        if word.endswith(ending):
            if ending == "s" and word.endswith(("ss", "us", "is")):
                break
            word = word[: -len(ending)] + replacement
            break
    if word in _STEM_EXCEPTIONS:
        return _STEM_EXCEPTIONS[word]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


STOPWORDS = frozenset(
    (
        "a an and as at by for from in into is of on or the to with due nos nec other unspecified specified "
        "than type_ classified elsewhere which this that be are was were been has have had its it "
        "presence mention do does"
    ).split()
)
_TOKEN = re.compile(r"[A-Za-z]+/[A-Za-z]+|[A-Za-z0-9]+(?:\.[0-9]+)?(?:['’]s)?|\?")


def content_stems(text: str) -> list[str]:
    """The stems of a code-set text's words that carry meaning (stop words dropped)."""
    out = []
    for m in _TOKEN.finditer(text):
        w = m.group(0).lower()
        if w in STOPWORDS or w == "?":
            continue
        out.append(stem(w))
    return out


# ---------------------------------------------------------------- sections


class Section(str, Enum):
    HEADER = "header"
    CHIEF_COMPLAINT = "chief complaint"
    HPI = "hpi"
    HISTORY = "history"  # past medical/surgical history, problem list
    FAMILY = "family history"
    SOCIAL = "social history"
    MEDICATIONS = "medications"
    ROS = "ros"
    EXAM = "exam"
    PROCEDURE = "procedure"
    ASSESSMENT = "assessment"
    PLAN = "plan"
    OTHER = "other"


# Section headers as written at the start of a line, followed by a colon (or alone on the line).
_HEADERS: dict[str, Section] = {}
for _section, _names in (
    (Section.CHIEF_COMPLAINT, "chief complaint|cc|reason for visit|reason for encounter|complaint"),
    (Section.HPI, "hpi|history of present illness|subjective|s|interval history|history"),
    (
        Section.HISTORY,
        "pmh|psh|pmh/psh|pmhx|past medical history|past surgical history|past history|medical history|"
        "surgical history|problem list|active problems",
    ),
    (Section.FAMILY, "family history|fh|fhx|family hx|family"),
    (Section.SOCIAL, "social history|social|sh|social hx"),
    (Section.MEDICATIONS, "medications|meds|current medications|medication list|allergies"),
    (Section.ROS, "ros|review of systems"),
    (
        Section.EXAM,
        "exam|examination|physical exam|physical examination|pe|o|objective|vitals|vital signs|results|labs|data",
    ),
    (Section.PROCEDURE, "procedure|procedures|performed|procedure note|immunizations given"),
    (
        Section.ASSESSMENT,
        "assessment and plan|assessment & plan|assessment/plan|a/p|a&p|ap|assessment|impression|"
        "impression and plan|impression/plan|a|diagnosis|diagnoses|dx|clinical impression|"
        "a/p (assessment)|final diagnosis|problems addressed",
    ),
    (Section.PLAN, "plan|p|recommendations|disposition"),
):
    for _name in _names.split("|"):
        _HEADERS[_name] = _section

_HEADER_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z /&()'-]{0,40}?)\s*:\s*")
_HEADER_ALONE = re.compile(r"^\s*([A-Za-z][A-Za-z /&'-]{0,40}?)\s*:?\s*$")
_SIGNATURE = re.compile(
    r"^\s*(?:electronically signed|signed by|e-signed|performed by|dictated by|attestation|cosigned)", re.IGNORECASE
)
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•#]|\(\d{1,2}\))\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|;\s*|\s+-\s+(?=[A-Z])")
_NOT_SENTENCE_END = re.compile(r"(?:\b(?:vs|dr|mr|mrs|ms|e\.g|i\.e|approx|etc|no|st|pt|yo|y\.o)\.)$", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    section: Section
    item: int  # the problem number within the assessment (0-based, in order); -1 elsewhere
    listed: bool  # written as a numbered/bulleted item
    line: int = 0  # the line's number within its section (0 = the first line of text)
    combined: bool = False  # the section is an 'assessment and plan' (problems and plan mixed)


def _section_of(header: str) -> Section | None:
    key = re.sub(r"\s+", " ", header.strip().lower())
    return _HEADERS.get(key)


def split_sentences(note: str) -> list[Sentence]:
    """Sentences with their section; assessment sentences carry the problem number they belong to."""
    sentences: list[Sentence] = []
    section = Section.HEADER
    item = -1
    offset = 0
    line_no = 0
    combined = False
    for line in note.splitlines(keepends=True):
        line_start = offset
        offset += len(line)
        body_start = line_start
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        if _SIGNATURE.match(text):
            section = Section.OTHER
            continue
        m = _HEADER_LINE.match(text)
        found = _section_of(m.group(1)) if m else None
        if m is None or found is None:
            alone = _HEADER_ALONE.match(text)
            if alone is not None and _section_of(alone.group(1)) is not None and text.rstrip().endswith(":"):
                m, found = alone, _section_of(alone.group(1))
        if m is not None and found is not None:
            section = found
            line_no = 0
            header = m.group(1).lower()
            combined = found is Section.ASSESSMENT and ("plan" in header or "/p" in header or "&p" in header)
            body_start = line_start + m.end()
        body = note[body_start : line_start + len(text)]
        if not body.strip():
            continue
        listed = False
        marker = _LIST_MARKER.match(body)
        if marker:
            listed = True
            body_start += marker.end()
        if section is Section.ASSESSMENT:
            item += 1
        for s, e in _sentence_spans(note, body_start, line_start + len(text)):
            sentences.append(
                Sentence(s, e, section, item if section is Section.ASSESSMENT else -1, listed, line_no, combined)
            )
        line_no += 1
    return sentences


def _sentence_spans(note: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    text = note[start:end]
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        candidate = text[pos : m.start()]
        if _NOT_SENTENCE_END.search(candidate.rstrip()) and m.group(0).strip() == "":
            continue
        yield from _trimmed(start + pos, start + m.start(), note)
        pos = m.end()
    yield from _trimmed(start + pos, end, note)


def _trimmed(s: int, e: int, note: str) -> Iterable[tuple[int, int]]:
    while s < e and note[s].isspace():
        s += 1
    while e > s and note[e - 1] in " \t.;":
        e -= 1
    if e > s:
        yield s, e


# ---------------------------------------------------------------- tokens and context


@dataclass
class Token:
    start: int
    end: int
    raw: str
    stems: list[str]  # the word's stem and the stems of its expansions (HTN -> hypertension)
    negated: bool = False
    historical: bool = False
    family: bool = False
    uncertain: bool = False
    trigger: bool = False  # part of a context trigger phrase ('history of', 'rule out')
    bracketed: bool = False  # inside parentheses: an aside to the sentence
    expansion: str | None = None  # the abbreviation expanded, for the reason

    @property
    def lower(self) -> str:
        return self.raw.lower()


@dataclass
class Clause:
    """One sentence's tokens with their context flags."""

    sentence: Sentence
    tokens: list[Token] = field(default_factory=list)


_NEG_PRE_LONG = (
    "denies",
    "denied",
    "deny",
    "negative for",
    "free of",
    "absence of",
    "no evidence of",
    "no signs of",
    "no sign of",
    "no symptoms of",
    "no complaints of",
    "no history of",
    "no h/o",
    "never had",
    "not had",
    "resolved",
    "ruled out",
    "rules out",
)
_NEG_PRE_SHORT = ("no", "not", "without", "w/o", "never", "non", "neither", "nor", "none")
_NEG_POST = ("negative", "ruled out", "resolved", "absent", "not present", "not seen", "unlikely", "denied", "excluded")
_PSEUDO = (
    "no change",
    "no changes",
    "no increase",
    "no decrease",
    "no further",
    "not only",
    "not necessarily",
    "not certain whether",
    "without difficulty",
    "no longer than",
    "gram negative",
    "not at goal",
    "not well controlled",
    "not controlled",
    "no improvement",
    "without improvement",
    "not improved",
    "not improving",
    "not resolved",
    "not treating as",
)
_UNCERTAIN_PRE = (
    "rule out",
    "r/o",
    "rule-out",
    "to rule out",
    "possible",
    "possibly",
    "probable",
    "probably",
    "suspected",
    "suspect",
    "suspicion for",
    "suspicion of",
    "suspicious for",
    "likely",
    "questionable",
    "question of",
    "concern for",
    "concerning for",
    "presumed",
    "presumptive",
    "differential",
    "ddx",
    "cannot rule out",
    "cannot exclude",
    "can't rule out",
    "consider",
    "considering",
    "evaluate for",
    "evaluation for",
    "may have",
    "might be",
    "vs",
    "versus",
    "treating as if",
)
_UNCERTAIN_BOTH = ("vs", "versus", "?")
_HISTORY_PRE = (
    "history of",
    "hx of",
    "h/o",
    "s/p",
    "status post",
    "prior",
    "previous",
    "previously",
    "remote",
    "past history of",
    "past",
)
_FAMILY_PRE = (
    "family history of",
    "family history",
    "fh of",
    "fh",
    "fhx",
    "mother",
    "father",
    "mom",
    "dad",
    "sister",
    "brother",
    "sibling",
    "siblings",
    "grandmother",
    "grandfather",
    "maternal",
    "paternal",
    "aunt",
    "uncle",
    "parent",
    "parents",
    "daughter",
    "son",
    "cousin",
)
# The one-word triggers (relatives, FH): the assistant also asks whether a token is one of these.
FAMILY_WORDS = frozenset(p for p in _FAMILY_PRE if " " not in p)
_TERMINATE = frozenset(
    "but however although though except aside yet reports endorses complains admits notes positive presents "
    "has had which who while because since".split()
)
_CLAUSE_PUNCT = re.compile(r"[:;()\[\]]")
_LONG_SCOPE = 12
_SHORT_SCOPE = 6


def _phrases(words: Iterable[str]) -> list[tuple[str, ...]]:
    return sorted((tuple(w.split()) for w in words), key=len, reverse=True)


_NEG_PRE_LONG_P = _phrases(_NEG_PRE_LONG)
_NEG_PRE_SHORT_P = _phrases(_NEG_PRE_SHORT)
_NEG_POST_P = _phrases(_NEG_POST)
_PSEUDO_P = _phrases(_PSEUDO)
_UNCERTAIN_P = _phrases(_UNCERTAIN_PRE + ("?",))
_HISTORY_P = _phrases(_HISTORY_PRE)
_FAMILY_P = _phrases(_FAMILY_PRE)


def _match_at(words: list[str], i: int, phrases: list[tuple[str, ...]]) -> int:
    for phrase in phrases:
        n = len(phrase)
        if tuple(words[i : i + n]) == phrase:
            return n
    return 0


def tokenize(
    note: str,
    sentence: Sentence,
    expansions: Mapping[str, tuple[str, list[str]]],
) -> Clause:
    """Tokens of one sentence, with abbreviations expanded and negation/history/family/uncertainty marked."""
    tokens: list[Token] = []
    depth = 0
    breaks: set[int] = set()  # token indexes that start a new clause (after ':' ';' '(' ')')
    commas: set[int] = set()  # token indexes that follow a comma
    pos = sentence.start
    text = note[sentence.start : sentence.end]
    for m in _TOKEN.finditer(text):
        gap = text[pos - sentence.start : m.start()]
        if _CLAUSE_PUNCT.search(gap):
            breaks.add(len(tokens))
        if "," in gap or " - " in gap:
            commas.add(len(tokens))
        depth = max(0, depth + gap.count("(") - gap.count(")"))
        raw = m.group(0)
        start, end = sentence.start + m.start(), sentence.start + m.end()
        pos = end
        tokens.append(Token(start, end, raw, [], expansion=None, bracketed=depth > 0))
    _expand(tokens, expansions)
    words = [t.lower for t in tokens]
    _mark_context(tokens, words, breaks, commas)
    return Clause(sentence, tokens)


# Coder shorthand that is a word in ordinary text ('OM' is otitis media only in capitals; 'no' is not
# the abbreviation of anything) is expanded only when written in capitals.
_ALWAYS_EXPAND = frozenset({"s/p", "h/o", "hx", "b12", "afib", "strep", "etoh", "fx", "lt", "rt", "bil"})
_AMBIGUOUS = frozenset({"ra", "pe", "ed", "bp", "ca", "ha", "cp", "uc", "asd", "ua", "loc", "sz", "af", "hf"})
_EXTRA_SYNONYMS: dict[str, list[str]] = {
    "left": ["left", "unilateral"],
    "right": ["right", "unilateral"],
    "lt": ["left", "unilateral"],
    "rt": ["right", "unilateral"],
    "both": ["bilateral"],
    "bilaterally": ["bilateral"],
    "bilat": ["bilateral"],
    "cancer": ["cancer", "malignant neoplasm"],
    "carcinoma": ["carcinoma", "malignant neoplasm"],
    "tm": ["tympanic membrane"],
    "tms": ["tympanic membrane"],
    "forearm": ["forearm", "upper limb"],
    "thigh": ["thigh", "lower limb"],
    "shin": ["leg", "lower limb"],
    "calf": ["leg", "lower limb"],
    "urinary": ["urinary", "micturition"],
    "flu": ["influenza"],
    "shot": ["immunization"],
    "strep": ["streptococcal"],
    "physical": ["physical", "examination"],
    "wellness": ["wellness", "examination", "general", "medical", "adult"],
    "checkup": ["examination", "general", "medical"],
    "check-up": ["examination", "general", "medical"],
    "tdap": ["tdap", "immunization"],
    "td": ["immunization"],
    "fever": ["fever"],
    "sob": ["shortness of breath"],
    "dyspnea": ["dyspnea", "shortness of breath"],
    "cold": ["cold", "nasopharyngitis"],
    "smoker": ["smoker", "nicotine dependence", "cigarettes"],
    "smokes": ["smoker", "nicotine dependence", "cigarettes"],
    "smoking": ["smoking", "nicotine dependence", "cigarettes"],
    "tobacco": ["tobacco", "nicotine dependence"],
    "anticoagulation": ["anticoagulants", "use"],
    "anticoagulant": ["anticoagulants"],
    "statin": ["statin", "drug therapy"],
    "insulin": ["insulin"],
    "metformin": ["oral hypoglycemic drugs"],
    "glipizide": ["oral hypoglycemic drugs"],
    "hld": ["hyperlipidemia"],
    "hyperlipidemia": ["hyperlipidemia"],
    "sinus": ["sinus", "sinusitis"],
    "knees": ["knee"],
    "ears": ["ear"],
}


def _expand(tokens: list[Token], expansions: Mapping[str, tuple[str, list[str]]]) -> None:
    for i, token in enumerate(tokens):
        low = token.lower
        words: list[str] = []
        entry = expansions.get(low)
        usable = entry is not None and (
            low in _ALWAYS_EXPAND
            or (token.raw.isupper() and len(token.raw) > 1 and low not in _AMBIGUOUS)
            or (entry[0] == "synonym")
        )
        if entry is not None and usable:
            for phrase in entry[1]:
                words.extend(phrase.split())
            if entry[0] == "abbreviation":
                token.expansion = token.raw
        extra = _EXTRA_SYNONYMS.get(low)
        if extra:
            for phrase in extra:
                words.extend(phrase.split())
        if low in ("type", "stage", "class", "grade") and i + 1 < len(tokens):
            roman = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}.get(tokens[i + 1].lower)
            if roman:
                tokens[i + 1].raw = tokens[i + 1].raw  # keep the text; the stem says the number
                tokens[i + 1].stems = [roman]
        stems = [stem(low)] if not token.stems else token.stems
        for w in words:
            s = stem(w.lower())
            if w.lower() not in STOPWORDS and s not in stems:
                stems.append(s)
        token.stems = stems


def _mark_context(tokens: list[Token], words: list[str], breaks: set[int], commas: set[int]) -> None:
    n = len(tokens)

    def clause_end(i: int, stop_at_comma: bool, limit: int) -> int:
        j = i
        while j < n and j - i < limit:
            if j > i - 1 and j in breaks and j != i:
                break
            if stop_at_comma and j in commas and j != i:
                break
            if words[j] in _TERMINATE:
                break
            j += 1
        return j

    def clause_start(i: int, stop_at_comma: bool) -> int:
        j = i
        while j > 0 and j not in breaks and not (stop_at_comma and j in commas):
            j -= 1
        return j

    i = 0
    while i < n:
        k = _match_at(words, i, _PSEUDO_P)
        if k:
            for t in tokens[i : i + k]:
                t.trigger = True
            i += k
            continue
        k = _match_at(words, i, _UNCERTAIN_P)
        if k:
            after = clause_end(i + k, stop_at_comma=False, limit=n)
            for t in tokens[i + k : after]:
                t.uncertain = True
            if words[i] in _UNCERTAIN_BOTH:
                for t in tokens[clause_start(i, stop_at_comma=True) : i]:
                    t.uncertain = True
            for t in tokens[i : i + k]:
                t.trigger = True
            i += k
            continue
        k = _match_at(words, i, _NEG_PRE_LONG_P)
        if k:
            for t in tokens[i + k : clause_end(i + k, stop_at_comma=False, limit=_LONG_SCOPE)]:
                t.negated = True
            for t in tokens[i : i + k]:
                t.trigger = True
            i += k
            continue
        k = _match_at(words, i, _NEG_PRE_SHORT_P)
        if k:
            end = clause_end(i + k, stop_at_comma=True, limit=_SHORT_SCOPE)
            for j in range(i + k, end):
                if words[j] == "with" and words[i] in ("without", "w/o"):
                    break
                if words[j] == "of" and words[j - 2 : j] == ["foreign", "body"]:
                    break
                tokens[j].negated = True
            for t in tokens[i : i + k]:
                t.trigger = True
            i += k
            continue
        k = _match_at(words, i, _NEG_POST_P)
        if k and not any(w in ("screening", "screen", "test", "testing") for w in words[:i]):
            for t in tokens[clause_start(i, stop_at_comma=True) : i]:
                t.negated = True
            for t in tokens[i : i + k]:
                t.trigger = True
            i += k
            continue
        k = _match_at(words, i, _FAMILY_P)
        if k:
            for t in tokens[i + k : clause_end(i + k, stop_at_comma=True, limit=n)]:
                t.family = True
            for t in tokens[i : i + k]:
                t.trigger = True
            i += k
            continue
        k = _match_at(words, i, _HISTORY_P)
        if k:
            for t in tokens[i + k : clause_end(i + k, stop_at_comma=True, limit=n)]:
                t.historical = True
            i += k
            continue
        i += 1
