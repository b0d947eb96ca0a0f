"""What the coding assistant proposes for a note: diagnoses, procedures and documentation gaps, with evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """A span of the note that supports a suggestion: note[start:end] == text."""

    start: int
    end: int
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class DiagnosisSuggestion:
    code: str  # as coders write it: 'E11.40'
    description: str
    confidence: float  # 0..1
    reason: str  # 'index term: Diabetes > type 2 > with > neuropathy', 'description match', 'abbreviation HTN'
    evidence: list[Evidence] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "description": self.description,
            "confidence": round(self.confidence, 2),
            "reason": self.reason,
            "evidence": [e.as_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class ProcedureSuggestion:
    code: str  # CPT or HCPCS code only: CPT descriptions are not ours to ship
    units: int
    reason: str
    evidence: list[Evidence] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "units": self.units,
            "reason": self.reason,
            "evidence": [e.as_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class DocumentationGap:
    """Something the note does not say that the code family needs (a provider query candidate)."""

    code_family: str  # 'H66.9-', 'E11', 'S52.5-'
    message: str
    evidence: list[Evidence] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "code_family": self.code_family,
            "message": self.message,
            "evidence": [e.as_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class Suggestions:
    diagnoses: list[DiagnosisSuggestion] = field(default_factory=list)  # proposed claim order: first-listed first
    procedures: list[ProcedureSuggestion] = field(default_factory=list)
    gaps: list[DocumentationGap] = field(default_factory=list)
    em: dict[str, Any] | None = None

    @property
    def diagnosis_codes(self) -> list[str]:
        return [d.code for d in self.diagnoses]

    def as_json(self) -> dict[str, Any]:
        return {
            "diagnoses": [d.as_json() for d in self.diagnoses],
            "em": self.em,
            "gaps": [g.as_json() for g in self.gaps],
            "procedures": [p.as_json() for p in self.procedures],
        }
