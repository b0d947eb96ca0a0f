"""Every record of the practice database: setup, patients, encounters, claims, remittances and the ledger.

Money columns are integer cents (`*_cents`), never float. Ledger rows are append-only: a correction
is a new row that points at the row it reverses.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, BulkInsertMixin


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# --------------------------------------------------------------------------- practice setup


class PracticeRecord(Base):
    """The billing provider: the practice that bills and gets paid (837 loop 2010AA, CMS-1500 item 33)."""

    __tablename__ = "practice"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    npi: Mapped[str] = mapped_column(String(10))
    tin: Mapped[str] = mapped_column(String(9))
    tin_type: Mapped[str] = mapped_column(String(3), default="EIN")
    taxonomy: Mapped[str] = mapped_column(String(10))
    address1: Mapped[str] = mapped_column(String(55))
    address2: Mapped[str | None] = mapped_column(String(55))
    city: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(9))
    phone: Mapped[str | None] = mapped_column(String(15))
    medicare_locality: Mapped[str | None] = mapped_column(String(12))


class ProviderRecord(Base):
    """A rendering or referring provider, known by NPI."""

    __tablename__ = "provider"
    id: Mapped[int] = mapped_column(primary_key=True)
    npi: Mapped[str] = mapped_column(String(10), unique=True)
    first_name: Mapped[str] = mapped_column(String(35))
    last_name: Mapped[str] = mapped_column(String(60))
    credential: Mapped[str | None] = mapped_column(String(10))
    taxonomy: Mapped[str | None] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(10), default="rendering")
    active: Mapped[bool] = mapped_column(default=True)
    __table_args__ = (
        CheckConstraint("role IN ('rendering','referring')", name="role"),
        Index("ix_provider_name", "last_name", "first_name"),
    )


class FacilityRecord(Base):
    """A service facility location (837 loop 2310C, CMS-1500 item 32)."""

    __tablename__ = "facility"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    npi: Mapped[str | None] = mapped_column(String(10))
    address1: Mapped[str] = mapped_column(String(55))
    address2: Mapped[str | None] = mapped_column(String(55))
    city: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(9))
    default_place_of_service: Mapped[str] = mapped_column(String(2))


class PayerRecord(Base):
    """An insurance payer, known by its electronic payer id."""

    __tablename__ = "payer"
    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    claim_filing_indicator: Mapped[str] = mapped_column(String(2))
    address1: Mapped[str | None] = mapped_column(String(55))
    address2: Mapped[str | None] = mapped_column(String(55))
    city: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str | None] = mapped_column(String(2))
    zip: Mapped[str | None] = mapped_column(String(9))
    timely_filing_days: Mapped[int] = mapped_column(default=365)
    submission_method: Mapped[str] = mapped_column(String(10), default="electronic")
    __table_args__ = (
        CheckConstraint("submission_method IN ('electronic','paper')", name="submission_method"),
        CheckConstraint("timely_filing_days > 0", name="timely_filing_days"),
    )


class FeeScheduleEntryRecord(BulkInsertMixin, Base):
    """What a payer allows for a code and modifier over a period (expected payment)."""

    __tablename__ = "fee_schedule_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"))
    code: Mapped[str] = mapped_column(String(5))
    modifier: Mapped[str] = mapped_column(String(2), default="")
    allowed_cents: Mapped[int]
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    __table_args__ = (
        UniqueConstraint("payer_id", "code", "modifier", "effective_from"),
        CheckConstraint("allowed_cents >= 0", name="allowed_cents"),
    )


class ChargeMasterItemRecord(Base):
    """The practice's own price and short name for a code (never AMA descriptor text)."""

    __tablename__ = "charge_master_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(5))
    modifier: Mapped[str] = mapped_column(String(2), default="")
    short_name: Mapped[str] = mapped_column(String(60))
    price_cents: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    __table_args__ = (
        UniqueConstraint("code", "modifier"),
        CheckConstraint("price_cents >= 0", name="price_cents"),
    )


# --------------------------------------------------------------------------- patients


class PatientRecord(BulkInsertMixin, Base):
    __tablename__ = "patient"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_number: Mapped[str] = mapped_column(String(20), unique=True)
    last_name: Mapped[str] = mapped_column(String(60))
    first_name: Mapped[str] = mapped_column(String(35))
    middle_name: Mapped[str | None] = mapped_column(String(25))
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    address1: Mapped[str] = mapped_column(String(55))
    address2: Mapped[str | None] = mapped_column(String(55))
    city: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(9))
    phone: Mapped[str | None] = mapped_column(String(15))
    guarantor_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    statement_hold: Mapped[bool] = mapped_column(default=False)
    payment_plan: Mapped[bool] = mapped_column(default=False)
    __table_args__ = (
        CheckConstraint("sex IN ('M','F','U')", name="sex"),
        Index("ix_patient_name", "last_name", "first_name"),
    )


