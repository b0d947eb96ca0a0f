"""Build `ClaimDocument`s: each claim with its practice, patient, coverage, providers and, for a later
payer, what the earlier payers did (from their posted remittances). One batch reads every table once."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.chunking import chunked as _chunks
from app.domain.claim_document import (
    Address,
    Adjustment,
    ClaimDocument,
    DocumentLine,
    Insured,
    LineAdjudication,
    OtherPayer,
    Payer,
    Person,
    Provider,
)
from app.errors import ClaimDeskError, NotFoundError
from db.models import (
    AdjustmentRecord,
    ClaimLineRecord,
    ClaimPaymentRecord,
    ClaimRecord,
    CoverageRecord,
    EncounterRecord,
    FacilityRecord,
    LedgerEntryRecord,
    LinePaymentRecord,
    PatientRecord,
    PayerRecord,
    PracticeRecord,
    ProviderRecord,
    RemittanceRecord,
)
from db.session import Database


class ClaimDocumentService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def documents(self, claim_ids: list[int]) -> list[ClaimDocument]:
        """The claims as they go out, in the order given."""
        with self.db.session() as s:
            return self.documents_in(s, claim_ids)

    def documents_in(self, s: Session, claim_ids: list[int]) -> list[ClaimDocument]:
        out: dict[int, ClaimDocument] = {}
        practice = s.scalars(select(PracticeRecord).limit(1)).first()
        if practice is None:
            raise ClaimDeskError("The practice (billing provider) is not set up yet.")
        billing = Provider(
            last_name=practice.name,
            first_name=None,
            npi=practice.npi,
            taxonomy=practice.taxonomy,
            tin=practice.tin,
            tin_type=practice.tin_type,
            address=Address(practice.address1, practice.address2, practice.city, practice.state, practice.zip),
            phone=practice.phone,
        )
        payers = {p.id: p for p in s.scalars(select(PayerRecord))}
        providers = {p.id: p for p in s.scalars(select(ProviderRecord))}
        facilities = {f.id: f for f in s.scalars(select(FacilityRecord))}
        for chunk in _chunks(claim_ids):
            claims = s.scalars(
                select(ClaimRecord).where(ClaimRecord.id.in_(chunk)).options(selectinload(ClaimRecord.lines))
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
            coverages: dict[int, list[CoverageRecord]] = defaultdict(list)
            for c in s.scalars(select(CoverageRecord).where(CoverageRecord.patient_id.in_(patients))):
                coverages[c.patient_id].append(c)
            earlier = _earlier_adjudications(s, claims)
            patient_paid = _patient_paid(s, [sl.id for e in encounters.values() for sl in e.service_lines])
            for claim in claims:
                enc = encounters[claim.encounter_id]
                pt = patients[enc.patient_id]
                if claim.coverage_id is None or claim.payer_id is None:
                    raise ClaimDeskError(f"Claim {claim.claim_number} has no payer.")
                by_id = {c.id: c for c in coverages[pt.id]}
                this = by_id[claim.coverage_id]
                in_force = sorted(
                    (
                        c
                        for c in coverages[pt.id]
                        if c.effective_from <= enc.date_of_service
                        and (c.effective_to is None or enc.date_of_service <= c.effective_to)
                    ),
                    key=lambda c: c.priority,
                )
                patient = _person(pt)
                before = [c.payer_id for c in in_force if c.priority < this.priority]
                others = []
                for cov in in_force:
                    if cov.id == this.id:
                        continue
                    paid = earlier.get((claim.encounter_id, cov.payer_id)) if cov.priority < this.priority else None
                    others.append(
                        OtherPayer(
                            insured=_insured(cov, payers[cov.payer_id], patient),
                            paid_cents=paid.paid_cents if paid else None,
                            claim_adjustments=paid.claim_adjustments if paid else (),
                            adjudicated_on=paid.adjudicated_on if paid else None,
                            payer_claim_number=paid.payer_claim_number if paid else None,
                        )
                    )
                rendering_id = enc.rendering_provider_id
                service_lines = {sl.id: sl for sl in enc.service_lines}
                lines = []
                for ln in claim.lines:
                    sl = service_lines.get(ln.service_line_id)
                    line_rendering = sl.rendering_provider_id if sl and sl.rendering_provider_id else rendering_id
                    adjudications = tuple(
                        adj
                        for payer_pk in before
                        if (paid := earlier.get((claim.encounter_id, payer_pk))) is not None
                        for adj in paid.lines.get(ln.service_line_id, ())
                    )
                    lines.append(
                        DocumentLine(
                            number=ln.line_number,
                            date_from=ln.date_from,
                            date_to=ln.date_to,
                            place_of_service=ln.place_of_service or enc.place_of_service,
                            code=ln.code,
                            modifiers=tuple(m for m in (ln.modifier1, ln.modifier2, ln.modifier3, ln.modifier4) if m),
                            units=ln.units,
                            charge_cents=ln.charge_cents,
                            pointers=tuple(p for p in (ln.pointer1, ln.pointer2, ln.pointer3, ln.pointer4) if p),
                            rendering=_provider(providers[line_rendering]) if line_rendering != rendering_id else None,
                            ndc=ln.ndc,
                            ndc_quantity=sl.ndc_quantity if sl else None,
                            ndc_unit=sl.ndc_unit if sl else None,
                            adjudications=adjudications,
                        )
                    )
                facility = facilities.get(enc.facility_id)
                out[claim.id] = ClaimDocument(
                    claim_id=claim.id,
                    claim_number=claim.claim_number,
                    frequency_code=claim.frequency_code,
                    original_reference=claim.original_reference,
                    submission_method=claim.submission_method,
                    billing=billing,
                    patient=patient,
                    account_number=pt.account_number,
                    insured=_insured(this, payers[this.payer_id], patient),
                    other_payers=tuple(others),
                    diagnoses=tuple(d.code for d in enc.diagnoses),
                    lines=tuple(lines),
                    place_of_service=enc.place_of_service,
                    rendering=_provider(providers[rendering_id]),
                    referring=_provider(providers[enc.referring_provider_id]) if enc.referring_provider_id else None,
                    facility=_facility(facility, billing) if facility else None,
                    prior_authorization=enc.prior_authorization,
                    date_of_service=enc.date_of_service,
                    patient_paid_cents=sum(patient_paid.get(sl.id, 0) for sl in enc.service_lines),
                )
        missing = [cid for cid in claim_ids if cid not in out]
        if missing:
            raise NotFoundError(f"No claim {', '.join(map(str, missing[:5]))}.")
        return [out[cid] for cid in claim_ids]


class _Paid:
    """One earlier payer's latest adjudication of an encounter's claim."""

    def __init__(self, cp: ClaimPaymentRecord, payer_id: str, on: object) -> None:
        self.claim_payment_id = cp.id
        self.paid_cents = cp.paid_cents
        self.payer_claim_number = cp.payer_claim_number
        self.adjudicated_on = on
        self.claim_adjustments: tuple[Adjustment, ...] = ()
        self.lines: dict[int, list[LineAdjudication]] = defaultdict(list)
        self.payer_id = payer_id


def _earlier_adjudications(s: Session, claims: list[ClaimRecord]) -> dict[tuple[int, int], _Paid]:
    """(encounter, payer) -> the latest posted claim payment of that payer for that encounter's claims."""
    encounter_ids = {c.encounter_id for c in claims}
    rows = s.execute(
        select(ClaimPaymentRecord, ClaimRecord.encounter_id, ClaimRecord.payer_id, RemittanceRecord.check_date)
        .join(ClaimRecord, ClaimRecord.id == ClaimPaymentRecord.claim_id)
        .join(RemittanceRecord, RemittanceRecord.id == ClaimPaymentRecord.remittance_id)
        .where(ClaimRecord.encounter_id.in_(encounter_ids), ClaimPaymentRecord.status_code != "22")
        .order_by(ClaimPaymentRecord.id)
    ).all()
    if not rows:
        return {}
    payer_codes = dict(s.execute(select(PayerRecord.id, PayerRecord.payer_id)).all())
    found: dict[tuple[int, int], _Paid] = {}
    for cp, enc_id, payer_id, check_date in rows:
        found[(enc_id, payer_id)] = _Paid(cp, payer_codes.get(payer_id, ""), check_date)
    by_payment = {paid.claim_payment_id: key for key, paid in found.items()}
    adjustments = s.scalars(select(AdjustmentRecord).where(AdjustmentRecord.claim_payment_id.in_(by_payment)))
    line_adjs: dict[int, list[Adjustment]] = defaultdict(list)
    for a in adjustments:
        adj = Adjustment(a.group_code, a.carc, a.amount_cents, a.quantity)
        if a.line_payment_id is None:
            paid = found[by_payment[a.claim_payment_id]]
            paid.claim_adjustments = (*paid.claim_adjustments, adj)
        else:
            line_adjs[a.line_payment_id].append(adj)
    line_payments = s.execute(
        select(LinePaymentRecord, ClaimLineRecord.service_line_id)
        .join(ClaimLineRecord, ClaimLineRecord.id == LinePaymentRecord.claim_line_id)
        .where(LinePaymentRecord.claim_payment_id.in_(by_payment))
    ).all()
    for lp, service_line_id in line_payments:
        paid = found[by_payment[lp.claim_payment_id]]
        paid.lines[service_line_id].append(
            LineAdjudication(
                payer_id=paid.payer_id,
                code=lp.code,
                modifiers=tuple(m for m in (lp.modifiers or "").split(":") if m),
                units=lp.units,
                paid_cents=lp.paid_cents,
                adjustments=tuple(line_adjs.get(lp.id, ())),
                adjudicated_on=paid.adjudicated_on,  # type: ignore[arg-type]
            )
        )
    return found


