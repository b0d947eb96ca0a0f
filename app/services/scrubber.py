"""The claim scrubber: run the edits of `app.domain.scrub` over a batch of claims, store the findings,
and move each claim to 'ready' or 'needs attention'. An error blocks printing and export until it is fixed
and re-scrubbed, or overridden with a reason (who and when are recorded).

Lookups never scan a table: the NCCI pairs, unit limits and add-on rules for the codes in a batch are
fetched once through the code-set indexes and answered from dictionaries.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from app.chunking import chunked as _chunks
from app.domain.codes import icd10cm_display, icd10cm_key
from app.domain.ncci import AOC, MUE, NCCI_LABELS, PTP, describe_edition, missing_edition_warning
from app.domain.payer_rules import PayerRule
from app.domain.scrub import (
    AddonNeeds,
    ClaimView,
    CoverageView,
    Duplicate,
    Finding,
    IcdFacts,
    LineView,
    PayerView,
    PersonView,
    PracticeView,
    ProviderView,
    PtpPair,
    UnitLimit,
    scrub_claim,
)
from app.errors import ClaimDeskError, NotFoundError, ValidationError
from app.services.claims import UNSENT
from app.services.codesets import CodeSetService, system_of
from app.services.jobs import JobContext
from db.bulk import insert_rows, update_by_id
from db.models import (
    AuditLogRecord,
    ClaimLineRecord,
    ClaimRecord,
    ClaimStatusEventRecord,
    CoverageRecord,
    EncounterRecord,
    LocalEditRecord,
    PatientRecord,
    PayerRecord,
    PayerRuleRecord,
    PracticeRecord,
    ProviderRecord,
    ScrubFindingRecord,
    ScrubRunRecord,
)
from db.session import Database

MANIFESTATION_TITLE = "in diseases classified elsewhere"


@dataclass(frozen=True)
class ScrubbedClaim:
    claim_id: int
    claim_number: str
    status: str
    findings: tuple[Finding, ...]

    @property
    def clean(self) -> bool:
        return not self.findings


@dataclass(frozen=True)
class ScrubReport:
    run_id: int
    claims: tuple[ScrubbedClaim, ...]
    editions: tuple[str, ...]

    @property
    def clean(self) -> int:
        return sum(1 for c in self.claims if c.clean)

    @property
    def clean_rate(self) -> float | None:
        """Share of claims with no finding at all (for display; the counts are exact)."""
        return self.clean / len(self.claims) if self.claims else None

    @property
    def errors(self) -> int:
        return sum(1 for c in self.claims for f in c.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for c in self.claims for f in c.findings if f.severity == "warning")

    def as_json(self) -> dict[str, Any]:
        return {
            "claims": len(self.claims),
            "clean": self.clean,
            "clean_claim_rate": f"{self.clean_rate * 100:.1f}" if self.clean_rate is not None else None,
            "ready": sum(1 for c in self.claims if c.status == "ready"),
            "needs_attention": sum(1 for c in self.claims if c.status == "needs_attention"),
            "editions": list(self.editions),
            "findings": [f.as_json(c.claim_number) for c in self.claims for f in c.findings],
        }


@dataclass(frozen=True)
class EditionStatus:
    kind: str  # ncci_ptp, ncci_mue, ncci_aoc
    text: str  # the edition in force, or what is missing and how to load it
    cms_loaded: bool
    local_source: str | None  # the practice's own table in use when no CMS edition is loaded

    @property
    def short(self) -> str:
        """What is (not) in force and what that costs, without the how-to (which `text` gives)."""
        if self.cms_loaded or self.local_source is not None:
            return self.text
        return self.text.split(". Import ")[0].rstrip(".") + "."


@dataclass(frozen=True)
class FindingRow:
    """A stored finding as the Claims panel shows it."""

    id: int
    claim_id: int
    edit_id: str
    severity: str
    message: str
    fix_hint: str | None
    carc: str | None
    line: int | None
    field: str | None
    overridden_by: str | None
    overridden_at: dt.datetime | None
    override_reason: str | None
    carc_description: str | None = None

    @property
    def blocking(self) -> bool:
        return self.severity == "error" and self.overridden_by is None


@dataclass(frozen=True)
class PayerRuleRow:
    id: int
    payer_id: int | None
    payer_name: str
    name: str
    rule: PayerRule
    active: bool


class _Reference:
    """`ScrubReference` for one batch: code-set answers cached, NCCI tables loaded for the batch's codes."""

    def __init__(self, service: ScrubService, s: Session, today: dt.date) -> None:
        self.today = today
        self._svc = service
        self._codesets = service.codesets
        self._icd: dict[tuple[str, int | None], IcdFacts] = {}
        self._releases: dict[str, list[Any]] = {}
        self._proc: dict[tuple[str, dt.date], tuple[bool, str]] = {}
        self._modifiers = self._codesets.modifiers()
        self._pos = self._codesets.place_of_service_codes()
        self._ptp: dict[tuple[str, str], list[tuple[Any, str]]] = {}
        self._mue: dict[str, tuple[Any, str]] = {}
        self._addon: dict[str, list[tuple[Any, str]]] = {}
        self._rules: dict[int | None, list[tuple[int, str, PayerRule]]] = defaultdict(list)
        self._dups: dict[int, list[Duplicate]] = {}
        # The practice's own table answers only where no CMS edition has a row for the code or pair.
        self._local_ptp: dict[tuple[str, str], list[tuple[Any, str]]] = defaultdict(list)
        self._local_mue: dict[str, tuple[Any, str]] = {}
        self._local_addon: dict[str, list[tuple[Any, str]]] = defaultdict(list)
        for row in s.scalars(select(LocalEditRecord).order_by(LocalEditRecord.id)):
            if row.kind == "ptp" and row.code2:
                self._local_ptp[(row.code1, row.code2)].append((row, row.source))
            elif row.kind == "mue" and row.max_units:
                self._local_mue.setdefault(row.code1, (row, row.source))
            elif row.kind == "addon":
                self._local_addon[row.code1].append((row, row.source))
        for r in s.scalars(select(PayerRuleRecord).where(PayerRuleRecord.active.is_(True))):
            self._rules[r.payer_id].append((r.id, r.name, PayerRule.model_validate_json(r.rule_json)))
        self.editions = service.edition_labels()
        editions = self._codesets.ncci_editions()
        self._names = {kind: describe_edition(kind, editions.get(kind)) for kind in (PTP, MUE, AOC)}
        self._codes: set[str] = set()
        self._asked: set[str] = set()

    # ------------------------------------------------------------------ batch loading

    def load_codes(self, codes: set[str]) -> None:
        """Fetch the NCCI rows that can fire among these codes (index lookups, no scans). A pair is fetched
        when both codes are known, so each batch asks again for the whole set seen so far."""
        self._codes |= codes
        wanted = sorted(self._codes)
        cs = self._codesets
        for pair, rows in cs.ptp_pairs(wanted).items():
            self._ptp[pair] = [(r, self._names[PTP]) for r in rows]
        fresh = sorted(codes - self._asked)
        self._asked |= codes
        for code, limit in cs.mue_limits(fresh).items():
            self._mue[code] = (limit, self._names[MUE])
        for code, rules in cs.addon_rules(fresh).items():
            self._addon[code] = [(r, self._names[AOC]) for r in rules]

    def load_duplicates(self, s: Session, claims: list[ClaimView]) -> None:
        """Lines billed on other encounters' live claims for the same patient, code, modifiers and date."""
        patients = sorted({c.patient_id for c in claims})
        existing: dict[tuple[int, dt.date, str, tuple[str, ...]], list[tuple[int, str]]] = defaultdict(list)
        for ids in _chunks(patients):
            rows = s.execute(
                select(
                    EncounterRecord.patient_id,
                    ClaimLineRecord.date_from,
                    ClaimLineRecord.code,
                    ClaimLineRecord.modifier1,
                    ClaimLineRecord.modifier2,
                    ClaimLineRecord.modifier3,
                    ClaimLineRecord.modifier4,
                    ClaimRecord.encounter_id,
                    ClaimRecord.claim_number,
                )
                .join(ClaimRecord, ClaimRecord.id == ClaimLineRecord.claim_id)
                .join(EncounterRecord, EncounterRecord.id == ClaimRecord.encounter_id)
                .where(EncounterRecord.patient_id.in_(ids), ClaimRecord.status.not_in(("void", "rejected")))
            )
            for r in rows:
                mods = tuple(sorted(m for m in (r.modifier1, r.modifier2, r.modifier3, r.modifier4) if m))
                existing[(r.patient_id, r.date_from, r.code, mods)].append((r.encounter_id, r.claim_number))
        for claim in claims:
            found = []
            for line in claim.lines:
                key = (claim.patient_id, line.date_from, line.code, tuple(sorted(line.modifiers)))
                others = sorted({num for enc, num in existing.get(key, ()) if enc != claim.encounter_id})
                if others:
                    found.append(Duplicate(line.number, others[0]))
            self._dups[claim.id] = found

    # ------------------------------------------------------------------ ScrubReference

    def _release(self, system: str, on: dt.date | None) -> Any:
        """`CodeSetService.release_for`, answered from the releases read once per batch."""
        if system not in self._releases:
            self._releases[system] = self._codesets.releases(system)
        found = self._releases[system]
        if on is None:
            return found[-1] if found else None
        return next((r for r in reversed(found) if r.covers(on)), None)

    def icd(self, code: str, on: dt.date) -> IcdFacts:
        rel = self._release("icd10cm", on)
        key = (icd10cm_key(code), rel.id if rel else None)
        if key not in self._icd:
            self._icd[key] = self._icd_facts(key[0], on, rel)
        return self._icd[key]

    def _icd_facts(self, code: str, on: dt.date, rel: Any) -> IcdFacts:
        if rel is None:
            warning = self._codesets.coverage_warning("icd10cm", on) or "no ICD-10-CM release covers that date"
            return IcdFacts(code, False, False, None, warning)
        detail = self._codesets.detail(code, "icd10cm", on=on)
        if detail is None:
            return IcdFacts(
                code, False, False, rel.name, f"{icd10cm_display(code)} does not exist in ICD-10-CM {rel.name}"
            )
        chapter = None
        if detail.chapter and detail.chapter.startswith("Chapter "):
            chapter = int(detail.chapter.split(":")[0].split()[1])
        titles = [detail.description]
        parent = detail.parent
        while parent:
            up = self._codesets.detail(parent, "icd10cm", on=on)
            if up is None:
                break
            titles.append(up.description)
            parent = up.parent
        excludes = tuple(
            ref + _narrowing(note.text) for note in detail.notes if note.kind == "excludes1" for ref in note.refs
        )
        reason = (
            f"valid in ICD-10-CM {rel.name}"
            if detail.billable
            else f"{detail.code} is a header in ICD-10-CM {rel.name}, not a billable code; pick a more specific code"
        )
        return IcdFacts(
            code=code,
            exists=True,
            billable=detail.billable,
            release=rel.name,
            reason=reason,
            sex=detail.sex,
            age_min=detail.age_min,
            age_max=detail.age_max,
            age_rule=detail.attributes.get("Age/sex limit"),
            chapter=chapter,
            manifestation=any(MANIFESTATION_TITLE in t.lower() for t in titles),
            excludes1=excludes,
            description=detail.description,
        )

    def procedure_valid(self, code: str, on: dt.date) -> tuple[bool, str]:
        key = (code, on)
        if key not in self._proc:
            if system_of(code) == "cpt":
                rel = self._release("cpt", None)
                if rel is None:
                    self._proc[key] = (True, "CPT format valid (no licensed CPT file imported)")
                else:
                    found = self._codesets.detail(code, "cpt")
                    ok = found is not None and found.release == rel.name
                    self._proc[key] = (ok, f"valid in CPT {rel.name}" if ok else f"not in your CPT file {rel.name}")
            else:
                self._proc[key] = self._codesets.is_valid(code, on)
        return self._proc[key]

    def modifier_known(self, modifier: str) -> bool:
        return modifier.upper() in self._modifiers

    def ncci_associated(self, modifier: str) -> bool:
        return self._modifiers.get(modifier.upper(), False)

    def place_of_service_valid(self, code: str) -> bool:
        return code.zfill(2) in self._pos

    def ptp(self, column1: str, column2: str, on: dt.date) -> list[PtpPair]:
        out = []
        rows = self._ptp.get((column1, column2)) or self._local_ptp.get((column1, column2), ())
        for row, source in rows:
            if _in_force(row, on):
                out.append(PtpPair(column1, column2, row.modifier_indicator, source, getattr(row, "rationale", None)))
        return out

    def unit_limit(self, code: str, on: dt.date) -> UnitLimit | None:
        found = self._mue.get(code) or self._local_mue.get(code)
        if found is None:
            return None
        row, source = found
        if isinstance(row, LocalEditRecord):
            if not _in_force(row, on):
                return None
            return UnitLimit(code, row.max_units or 1, row.mue_indicator or 1, source)
        return UnitLimit(code, row.max_units, row.indicator, source)

    def addon(self, code: str, on: dt.date) -> AddonNeeds | None:
        listed = self._addon.get(code) or self._local_addon.get(code, ())
        rules = [(r, src) for r, src in listed if _in_force(r, on)]
        if not rules:
            return None
        primaries = tuple(
            sorted(
                {
                    (r.code2 if isinstance(r, LocalEditRecord) else r.primary_code) or ""
                    for r, _ in rules
                    if (r.code2 if isinstance(r, LocalEditRecord) else r.primary_code)
                }
                - {"CCCCC", ""}
            )
        )
        edit_type = min((1 if isinstance(r, LocalEditRecord) else int(r.edit_type)) for r, _ in rules)
        return AddonNeeds(code, primaries, edit_type, rules[0][1])

    def payer_rules(self, payer_id: int | None) -> list[tuple[int, str, PayerRule]]:
        return [*self._rules.get(None, []), *(self._rules.get(payer_id, []) if payer_id is not None else [])]

    def duplicates(self, claim: ClaimView) -> list[Duplicate]:
        return self._dups.get(claim.id, [])


