"""After a code-set import: which open encounters and unbilled claims carry a code invalid for their date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.domain.codes import icd10cm_display
from app.services.codesets import CodeSetService
from db.models import ClaimLineRecord, ClaimRecord, EncounterDiagnosisRecord, EncounterRecord, ServiceLineRecord
from db.session import Database

OPEN_ENCOUNTER_STATUSES = ("new", "in_coding", "on_hold", "coded", "ready_to_bill")
UNBILLED_CLAIM_STATUSES = ("draft", "needs_attention", "ready")


@dataclass(frozen=True)
class InvalidCode:
    where: str  # 'encounter EHR-000123' or 'claim CD00000042'
    code: str
    date_of_service: dt.date
    reason: str

    def as_json(self) -> dict[str, str]:
        return {
            "where": self.where,
            "code": self.code,
            "date_of_service": self.date_of_service.isoformat(),
            "reason": self.reason,
        }


class CodeValidityService:
    def __init__(self, db: Database, codesets: CodeSetService) -> None:
        self.db = db
        self.codesets = codesets

    def invalid_codes(self) -> list[InvalidCode]:
        checked: dict[tuple[str, dt.date], tuple[bool, str]] = {}

        def check(code: str, day: dt.date) -> tuple[bool, str]:
            key = (code, day)
            if key not in checked:
                checked[key] = self.codesets.is_valid(code, day)
            return checked[key]

        found: list[InvalidCode] = []
        E, D, L = EncounterRecord, EncounterDiagnosisRecord, ServiceLineRecord
        C, CL = ClaimRecord, ClaimLineRecord
        # (where, is it a diagnosis, query): diagnoses are checked in dotted form, because a dot-less
        # ICD-10-CM code such as E1165 has the same shape as a HCPCS code.
        queries = (
            (
                "encounter",
                True,
                select(E.source_id, E.date_of_service, D.code)
                .join(D, D.encounter_id == E.id)
                .where(E.status.in_(OPEN_ENCOUNTER_STATUSES))
                .order_by(E.date_of_service, E.id, D.sequence),
            ),
            (
                "encounter",
                False,
                select(E.source_id, L.date_from, L.code)
                .join(L, L.encounter_id == E.id)
                .where(E.status.in_(OPEN_ENCOUNTER_STATUSES)),
            ),
            (
                "claim",
                True,
                select(C.claim_number, E.date_of_service, D.code)
                .join(E, E.id == C.encounter_id)
                .join(D, D.encounter_id == E.id)
                .where(C.status.in_(UNBILLED_CLAIM_STATUSES)),
            ),
            (
                "claim",
                False,
                select(C.claim_number, CL.date_from, CL.code)
                .join(CL, CL.claim_id == C.id)
                .where(C.status.in_(UNBILLED_CLAIM_STATUSES)),
            ),
        )
        with self.db.session() as s:
            for kind, is_diagnosis, query in queries:
                for where, dos, code in s.execute(query):
                    if not is_diagnosis and code[:1].isdigit():
                        continue  # CPT: checked for shape only, nothing to expire
                    shown = icd10cm_display(code) if is_diagnosis else code
                    ok, reason = check(shown, dos)
                    if not ok:
                        found.append(InvalidCode(f"{kind} {where}", shown, dos, reason))
        return found