class CoverageRecord(BulkInsertMixin, Base):
    """A patient's insurance: payer, member, subscriber and priority (1 primary, 2 secondary, 3 tertiary)."""

    __tablename__ = "coverage"
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"))
    priority: Mapped[int]
    member_id: Mapped[str] = mapped_column(String(30))
    group_number: Mapped[str | None] = mapped_column(String(30))
    relationship_code: Mapped[str] = mapped_column(String(2), default="18")
    subscriber_last_name: Mapped[str] = mapped_column(String(60))
    subscriber_first_name: Mapped[str] = mapped_column(String(35))
    subscriber_date_of_birth: Mapped[dt.date] = mapped_column(Date)
    subscriber_sex: Mapped[str] = mapped_column(String(1))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    copay_cents: Mapped[int] = mapped_column(default=0)
    __table_args__ = (
        UniqueConstraint("patient_id", "payer_id", "member_id"),
        CheckConstraint("priority IN (1,2,3)", name="priority"),
        CheckConstraint("copay_cents >= 0", name="copay_cents"),
    )


class EligibilityCheckRecord(Base):
    __tablename__ = "eligibility_check"
    id: Mapped[int] = mapped_column(primary_key=True)
    coverage_id: Mapped[int] = mapped_column(ForeignKey("coverage.id"), index=True)
    encounter_id: Mapped[int | None] = mapped_column(ForeignKey("encounter.id"), index=True)
    checked_on: Mapped[dt.date] = mapped_column(Date)
    checked_by: Mapped[str] = mapped_column(String(40))
    result: Mapped[str] = mapped_column(String(10))
    copay_cents: Mapped[int | None]
    deductible_remaining_cents: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (CheckConstraint("result IN ('active','inactive','unknown')", name="result"),)


# --------------------------------------------------------------------------- encounters and coding


class EncounterRecord(BulkInsertMixin, Base):
    """A visit to be coded and billed. `total_charge_cents` and `primary_payer_id` are kept in step by
    the services so the worklist can sort 100,000 rows on an index instead of aggregating."""

    __tablename__ = "encounter"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(String(40), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    date_of_service: Mapped[dt.date] = mapped_column(Date, index=True)
    rendering_provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    referring_provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"))
    place_of_service: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(15), default="new", index=True)
    hold_reason: Mapped[str | None] = mapped_column(String(60))
    query_text: Mapped[str | None] = mapped_column(Text)
    prior_authorization: Mapped[str | None] = mapped_column(String(50))
    note_text: Mapped[str] = mapped_column(Text, default="")
    primary_payer_id: Mapped[int | None] = mapped_column(ForeignKey("payer.id"), index=True)
    total_charge_cents: Mapped[int] = mapped_column(default=0, index=True)
    coded_by: Mapped[str | None] = mapped_column(String(40))
    coded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)

    diagnoses: Mapped[list[EncounterDiagnosisRecord]] = relationship(
        order_by="EncounterDiagnosisRecord.sequence", cascade="all, delete-orphan"
    )
    service_lines: Mapped[list[ServiceLineRecord]] = relationship(
        order_by="ServiceLineRecord.line_number", cascade="all, delete-orphan"
    )
    __table_args__ = (
        CheckConstraint("status IN ('new','in_coding','on_hold','coded','ready_to_bill','billed')", name="status"),
        Index("ix_encounter_status_dos", "status", "date_of_service"),
    )


class EncounterDiagnosisRecord(BulkInsertMixin, Base):
    __tablename__ = "encounter_diagnosis"
    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounter.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int]
    code: Mapped[str] = mapped_column(String(8))
    __table_args__ = (
        UniqueConstraint("encounter_id", "sequence"),
        CheckConstraint("sequence BETWEEN 1 AND 12", name="sequence"),
    )