def _patient_paid(s: Session, service_line_ids: list[int]) -> dict[int, int]:
    """Patient payments applied to each line (item 29 'amount paid'), as positive cents."""
    paid: dict[int, int] = defaultdict(int)
    for chunk in _chunks(service_line_ids):
        for line_id, amount in s.execute(
            select(LedgerEntryRecord.service_line_id, LedgerEntryRecord.amount_cents).where(
                LedgerEntryRecord.service_line_id.in_(chunk), LedgerEntryRecord.kind == "patient_payment"
            )
        ):
            paid[line_id] -= amount
    return paid


def _person(p: PatientRecord) -> Person:
    return Person(
        p.last_name,
        p.first_name,
        p.middle_name,
        p.date_of_birth,
        p.sex,
        Address(p.address1, p.address2, p.city, p.state, p.zip),
        p.phone,
    )


def _insured(c: CoverageRecord, payer: PayerRecord, patient: Person) -> Insured:
    if c.relationship_code == "18":
        subscriber = patient
    else:
        subscriber = Person(
            c.subscriber_last_name,
            c.subscriber_first_name,
            None,
            c.subscriber_date_of_birth,
            c.subscriber_sex,
            patient.address,  # ClaimDesk keeps one address per household: the patient's
        )
    payer_address = (
        Address(payer.address1, payer.address2, payer.city, payer.state, payer.zip)
        if payer.address1 and payer.city and payer.state and payer.zip
        else None
    )
    return Insured(
        payer=Payer(payer.payer_id, payer.name, payer.claim_filing_indicator, payer_address),
        member_id=c.member_id,
        group_number=c.group_number,
        relationship_code=c.relationship_code,
        subscriber=subscriber,
        priority=c.priority,
    )


def _provider(p: ProviderRecord) -> Provider:
    return Provider(p.last_name, p.first_name, p.npi, p.taxonomy, credential=p.credential)


def _facility(f: FacilityRecord, billing: Provider) -> Provider | None:
    address = Address(f.address1, f.address2, f.city, f.state, f.zip)
    if billing.address is not None and (address.line1, address.zip[:5]) == (
        billing.address.line1,
        billing.address.zip[:5],
    ):
        return None  # services at the billing address: no separate facility loop or item 32
    return Provider(f.name, None, f.npi, address=address)
