"""Sending claims: CMS-1500 forms to PDF or a printer, 837P files to the clearinghouse, and the corrected
and void claims that follow a sent one.

Only claims the scrubber passed (status 'ready') leave the office. A claim is marked submitted, with its
batch, file name and control numbers, in the same transaction that records the batch; a file is written
beside its final name first and moved into place only after that transaction commits, so a failure
leaves neither a file without a batch nor a batch without its file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.domain.claim_document import ClaimDocument
from app.domain.money import from_cents
from app.errors import ClaimDeskError, NotFoundError, ValidationError
from app.services.claim_documents import ClaimDocumentService
from app.services.claims import ClaimService, Submission
from app.services.jobs import JobContext
from app.services.scrubber import ScrubService
from app.services.settings import SettingsService
from db.models import (
    AuditLogRecord,
    ClaimLineRecord,
    ClaimPaymentRecord,
    ClaimRecord,
    ClaimStatusEventRecord,
    PracticeRecord,
    SubmissionBatchRecord,
)
from db.session import Database

SENT = ("submitted", "accepted", "rejected", "paid", "partially_paid", "denied", "closed")


@dataclass(frozen=True)
class PrintResult:
    batch_id: int | None  # None for a preview or a reprint that changed nothing
    claims: int
    forms: int
    total_charge_cents: int
    file: Path | None


@dataclass(frozen=True)
class ExportResult:
    batch_id: int
    file: Path
    payer: str | None  # the payer id when the file is one payer's
    claims: int
    total_charge_cents: int
    interchange_control_number: int
    group_control_number: int
    transaction_control_numbers: tuple[str, ...]
    bytes: int

    def as_json(self) -> dict[str, Any]:
        return {
            "batch": self.batch_id,
            "file": str(self.file),
            "payer": self.payer,
            "claims": self.claims,
            "total_charge": str(from_cents(self.total_charge_cents)),
            "interchange_control_number": f"{self.interchange_control_number:09d}",
            "group_control_number": self.group_control_number,
            "transaction_control_numbers": list(self.transaction_control_numbers),
            "bytes": self.bytes,
        }


class SubmissionService:
    def __init__(
        self,
        db: Database,
        documents: ClaimDocumentService,
        claims: ClaimService,
        scrubber: ScrubService,
        settings: SettingsService,
        user: str,
    ) -> None:
        self.db = db
        self.documents = documents
        self.claims = claims
        self.scrubber = scrubber
        self.settings = settings
        self.user = user

    # ------------------------------------------------------------------ what can go

    def ready(self, method: str) -> list[int]:
        """Claims the scrubber passed for this method ('paper' or 'electronic'), oldest first."""
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(ClaimRecord.id)
                    .where(ClaimRecord.status == "ready", ClaimRecord.submission_method == method)
                    .order_by(ClaimRecord.id)
                )
            )

    def check_sendable(self, claim_ids: list[int]) -> None:
        """Refuse, in words, claims that have not passed the scrubber (errors block unless overridden)."""
        if not claim_ids:
            raise ValidationError("There are no claims to send: none is ready (scrub them first).")
        blocked = self.scrubber.blocking(claim_ids)
        if blocked:
            reasons = list(blocked.values())
            more = f" (and {len(reasons) - 10} more)" if len(reasons) > 10 else ""
            raise ValidationError("These claims cannot be sent yet" + more + ":", reasons[:10])

    # ------------------------------------------------------------------ CMS-1500

    def forms(self, claim_ids: list[int], signed_on: dt.date | None = None) -> tuple[list[ClaimDocument], list[Any]]:
        """The claims and their CMS-1500 pages, for a preview or the print dialog (nothing is recorded)."""
        from app.formats.cms1500 import render_batch

        docs = self.documents.documents(claim_ids)
        return docs, render_batch(docs, signed_on=signed_on)

    def print_1500(
        self,
        claim_ids: list[int] | None,
        mode: str,
        path: Path,
        offset: tuple[float, float] = (0.0, 0.0),
        ctx: JobContext | None = None,
        on: dt.date | None = None,
    ) -> PrintResult:
        """Write the claims' forms to one PDF (every 'ready (paper)' claim when `claim_ids` is None) and mark
        them submitted (paper) in one batch."""
        from app.formats.pdf_forms import write_pdf

        ctx = ctx or JobContext()
        ids = self.ready("paper") if claim_ids is None else list(claim_ids)
        self.check_sendable(ids)
        ctx.report(0, 3, "Reading the claims")
        docs, pages = self.forms(ids, signed_on=on)
        ctx.report(1, 3, f"Writing {len(pages)} form(s)")
        path = Path(path)
        tmp = _tmp_beside(path)
        try:
            write_pdf(pages, tmp, mode=mode, offset=offset)
            ctx.report(2, 3, "Recording the batch")
            batch_id = self._record(docs, "paper", path.name, on, note=f"printed CMS-1500 ({mode}) to {path.name}")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        ctx.report(3, 3, "Printed")
        return PrintResult(batch_id, len(docs), len(pages), sum(d.total_charge_cents for d in docs), path)

    def record_printed(self, claim_ids: list[int], printer: str, on: dt.date | None = None) -> int:
        """After the print dialog sent the forms to a printer: mark the claims submitted (paper)."""
        self.check_sendable(claim_ids)
        docs = self.documents.documents(claim_ids)
        return self._record(docs, "paper", None, on, note=f"printed CMS-1500 on {printer or 'the printer'}")

    def alignment_pdf(self, path: Path, offset: tuple[float, float] = (0.0, 0.0)) -> Path:
        from app.formats.cms1500 import alignment_page
        from app.formats.pdf_forms import write_pdf

        write_pdf(alignment_page(), Path(path), mode="red", offset=offset, title="CMS-1500 alignment test")
        return Path(path)

    # ------------------------------------------------------------------ 837P

    def export_837p(
        self,
        claim_ids: list[int] | None,
        target: Path,
        ctx: JobContext | None = None,
        per: str | None = None,
        now: dt.datetime | None = None,
    ) -> list[ExportResult]:
        """Write the claims (every 'ready (electronic)' claim when None) as 837P files: one per payer, or one
        for the whole batch (setting `x12.file_per`). `target` is a file name, or a folder for one file per
        payer. Each file gets fresh control numbers, and its claims are marked submitted (electronic)."""
        ctx = ctx or JobContext()
        ids = self.ready("electronic") if claim_ids is None else list(claim_ids)
        self.check_sendable(ids)
        docs = self.documents.documents(ids)
        per = per or self.settings.get("x12.file_per")
        groups: dict[str | None, list[ClaimDocument]] = defaultdict(list)
        for doc in docs:
            groups[doc.insured.payer.payer_id if per == "payer" else None].append(doc)
        files = _file_names(Path(target), sorted(groups, key=lambda k: k or ""))
        results = []
        for n, key in enumerate(sorted(groups, key=lambda k: k or "")):
            ctx.report(n, len(groups), f"Writing {files[key].name}")
            results.append(self._export_group(groups[key], files[key], key, now))
        ctx.report(len(groups), len(groups), "Exported")
        return results

    def reexport(self, batch_id: int, target: Path, now: dt.datetime | None = None) -> ExportResult:
        """Write a sent electronic batch again (the clearinghouse lost it): the same claims, new control
        numbers, a new batch record; the claims' status does not change."""
        with self.db.session() as s:
            batch = s.get(SubmissionBatchRecord, batch_id)
            if batch is None or batch.method != "electronic":
                raise NotFoundError(f"No electronic batch {batch_id}.")
            ids = list(
                s.scalars(select(ClaimRecord.id).where(ClaimRecord.batch_id == batch_id).order_by(ClaimRecord.id))
            )
        if not ids:
            raise ClaimDeskError(f"Batch {batch_id} has no claims.")
        docs = self.documents.documents(ids)
        payers = {d.insured.payer.payer_id for d in docs}
        return self._export_group(docs, Path(target), payers.pop() if len(payers) == 1 else None, now, again=batch_id)

    def _export_group(
        self,
        docs: list[ClaimDocument],
        path: Path,
        payer: str | None,
        now: dt.datetime | None,
        again: int | None = None,
    ) -> ExportResult:
        from app.formats.x12 import write_837p

        stamp = now or dt.datetime.now()
        tmp = _tmp_beside(path)
        try:
            with self.db.transaction() as s:
                isa = self.settings.take_number(s, "x12.next_interchange")
                gs = self.settings.take_number(s, "x12.next_group")
                first_st = self.settings.take_number(s, "x12.next_transaction", count=max(1, -(-len(docs) // 5000)))
                envelope, submitter, receiver, delimiters = self._x12_parties(s, isa, gs, first_st)
                result = write_837p(docs, envelope, submitter, receiver, delimiters, created_at=stamp)
                tmp.write_text(result.text, encoding="ascii")
                batch = SubmissionBatchRecord(
                    method="electronic",
                    created_by=self.user,
                    file_name=path.name,
                    interchange_control_number=result.interchange_control_number,
                    group_control_number=result.group_control_number,
                    claim_count=result.claim_count,
                    total_charge_cents=result.total_charge_cents,
                )
                s.add(batch)
                s.flush()
                note = f"837P {path.name}, ISA {result.interchange_control_number:09d}"
                if again is None:
                    self.claims.submit_many_in(
                        s, [Submission(d.claim_id, batch.id, stamp.date(), _utc(stamp), note) for d in docs]
                    )
                else:
                    for d in docs:
                        s.add(
                            ClaimStatusEventRecord(
                                claim_id=d.claim_id,
                                status=_status_of(s, d.claim_id),
                                by_user=self.user,
                                at=_utc(stamp),
                                note=f"re-exported from batch {again}: {note}",
                            )
                        )
                s.add(
                    AuditLogRecord(
                        username=self.user,
                        action="837p_exported" if again is None else "837p_reexported",
                        entity="submission_batch",
                        entity_id=str(batch.id),
                        detail=f"{result.claim_count} claims, ISA {result.interchange_control_number}",
                    )
                )
                batch_id = batch.id
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return ExportResult(
            batch_id,
            path,
            payer,
            result.claim_count,
            result.total_charge_cents,
            result.interchange_control_number,
            result.group_control_number,
            result.transaction_control_numbers,
            path.stat().st_size,
        )

    def _x12_parties(self, s: Any, isa: int, gs: int, first_st: int) -> tuple[Any, Any, Any, Any]:
        from app.formats.x12 import Delimiters, Envelope, Receiver, Submitter

        get = lambda key: self.settings.get_in(s, key)  # noqa: E731
        practice = s.scalars(select(PracticeRecord).limit(1)).first()
        if practice is None:
            raise ClaimDeskError("The practice (billing provider) is not set up yet.")
        envelope = Envelope(
            sender_qualifier=get("x12.sender_qualifier"),
            sender_id=get("x12.sender_id"),
            receiver_qualifier=get("x12.receiver_qualifier"),
            receiver_id=get("x12.receiver_id"),
            app_sender_code=get("x12.application_sender"),
            app_receiver_code=get("x12.application_receiver"),
            interchange_control_number=isa,
            group_control_number=gs,
            usage_indicator=get("x12.usage"),
            first_transaction_control_number=first_st,
        )
        submitter = Submitter(
            name=get("x12.submitter_name") or practice.name,
            submitter_id=get("x12.sender_id"),
            contact_name=get("x12.submitter_contact") or "BILLING OFFICE",
            phone=get("x12.submitter_phone") or practice.phone or "",
        )
        receiver = Receiver(get("x12.receiver_name"), get("x12.receiver_id"))
        delimiters = Delimiters(
            segment=get("x12.segment_terminator"),
            element=get("x12.element_separator"),
            component=get("x12.component_separator"),
            repetition=get("x12.repetition_separator"),
        )
        return envelope, submitter, receiver, delimiters

    # ------------------------------------------------------------------ recording a paper batch

    def _record(
        self, docs: list[ClaimDocument], method: str, file_name: str | None, on: dt.date | None, note: str
    ) -> int:
        stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        day = on or dt.date.today()
        with self.db.transaction() as s:
            batch = SubmissionBatchRecord(
                method=method,
                created_by=self.user,
                file_name=file_name,
                claim_count=len(docs),
                total_charge_cents=sum(d.total_charge_cents for d in docs),
            )
            s.add(batch)
            s.flush()
            self.claims.submit_many_in(s, [Submission(d.claim_id, batch.id, day, stamp, note) for d in docs])
            s.add(
                AuditLogRecord(
                    username=self.user,
                    action=f"{method}_submitted",
                    entity="submission_batch",
                    entity_id=str(batch.id),
                    detail=f"{len(docs)} claims",
                )
            )
            return batch.id

    # ------------------------------------------------------------------ corrected and void claims

    def correct(self, claim_id: int, original_reference: str | None = None) -> int:
        """A replacement (frequency 7) of a sent claim, carrying the payer's claim number; the original stays
        in history. The new claim is a draft for the scrubber, like any other."""
        return self._follow_up(claim_id, "7", original_reference)

    def void(self, claim_id: int, original_reference: str | None = None) -> int:
        """A void (frequency 8) of a sent claim, carrying the payer's claim number."""
        return self._follow_up(claim_id, "8", original_reference)

    def _follow_up(self, claim_id: int, frequency: str, original_reference: str | None) -> int:
        what = "replacement" if frequency == "7" else "void"
        with self.db.transaction() as s:
            original = s.get(ClaimRecord, claim_id)
            if original is None:
                raise NotFoundError(f"No claim {claim_id}.")
            if original.status not in SENT:
                raise ClaimDeskError(
                    f"Claim {original.claim_number} is {original.status.replace('_', ' ')}: only a sent claim is "
                    f"corrected or voided (an unsent one is simply recoded)."
                )
            if original.frequency_code == "8":
                raise ClaimDeskError(f"Claim {original.claim_number} is itself a void.")
            pending = s.scalar(
                select(ClaimRecord.claim_number).where(
                    ClaimRecord.original_claim_id == claim_id,
                    ClaimRecord.status.in_(("draft", "needs_attention", "ready")),
                )
            )
            if pending:
                raise ClaimDeskError(f"Claim {pending} already follows up {original.claim_number} and is not sent yet.")
            reference = (original_reference or "").strip() or s.scalar(
                select(ClaimPaymentRecord.payer_claim_number)
                .where(ClaimPaymentRecord.claim_id == claim_id, ClaimPaymentRecord.payer_claim_number.is_not(None))
                .order_by(ClaimPaymentRecord.id.desc())
                .limit(1)
            )
            if not reference:
                raise ValidationError(
                    f"A {what} carries the payer's claim number for {original.claim_number} (from its remittance or "
                    "the payer's portal); none is on file, so give it."
                )
            stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            record = ClaimRecord(
                claim_number=f"TMP-{claim_id}-{frequency}-{stamp.timestamp()}",
                encounter_id=original.encounter_id,
                coverage_id=original.coverage_id,
                payer_id=original.payer_id,
                payer_sequence=original.payer_sequence,
                frequency_code=frequency,
                original_claim_id=original.id,
                original_reference=reference[:50],
                status="draft",
                submission_method=original.submission_method,
                total_charge_cents=original.total_charge_cents,
                first_billed_on=original.first_billed_on,
                created_at=stamp,
            )
            s.add(record)
            s.flush()
            from app.services.claims import claim_number

            record.claim_number = claim_number(record.id)
            for line in original.lines:
                record.lines.append(
                    ClaimLineRecord(
                        **{
                            c: getattr(line, c)
                            for c in ClaimLineRecord.__table__.columns.keys()  # noqa: SIM118
                            if c not in ("id", "claim_id")
                        }
                    )
                )
            record.history.append(
                ClaimStatusEventRecord(
                    status="draft", by_user=self.user, at=stamp, note=f"{what} of {original.claim_number} ({reference})"
                )
            )
            original.history.append(
                ClaimStatusEventRecord(
                    status=original.status,
                    by_user=self.user,
                    at=stamp,
                    note=f"{what} {record.claim_number} created",
                )
            )
            s.add(AuditLogRecord(username=self.user, action=f"claim_{what}", entity="claim", entity_id=str(record.id)))
            return record.id


def _status_of(s: Any, claim_id: int) -> str:
    return s.scalar(select(ClaimRecord.status).where(ClaimRecord.id == claim_id))


def _utc(stamp: dt.datetime) -> dt.datetime:
    """The database keeps UTC without a zone; a naive stamp is the user's local time."""
    return stamp.astimezone(dt.UTC).replace(tzinfo=None)


def _tmp_beside(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.writing")


def _file_names(target: Path, keys: list[str | None]) -> dict[str | None, Path]:
    """One file: the target itself. Several (one per payer): the target is a folder, or its name gets
    the payer id before the extension (claims.837 -> claims-DMO01.837)."""
    if len(keys) == 1 and not target.is_dir():
        return {keys[0]: target}
    if target.is_dir() or not target.suffix:
        target.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        return {k: target / f"837P-{k or 'batch'}-{stamp}.txt" for k in keys}
    return {k: target.with_name(f"{target.stem}-{k or 'batch'}{target.suffix}") for k in keys}