class ServiceLineRecord(BulkInsertMixin, Base):
    """A procedure on an encounter. Diagnosis pointers are 1-12 (shown as letters A-L)."""

    __tablename__ = "service_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounter.id", ondelete="CASCADE"), index=True)
    line_number: Mapped[int]
    code: Mapped[str] = mapped_column(String(5))
    modifier1: Mapped[str | None] = mapped_column(String(2))
    modifier2: Mapped[str | None] = mapped_column(String(2))
    modifier3: Mapped[str | None] = mapped_column(String(2))
    modifier4: Mapped[str | None] = mapped_column(String(2))
    units: Mapped[int] = mapped_column(default=1)
    charge_cents: Mapped[int]
    pointer1: Mapped[int | None]
    pointer2: Mapped[int | None]
    pointer3: Mapped[int | None]
    pointer4: Mapped[int | None]
    date_from: Mapped[dt.date] = mapped_column(Date)
    date_to: Mapped[dt.date] = mapped_column(Date)
    place_of_service: Mapped[str | None] = mapped_column(String(2))
    rendering_provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    ndc: Mapped[str | None] = mapped_column(String(11))
    ndc_quantity: Mapped[str | None] = mapped_column(String(15))
    ndc_unit: Mapped[str | None] = mapped_column(String(2))
    __table_args__ = (
        UniqueConstraint("encounter_id", "line_number"),
        CheckConstraint("units > 0", name="units"),
        CheckConstraint("charge_cents >= 0", name="charge_cents"),
    )


# --------------------------------------------------------------------------- claims


class SubmissionBatchRecord(Base):
    """One print run or one 837 file, with the control numbers it used."""

    __tablename__ = "submission_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    method: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    created_by: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str | None] = mapped_column(String(260))
    interchange_control_number: Mapped[int | None]
    group_control_number: Mapped[int | None]
    claim_count: Mapped[int] = mapped_column(default=0)
    total_charge_cents: Mapped[int] = mapped_column(default=0)
    __table_args__ = (CheckConstraint("method IN ('electronic','paper')", name="method"),)


class ClaimRecord(BulkInsertMixin, Base):
    __tablename__ = "claim"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_number: Mapped[str] = mapped_column(String(38), unique=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounter.id"), index=True)
    coverage_id: Mapped[int | None] = mapped_column(ForeignKey("coverage.id"))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payer.id"), index=True)
    payer_sequence: Mapped[int] = mapped_column(default=1)
    frequency_code: Mapped[str] = mapped_column(String(1), default="1")
    original_claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"))
    original_reference: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(25), default="draft", index=True)
    submission_method: Mapped[str] = mapped_column(String(10), default="electronic")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("submission_batch.id"))
    total_charge_cents: Mapped[int] = mapped_column(default=0)
    first_billed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    lines: Mapped[list[ClaimLineRecord]] = relationship(
        order_by="ClaimLineRecord.line_number", cascade="all, delete-orphan"
    )
    history: Mapped[list[ClaimStatusEventRecord]] = relationship(
        order_by="ClaimStatusEventRecord.id", cascade="all, delete-orphan"
    )
    batch: Mapped[SubmissionBatchRecord | None] = relationship()
    __table_args__ = (
        CheckConstraint("frequency_code IN ('1','7','8')", name="frequency_code"),
        CheckConstraint("payer_sequence IN (1,2,3)", name="payer_sequence"),
        CheckConstraint(
            "status IN ('draft','needs_attention','ready','submitted','accepted','rejected',"
            "'paid','partially_paid','denied','closed','void')",
            name="status",
        ),
        # The Claims panel counts by status and method, and sorts by charge, over every claim.
        Index("ix_claim_status_method", "status", "submission_method"),
        Index("ix_claim_total_charge", "total_charge_cents"),
    )


class ClaimStatusEventRecord(BulkInsertMixin, Base):
    __tablename__ = "claim_status_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(25))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    by_user: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)


class ClaimLineRecord(BulkInsertMixin, Base):
    __tablename__ = "claim_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    service_line_id: Mapped[int] = mapped_column(ForeignKey("service_line.id"), index=True)
    line_number: Mapped[int]
    code: Mapped[str] = mapped_column(String(5))
    modifier1: Mapped[str | None] = mapped_column(String(2))
    modifier2: Mapped[str | None] = mapped_column(String(2))
    modifier3: Mapped[str | None] = mapped_column(String(2))
    modifier4: Mapped[str | None] = mapped_column(String(2))
    units: Mapped[int]
    charge_cents: Mapped[int]
    pointer1: Mapped[int | None]
    pointer2: Mapped[int | None]
    pointer3: Mapped[int | None]
    pointer4: Mapped[int | None]
    date_from: Mapped[dt.date] = mapped_column(Date)
    date_to: Mapped[dt.date] = mapped_column(Date)
    place_of_service: Mapped[str | None] = mapped_column(String(2))
    ndc: Mapped[str | None] = mapped_column(String(11))
    __table_args__ = (UniqueConstraint("claim_id", "line_number"),)