_WITH_SUFFIX = re.compile(r"\bwith \.([0-9A-Z]{1,3})")
_WITH_FIFTH = re.compile(r"\bwith fifth character ([0-9A-Z])")


def _narrowing(text: str) -> str:
    """'diabetes mellitus (E08-E13 with .42)' narrows its range to the .42 codes: returns '|.42'."""
    if m := _WITH_SUFFIX.search(text):
        return f"|.{m.group(1)}"
    if m := _WITH_FIFTH.search(text):
        return f"|5={m.group(1)}"
    return ""


def _in_force(row: Any, on: dt.date) -> bool:
    start = row.effective_from
    end = row.deleted_on
    return (start is None or start <= on) and (end is None or on < end)


class ScrubService:
    def __init__(self, db: Database, codesets: CodeSetService, user: str) -> None:
        self.db = db
        self.codesets = codesets
        self.user = user

    # ------------------------------------------------------------------ editions

    def edition_status(self) -> tuple[EditionStatus, ...]:
        """For each NCCI kind: the edition in force (CMS's, the practice's own table, or none), in words."""
        out = []
        editions = self.codesets.ncci_editions()
        with self.db.session() as s:
            local = dict(
                s.execute(
                    select(LocalEditRecord.kind, func.min(LocalEditRecord.source)).group_by(LocalEditRecord.kind)
                ).all()
            )
        for kind, local_kind in ((PTP, "ptp"), (MUE, "mue"), (AOC, "addon")):
            rel = editions.get(kind)
            if rel is not None:
                out.append(EditionStatus(kind, describe_edition(kind, rel), True, None))
            elif local_kind in local:
                text = f"No {NCCI_LABELS[kind]} edition is loaded; checking with {local[local_kind]}"
                out.append(EditionStatus(kind, text, False, local[local_kind]))
            else:
                text = missing_edition_warning(kind, f"claimdesk codes import-{kind.replace('_', '-')}")
                out.append(EditionStatus(kind, text, False, None))
        return tuple(out)

    def edition_labels(self) -> tuple[str, ...]:
        """Which edit tables are in force, in words, with a warning for each one that is missing."""
        return tuple(e.text for e in self.edition_status())

    # ------------------------------------------------------------------ scrubbing

    def scrub(
        self, claim_ids: list[int] | None = None, ctx: JobContext | None = None, today: dt.date | None = None
    ) -> ScrubReport:
        """Scrub the given claims (default: every claim not yet sent) in one transaction."""
        ctx = ctx or JobContext()
        today = today or dt.date.today()
        with self.db.transaction() as s:
            if claim_ids is None:
                ids = list(
                    s.scalars(select(ClaimRecord.id).where(ClaimRecord.status.in_(UNSENT)).order_by(ClaimRecord.id))
                )
            else:
                ids = sorted(set(claim_ids))
                known = {
                    i
                    for chunk in _chunks(ids)
                    for i in s.scalars(select(ClaimRecord.id).where(ClaimRecord.id.in_(chunk)))
                }
                missing = [i for i in ids if i not in known]
                if missing:
                    raise NotFoundError(f"No claim {', '.join(map(str, missing[:5]))}.")
            ref = _Reference(self, s, today)
            run = ScrubRunRecord(
                by_user=self.user, claims=0, clean=0, errors=0, warnings=0, editions="; ".join(ref.editions)
            )
            s.add(run)
            s.flush()
            results: list[ScrubbedClaim] = []
            done = 0
            for chunk in _chunks(ids):
                ctx.report(done, len(ids), f"Scrubbing claims ({done:,} of {len(ids):,})")
                views = _load_views(s, chunk)
                ref.load_codes({ln.code for v in views for ln in v.lines})
                ref.load_duplicates(s, views)
                found = {v.id: scrub_claim(v, ref) for v in views}
                results.extend(self._store(s, views, found, run.id))
                done += len(chunk)
            ctx.report(len(ids), len(ids), "Scrub finished")
            report = ScrubReport(run.id, tuple(results), ref.editions)
            run.claims, run.clean = len(results), report.clean
            run.errors, run.warnings = report.errors, report.warnings
            return report

    def _store(
        self, s: Session, views: list[ClaimView], found: dict[int, list[Finding]], run_id: int
    ) -> list[ScrubbedClaim]:
        ids = [v.id for v in views]
        kept: dict[tuple[int, str], tuple[str, dt.datetime, str]] = {}
        for r in s.execute(
            select(
                ScrubFindingRecord.claim_id,
                ScrubFindingRecord.fingerprint,
                ScrubFindingRecord.overridden_by,
                ScrubFindingRecord.overridden_at,
                ScrubFindingRecord.override_reason,
            ).where(ScrubFindingRecord.claim_id.in_(ids), ScrubFindingRecord.overridden_by.is_not(None))
        ):
            kept[(r.claim_id, r.fingerprint)] = (r.overridden_by, r.overridden_at, r.override_reason)
        s.execute(delete(ScrubFindingRecord).where(ScrubFindingRecord.claim_id.in_(ids)))
        line_ids = {(v.id, ln.number): ln.id for v in views for ln in v.lines}
        statuses = dict(s.execute(select(ClaimRecord.id, ClaimRecord.status).where(ClaimRecord.id.in_(ids))).all())
        rows, updates, events, out = [], [], [], []
        stamp = _now()
        for view in views:
            blocking = False
            for f in found[view.id]:
                override = kept.get((view.id, f.fingerprint))
                blocking |= f.severity == "error" and override is None
                rows.append(
                    {
                        "claim_id": view.id,
                        "claim_line_id": line_ids.get((view.id, f.line)) if f.line else None,
                        "edit_id": f.edit_id,
                        "severity": f.severity,
                        "message": f.message,
                        "fix_hint": f.fix_hint,
                        "carc": f.carc,
                        "field": f.field,
                        "fingerprint": f.fingerprint,
                        "scrub_run_id": run_id,
                        "created_at": stamp,
                        "overridden_by": override[0] if override else None,
                        "overridden_at": override[1] if override else None,
                        "override_reason": override[2] if override else None,
                    }
                )
            status = statuses[view.id]
            new_status = "needs_attention" if blocking else "ready"
            if status in UNSENT and status != new_status:
                updates.append({"id": view.id, "status": new_status})
                errors = sum(1 for f in found[view.id] if f.severity == "error")
                note = (
                    f"scrub: {errors} error(s)"
                    if blocking
                    else "scrub: clean"
                    if not found[view.id]
                    else "scrub: warnings only"
                )
                events.append(
                    {"claim_id": view.id, "status": new_status, "by_user": self.user, "at": stamp, "note": note}
                )
                status = new_status
            out.append(ScrubbedClaim(view.id, view.claim_number, status, tuple(found[view.id])))
        insert_rows(s, ScrubFindingRecord, rows)
        update_by_id(s, ClaimRecord, updates)
        insert_rows(s, ClaimStatusEventRecord, events)
        return out

    # ------------------------------------------------------------------ findings and overrides

    def findings(self, claim_id: int) -> list[FindingRow]:
        with self.db.session() as s:
            rows = s.execute(
                select(ScrubFindingRecord, ClaimLineRecord.line_number)
                .outerjoin(ClaimLineRecord, ClaimLineRecord.id == ScrubFindingRecord.claim_line_id)
                .where(ScrubFindingRecord.claim_id == claim_id)
                .order_by(ScrubFindingRecord.id)
            ).all()
            carcs = self.codesets.adjustment_codes("carc") if rows else {}
            return [_finding_row(record, line, carcs) for record, line in rows]

    def override(self, finding_id: int, reason: str) -> FindingRow:
        """Let an error through with a reason; the claim becomes ready when no other error blocks it."""
        reason = reason.strip()
        if len(reason) < 5:
            raise ValidationError(
                "Write the reason for the override (at least a few words): it is kept with the claim."
            )
        with self.db.transaction() as s:
            finding = s.get(ScrubFindingRecord, finding_id)
            if finding is None:
                raise NotFoundError(f"No scrub finding {finding_id}.")
            claim = s.get(ClaimRecord, finding.claim_id)
            assert claim is not None
            if claim.status not in UNSENT:
                raise ClaimDeskError(
                    f"Claim {claim.claim_number} is already {claim.status}; overrides are for unsent claims."
                )
            if finding.overridden_by is not None:
                raise ClaimDeskError(f"That finding was already overridden by {finding.overridden_by}.")
            finding.overridden_by = self.user
            finding.overridden_at = _now()
            finding.override_reason = reason
            s.add(
                AuditLogRecord(
                    username=self.user,
                    action="scrub_override",
                    entity="claim",
                    entity_id=str(claim.id),
                    detail=f"{finding.edit_id}: {reason}",
                )
            )
            s.flush()
            still = s.scalar(
                select(func.count(ScrubFindingRecord.id)).where(
                    ScrubFindingRecord.claim_id == claim.id,
                    ScrubFindingRecord.severity == "error",
                    ScrubFindingRecord.overridden_by.is_(None),
                )
            )
            if not still and claim.status == "needs_attention":
                claim.status = "ready"
                claim.history.append(
                    ClaimStatusEventRecord(status="ready", by_user=self.user, at=_now(), note="errors overridden")
                )
            line = s.get(ClaimLineRecord, finding.claim_line_id) if finding.claim_line_id else None
            return _finding_row(finding, line.line_number if line else None, self.codesets.adjustment_codes("carc"))

    def blocking(self, claim_ids: Iterable[int]) -> dict[int, str]:
        """Claims that may not be printed or exported, with the reason in words."""
        out: dict[int, str] = {}
        ids = sorted(set(claim_ids))
        with self.db.session() as s:
            for chunk in _chunks(ids):
                for cid, number, status in s.execute(
                    select(ClaimRecord.id, ClaimRecord.claim_number, ClaimRecord.status).where(
                        ClaimRecord.id.in_(chunk)
                    )
                ):
                    if status == "draft":
                        out[cid] = f"{number} has not been scrubbed since it last changed."
                    elif status == "needs_attention":
                        out[cid] = f"{number} has scrub errors to fix or override."
                    elif status != "ready":
                        out[cid] = f"{number} is {status.replace('_', ' ')}."
            missing = set(ids) - {
                i for chunk in _chunks(ids) for i in s.scalars(select(ClaimRecord.id).where(ClaimRecord.id.in_(chunk)))
            }
            for cid in missing:
                out[cid] = f"No claim {cid}."
        return out

    def last_run(self) -> dict[str, Any] | None:
        with self.db.session() as s:
            run = s.scalars(select(ScrubRunRecord).order_by(ScrubRunRecord.id.desc()).limit(1)).first()
            if run is None:
                return None
            return {
                "at": run.at,
                "by": run.by_user,
                "claims": run.claims,
                "clean": run.clean,
                "errors": run.errors,
                "warnings": run.warnings,
                "clean_claim_rate": (run.clean / run.claims) if run.claims else None,
            }

    # ------------------------------------------------------------------ payer rules

    def payer_rules(self) -> list[PayerRuleRow]:
        with self.db.session() as s:
            payers = dict(s.execute(select(PayerRecord.id, PayerRecord.name)).all())
            return [
                PayerRuleRow(
                    r.id,
                    r.payer_id,
                    payers.get(r.payer_id, "every payer") if r.payer_id else "every payer",
                    r.name,
                    PayerRule.model_validate_json(r.rule_json),
                    r.active,
                )
                for r in s.scalars(select(PayerRuleRecord).order_by(PayerRuleRecord.id))
            ]

    def add_payer_rule(self, payer: str | None, name: str, rule: PayerRule | dict[str, Any]) -> PayerRuleRow:
        """Add a rule for a payer (by payer id such as 'DMO01', or None for every payer)."""
        if not name.strip():
            raise ValidationError("Give the rule a name the billers will recognise.")
        if isinstance(rule, dict):
            try:
                rule = PayerRule.model_validate(rule)
            except Exception as exc:  # pydantic's ValidationError: say what is wrong in words
                raise ValidationError(f"The rule is not valid: {_pydantic_words(exc)}") from exc
        with self.db.transaction() as s:
            payer_pk = None
            if payer:
                payer_pk = s.scalar(select(PayerRecord.id).where(PayerRecord.payer_id == payer))
                if payer_pk is None:
                    raise NotFoundError(f"No payer with payer id {payer!r}.")
            record = PayerRuleRecord(
                payer_id=payer_pk, name=name.strip()[:80], rule_json=rule.model_dump_json(), created_by=self.user
            )
            s.add(record)
            s.flush()
            s.add(
                AuditLogRecord(
                    username=self.user, action="payer_rule_added", entity="payer_rule", entity_id=str(record.id)
                )
            )
            rule_id = record.id
        return next(r for r in self.payer_rules() if r.id == rule_id)

    def set_payer_rule_active(self, rule_id: int, active: bool) -> None:
        with self.db.transaction() as s:
            record = s.get(PayerRuleRecord, rule_id)
            if record is None:
                raise NotFoundError(f"No payer rule {rule_id}.")
            record.active = active
            s.add(
                AuditLogRecord(
                    username=self.user,
                    action="payer_rule_on" if active else "payer_rule_off",
                    entity="payer_rule",
                    entity_id=str(rule_id),
                )
            )

    # ------------------------------------------------------------------ the practice's own edit table

    def add_local_edits(self, rows: list[dict[str, Any]], source: str) -> int:
        """The practice's own add-on list (or the demo's table); `source` is quoted in every finding."""
        if not source.strip():
            raise ValidationError("Say whose edits these are (the source is shown in every finding).")
        with self.db.transaction() as s:
            for r in rows:
                s.add(LocalEditRecord(source=source, **r))
        return len(rows)


def _finding_row(r: ScrubFindingRecord, line_number: int | None, carcs: dict[str, str]) -> FindingRow:
    return FindingRow(
        r.id,
        r.claim_id,
        r.edit_id,
        r.severity,
        r.message,
        r.fix_hint,
        r.carc,
        line_number,
        r.field,
        r.overridden_by,
        r.overridden_at,
        r.override_reason,
        carcs.get(r.carc) if r.carc else None,
    )


def _pydantic_words(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())) or 'rule'}: {e.get('msg', '')}" for e in errors()
        )
    return str(exc)


def _load_views(s: Session, ids: list[int]) -> list[ClaimView]:
    claims = s.scalars(
        select(ClaimRecord)
        .where(ClaimRecord.id.in_(ids))
        .options(selectinload(ClaimRecord.lines))
        .order_by(ClaimRecord.id)
    ).all()
    encounters = {
        e.id: e
        for e in s.scalars(
            select(EncounterRecord)
            .where(EncounterRecord.id.in_({c.encounter_id for c in claims}))
            .options(selectinload(EncounterRecord.diagnoses), selectinload(EncounterRecord.service_lines))
        )
    }
    patients = {
        p.id: p
        for p in s.scalars(
            select(PatientRecord).where(PatientRecord.id.in_({e.patient_id for e in encounters.values()}))
        )
    }
    coverages = {
        c.id: c
        for c in s.scalars(
            select(CoverageRecord).where(CoverageRecord.id.in_({c.coverage_id for c in claims if c.coverage_id}))
        )
    }
    payers = {p.id: p for p in s.scalars(select(PayerRecord))}
    providers = {p.id: p for p in s.scalars(select(ProviderRecord))}
    practice = s.scalars(select(PracticeRecord).limit(1)).first()
    practice_view = (
        PracticeView(
            practice.name,
            practice.npi,
            practice.tin,
            practice.taxonomy,
            practice.address1,
            practice.city,
            practice.state,
            practice.zip,
        )
        if practice
        else None
    )
    views = []
    for claim in claims:
        enc = encounters[claim.encounter_id]
        pt = patients[enc.patient_id]
        cov = coverages.get(claim.coverage_id) if claim.coverage_id else None
        payer = payers.get(claim.payer_id) if claim.payer_id else None
        rendering_by_line = {sl.id: sl.rendering_provider_id or enc.rendering_provider_id for sl in enc.service_lines}
        lines = tuple(
            LineView(
                id=ln.id,
                number=ln.line_number,
                code=ln.code,
                modifiers=tuple(m for m in (ln.modifier1, ln.modifier2, ln.modifier3, ln.modifier4) if m),
                units=ln.units,
                charge_cents=ln.charge_cents,
                pointers=tuple(p for p in (ln.pointer1, ln.pointer2, ln.pointer3, ln.pointer4) if p),
                date_from=ln.date_from,
                date_to=ln.date_to,
                place_of_service=ln.place_of_service or enc.place_of_service,
                ndc=ln.ndc,
                rendering=_provider(
                    providers.get(rendering_by_line.get(ln.service_line_id, enc.rendering_provider_id))
                ),
            )
            for ln in claim.lines
        )
        views.append(
            ClaimView(
                id=claim.id,
                claim_number=claim.claim_number,
                encounter_id=enc.id,
                patient_id=pt.id,
                account_number=pt.account_number,
                frequency_code=claim.frequency_code,
                payer_sequence=claim.payer_sequence,
                submission_method=claim.submission_method,
                date_of_service=enc.date_of_service,
                diagnoses=tuple(d.code for d in enc.diagnoses),
                lines=lines,
                patient=PersonView(
                    pt.last_name, pt.first_name, pt.date_of_birth, pt.sex, pt.address1, pt.city, pt.state, pt.zip
                ),
                coverage=CoverageView(
                    cov.priority,
                    cov.member_id,
                    cov.relationship_code,
                    PersonView(
                        cov.subscriber_last_name,
                        cov.subscriber_first_name,
                        cov.subscriber_date_of_birth,
                        cov.subscriber_sex,
                    ),
                )
                if cov
                else None,
                payer=PayerView(payer.id, payer.payer_id, payer.name, payer.timely_filing_days) if payer else None,
                practice=practice_view,
                referring=_provider(providers.get(enc.referring_provider_id)) if enc.referring_provider_id else None,
                prior_authorization=enc.prior_authorization,
            )
        )
    return views


def _provider(p: ProviderRecord | None) -> ProviderView | None:
    if p is None:
        return None
    return ProviderView(p.id, p.npi, f"{p.first_name} {p.last_name}".strip())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def rule_from_json(text: str) -> PayerRule:
    """Parse a rule typed on the command line or in the rules editor, with errors in words."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"The rule is not JSON: {exc.msg} at column {exc.colno}.") from exc
    try:
        return PayerRule.model_validate(data)
    except Exception as exc:
        raise ValidationError(f"The rule is not valid: {_pydantic_words(exc)}") from exc