class ScrubFindingRecord(BulkInsertMixin, Base):
    __tablename__ = "scrub_finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    claim_line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_line.id", ondelete="CASCADE"))
    edit_id: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(7))
    message: Mapped[str] = mapped_column(Text)
    fix_hint: Mapped[str | None] = mapped_column(Text)
    carc: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    overridden_by: Mapped[str | None] = mapped_column(String(40))
    overridden_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    override_reason: Mapped[str | None] = mapped_column(Text)
    # Where to fix it ('coding.line.2.modifiers', 'coverage.1.member_id', 'practice.zip', ...) and a stable
    # key (edit, line, codes) so an override survives a re-scrub that finds the same thing again.
    field: Mapped[str | None] = mapped_column(String(60))
    fingerprint: Mapped[str] = mapped_column(String(120), default="")
    scrub_run_id: Mapped[int | None] = mapped_column(ForeignKey("scrub_run.id"))
    __table_args__ = (CheckConstraint("severity IN ('error','warning')", name="severity"),)


class ScrubRunRecord(Base):
    """One run of the scrubber over a set of claims, kept for the clean-claim rate."""

    __tablename__ = "scrub_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    by_user: Mapped[str] = mapped_column(String(40))
    claims: Mapped[int]
    clean: Mapped[int]
    errors: Mapped[int]
    warnings: Mapped[int]
    editions: Mapped[str | None] = mapped_column(Text)  # which edit tables were in force, in words


class PayerRuleRecord(Base):
    """A rule the practice configures for one payer (or every payer when payer_id is NULL), checked by the
    scrubber without code changes. `rule_json` holds the validated `app.domain.payer_rules.PayerRule`."""

    __tablename__ = "payer_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payer.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    rule_json: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class LocalEditRecord(Base):
    """The practice's own edit table: its add-on code list where CMS's file is absent, or the demo practice's
    small PTP/MUE table. `source` always says whose it is ('DEMO DATA - not CMS', 'practice list'), and the
    scrubber quotes it, so local rows are never presented as CMS edits."""

    __tablename__ = "local_edit"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(5))
    code1: Mapped[str] = mapped_column(String(5), index=True)
    code2: Mapped[str | None] = mapped_column(String(5))
    modifier_indicator: Mapped[str | None] = mapped_column(String(1))
    max_units: Mapped[int | None]
    mue_indicator: Mapped[int | None]
    effective_from: Mapped[dt.date] = mapped_column(Date)
    deleted_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint("kind IN ('ptp','mue','addon')", name="kind"),
        CheckConstraint("modifier_indicator IS NULL OR modifier_indicator IN ('0','1','9')", name="modifier_indicator"),
    )


# --------------------------------------------------------------------------- remittances


class RemittanceRecord(Base):
    """One check or EFT: a paper EOB batch or an 835 transaction, identified so it posts once."""

    __tablename__ = "remittance"
    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payer.id"), index=True)
    source: Mapped[str] = mapped_column(String(5))
    check_number: Mapped[str] = mapped_column(String(50))
    check_date: Mapped[dt.date] = mapped_column(Date)
    deposit_date: Mapped[dt.date | None] = mapped_column(Date)
    payment_method: Mapped[str] = mapped_column(String(3), default="CHK")
    total_cents: Mapped[int]
    batch_name: Mapped[str | None] = mapped_column(String(60))
    file_name: Mapped[str | None] = mapped_column(String(260))
    file_identity: Mapped[str | None] = mapped_column(String(128), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    created_by: Mapped[str] = mapped_column(String(40))
    __table_args__ = (
        CheckConstraint("source IN ('paper','835')", name="source"),
        CheckConstraint("status IN ('open','finished')", name="status"),
    )


class ClaimPaymentRecord(BulkInsertMixin, Base):
    """A payer's decision on one claim (835 CLP or one claim on a paper EOB)."""

    __tablename__ = "claim_payment"
    id: Mapped[int] = mapped_column(primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittance.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    status_code: Mapped[str] = mapped_column(String(2))
    patient_control_number: Mapped[str] = mapped_column(String(38))
    charge_cents: Mapped[int]
    paid_cents: Mapped[int]
    patient_responsibility_cents: Mapped[int] = mapped_column(default=0)
    payer_claim_number: Mapped[str | None] = mapped_column(String(50))
    unmatched_reason: Mapped[str | None] = mapped_column(Text)

    remittance: Mapped[RemittanceRecord] = relationship(cascade="")
    line_payments: Mapped[list[LinePaymentRecord]] = relationship(
        order_by="LinePaymentRecord.id", back_populates="claim_payment"
    )


class LinePaymentRecord(BulkInsertMixin, Base):
    __tablename__ = "line_payment"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_payment_id: Mapped[int] = mapped_column(ForeignKey("claim_payment.id"), index=True)
    claim_line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_line.id"), index=True)
    code: Mapped[str] = mapped_column(String(5))
    modifiers: Mapped[str | None] = mapped_column(String(11))
    original_code: Mapped[str | None] = mapped_column(String(5))
    units: Mapped[int] = mapped_column(default=1)
    charge_cents: Mapped[int]
    allowed_cents: Mapped[int | None]
    paid_cents: Mapped[int]
    service_date: Mapped[dt.date | None] = mapped_column(Date)

    claim_payment: Mapped[ClaimPaymentRecord] = relationship(back_populates="line_payments")


class AdjustmentRecord(BulkInsertMixin, Base):
    """A CAS adjustment: group (CO/PR/OA/PI/CR), CARC and amount, at claim or line level."""

    __tablename__ = "adjustment"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_payment_id: Mapped[int] = mapped_column(ForeignKey("claim_payment.id"), index=True)
    line_payment_id: Mapped[int | None] = mapped_column(ForeignKey("line_payment.id"), index=True)
    group_code: Mapped[str] = mapped_column(String(2))
    carc: Mapped[str] = mapped_column(String(5))
    amount_cents: Mapped[int]
    quantity: Mapped[int | None]

    claim_payment: Mapped[ClaimPaymentRecord] = relationship(cascade="")
    line_payment: Mapped[LinePaymentRecord | None] = relationship(cascade="")
    __table_args__ = (CheckConstraint("group_code IN ('CO','PR','OA','PI','CR')", name="group_code"),)


class RemarkCodeRecord(BulkInsertMixin, Base):
    __tablename__ = "remark_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_payment_id: Mapped[int] = mapped_column(ForeignKey("claim_payment.id"), index=True)
    line_payment_id: Mapped[int | None] = mapped_column(ForeignKey("line_payment.id"))
    code: Mapped[str] = mapped_column(String(6))

    claim_payment: Mapped[ClaimPaymentRecord] = relationship(cascade="")
    line_payment: Mapped[LinePaymentRecord | None] = relationship(cascade="")


class ProviderAdjustmentRecord(Base):
    """An 835 PLB entry: interest, offsets, recoupments at provider level."""

    __tablename__ = "provider_adjustment"
    id: Mapped[int] = mapped_column(primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittance.id"), index=True)
    reason_code: Mapped[str] = mapped_column(String(2))
    reference: Mapped[str | None] = mapped_column(String(50))
    amount_cents: Mapped[int]
    fiscal_period_date: Mapped[dt.date | None] = mapped_column(Date)


class UnappliedCreditRecord(Base):
    """Money on a check that could not be applied to a claim, parked with a reason."""

    __tablename__ = "unapplied_credit"
    id: Mapped[int] = mapped_column(primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittance.id"), index=True)
    amount_cents: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class PatientPaymentRecord(Base):
    """Money received from a patient or guarantor at the front desk or by mail."""

    __tablename__ = "patient_payment"
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    received_on: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str | None] = mapped_column(String(50))
    amount_cents: Mapped[int]
    created_by: Mapped[str] = mapped_column(String(40))
    __table_args__ = (
        CheckConstraint("method IN ('cash','check','card','other')", name="method"),
        CheckConstraint("amount_cents > 0", name="amount_cents"),
    )


# --------------------------------------------------------------------------- the ledger


class LedgerEntryRecord(BulkInsertMixin, Base):
    """One append-only movement of money on a service line.

    `party` says who the amount is owed by: 'ins1'/'ins2'/'ins3' (payer in coverage order) or
    'patient'. A positive amount increases what that party owes; payments and adjustments are
    negative. A transfer is two rows in one `txn_id`. A reversal negates exactly one earlier row.
    """

    __tablename__ = "ledger_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    txn_id: Mapped[str] = mapped_column(String(36), index=True)
    service_line_id: Mapped[int] = mapped_column(ForeignKey("service_line.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    party: Mapped[str] = mapped_column(String(7))
    amount_cents: Mapped[int]
    effective_date: Mapped[dt.date] = mapped_column(Date, index=True)
    posted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    posted_by: Mapped[str] = mapped_column(String(40))
    adjustment_type: Mapped[str | None] = mapped_column(String(20))
    group_code: Mapped[str | None] = mapped_column(String(2))
    carc: Mapped[str | None] = mapped_column(String(5))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payer.id"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    remittance_id: Mapped[int | None] = mapped_column(ForeignKey("remittance.id"))
    line_payment_id: Mapped[int | None] = mapped_column(ForeignKey("line_payment.id"))
    patient_payment_id: Mapped[int | None] = mapped_column(ForeignKey("patient_payment.id"))
    reverses_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    memo: Mapped[str | None] = mapped_column(Text)

    # Relationships let one unit of work post a whole remittance with a single flush.
    claim: Mapped[ClaimRecord | None] = relationship(cascade="")
    remittance: Mapped[RemittanceRecord | None] = relationship(cascade="")
    line_payment: Mapped[LinePaymentRecord | None] = relationship(cascade="")
    __table_args__ = (
        CheckConstraint(
            "kind IN ('charge','insurance_payment','patient_payment','adjustment','transfer','refund','reversal')",
            name="kind",
        ),
        CheckConstraint("party IN ('ins1','ins2','ins3','patient')", name="party"),
    )


# --------------------------------------------------------------------------- statements and follow-up


class StatementRunRecord(Base):
    __tablename__ = "statement_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    as_of: Mapped[dt.date] = mapped_column(Date)
    run_by: Mapped[str] = mapped_column(String(40))
    criteria_json: Mapped[str] = mapped_column(Text, default="{}")
    statement_count: Mapped[int] = mapped_column(default=0)
    total_due_cents: Mapped[int] = mapped_column(default=0)


class StatementRecord(BulkInsertMixin, Base):
    """One statement sent to a guarantor; `content_json` keeps exactly what was printed for reprints."""

    __tablename__ = "statement"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("statement_run.id"), index=True)
    guarantor_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    statement_date: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date)
    amount_due_cents: Mapped[int]
    statement_number: Mapped[int]
    dunning_tier: Mapped[int] = mapped_column(default=0)
    content_json: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class DenialRecord(BulkInsertMixin, Base):
    __tablename__ = "denial"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    claim_line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_line.id"))
    claim_payment_id: Mapped[int | None] = mapped_column(ForeignKey("claim_payment.id"))
    group_code: Mapped[str] = mapped_column(String(2))
    carc: Mapped[str] = mapped_column(String(5))
    rarc: Mapped[str | None] = mapped_column(String(6))
    amount_cents: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    claim_payment: Mapped[ClaimPaymentRecord | None] = relationship(cascade="")
    __table_args__ = (
        CheckConstraint("status IN ('open','appealed','resubmitted','resolved','written_off')", name="status"),
    )


class AppealRecord(Base):
    __tablename__ = "appeal"
    id: Mapped[int] = mapped_column(primary_key=True)
    denial_id: Mapped[int] = mapped_column(ForeignKey("denial.id"), index=True)
    level: Mapped[int] = mapped_column(default=1)
    filed_on: Mapped[dt.date | None] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    letter_text: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(40))


class FollowUpNoteRecord(Base):
    """A note on a claim or account, with the tickler date for the next action."""

    __tablename__ = "follow_up_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    next_action_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    created_by: Mapped[str] = mapped_column(String(40))


# --------------------------------------------------------------------------- reference, users and audit


class CodeSetVersionRecord(Base):
    """Which release of each code set this practice database was checked against."""

    __tablename__ = "code_set_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_system: Mapped[str] = mapped_column(String(20))
    release: Mapped[str] = mapped_column(String(40))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    source_file: Mapped[str | None] = mapped_column(String(260))
    checksum: Mapped[str | None] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    __table_args__ = (UniqueConstraint("code_system", "release"),)


class UserRecord(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(default=True)
    __table_args__ = (CheckConstraint("role IN ('admin','coder','biller','front_desk')", name="role"),)


class AuditLogRecord(BulkInsertMixin, Base):
    """Who did what to which record, and when. Never patient data in `detail`, only ids and actions."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    username: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)


class SettingRecord(Base):
    """Small typed settings and counters (e.g. the next interchange control number)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
