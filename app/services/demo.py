"""`claimdesk demo`: a believable synthetic practice, reproducible from a seed.

The practice, patients and encounters are written in the public import format and loaded through
the same importer a customer uses; claims, payments and denials are then made by the same claim
and posting services the panels call. Every name, number and note is invented.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.domain import demo_scenarios as sc
from app.domain.import_format import ImportFile, is_valid_npi
from app.domain.money import round_money
from app.domain.posting import AdjustmentIn, ClaimPostingIn, LinePostingIn, RemittanceIn
from app.services.claims import ClaimService, Submission
from app.services.jobs import JobContext
from app.services.posting import PostingService
from db.bulk import insert_returning_ids
from db.models import (
    AuditLogRecord,
    ClaimRecord,
    CoverageRecord,
    EncounterRecord,
    FeeScheduleEntryRecord,
    LocalEditRecord,
    PatientRecord,
    PayerRecord,
    PayerRuleRecord,
    PracticeRecord,
    SubmissionBatchRecord,
    UserRecord,
)
from db.session import Database

# ICD-10-CM FY2026 covers dates of service from 2025-10-01 to 2026-09-30; demo visits stay inside it.
FY2026_START = dt.date(2025, 10, 1)
FY2026_END = dt.date(2026, 9, 30)
DEMO_USER = "demo"

FIRST_F = (
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Sandra "
    "Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Laura "
    "Helen Sharon Cynthia Kathleen Amy Angela Anna Ruth Brenda Pamela Nicole Katherine Samantha Christine "
    "Emma Olivia Sophia Ava Isabella Mia Abigail Harper Evelyn"
).split()
FIRST_M = (
    "James Robert John Michael David William Richard Joseph Thomas Charles Christopher Daniel Matthew "
    "Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason "
    "Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel "
    "Liam Noah Oliver Elijah Lucas Mason Logan Ethan"
).split()
LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
    "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
    "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Okafor Kowalski Lindqvist Haddad Patel "
    "Nakamura Brennan Castillo Dubois Ferreira Novak"
).split()
STREETS = (
    "Maple Oak Cedar Elm Birch Willow Chestnut Walnut Spruce Hickory Laurel Juniper Aspen Magnolia Sycamore Poplar"
).split()
STREET_KINDS = ("St", "Ave", "Rd", "Ln", "Dr", "Ct", "Way")
# Invented towns in one state; ZIP+4 so the billing address is complete for an 837P.
TOWNS = (
    ("Millbrook", "PA", "17013"),
    ("Carver Falls", "PA", "17015"),
    ("East Haddon", "PA", "17050"),
    ("Riverton", "PA", "17011"),
    ("Pine Hollow", "PA", "17055"),
)


@dataclass(frozen=True)
class DemoOptions:
    seed: int = 2026
    patients: int = 300
    encounters: int = 2000
    end: dt.date = FY2026_END


@dataclass(frozen=True)
class DemoPayer:
    payer_id: str
    name: str
    filing: str
    timely_days: int
    method: str
    fee_factor: Decimal  # allowed amount as a multiple of the practice's Medicare-like base


PAYERS: tuple[DemoPayer, ...] = (
    DemoPayer("DMO01", "Medicare Part B (Demo MAC)", "MB", 365, "electronic", Decimal("1.00")),
    DemoPayer("DMO02", "Keystone Medicaid Plan", "MC", 180, "electronic", Decimal("0.80")),
    DemoPayer("DMO03", "Summit Commercial Health", "CI", 180, "electronic", Decimal("1.25")),
    DemoPayer("DMO04", "Granite Mutual Insurance", "CI", 120, "paper", Decimal("1.15")),
    DemoPayer("DMO05", "Bluewater Blue Plan", "BL", 180, "electronic", Decimal("1.20")),
    DemoPayer("DMO06", "Lakeside Health HMO", "HM", 90, "electronic", Decimal("1.05")),
    DemoPayer("DMO07", "Granite Medicare Supplement", "CI", 365, "paper", Decimal("1.00")),
)


def _npi(rng: random.Random) -> str:
    """A random NPI-shaped number whose last digit is the correct Luhn check digit."""
    body = "1" + "".join(str(rng.randrange(10)) for _ in range(8))
    return next(body + str(check) for check in range(10) if is_valid_npi(body + str(check)))


def _address(rng: random.Random) -> dict[str, Any]:
    town, state, zip5 = rng.choice(TOWNS)
    return {
        "address1": f"{rng.randrange(10, 9999)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}",
        "city": town,
        "state": state,
        "zip": zip5 + f"{rng.randrange(1, 9999):04d}",
    }


def _phone(rng: random.Random) -> str:
    return f"717555{rng.randrange(100, 10000):04d}"


def _age(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    d = start
    while d <= end:
        if d.weekday() < 5:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


class DemoBuilder:
    """Builds the import document for a demo practice from a seed."""

    def __init__(self, options: DemoOptions) -> None:
        self.o = options
        self.rng = random.Random(options.seed)

    def build(self) -> dict[str, Any]:
        rng = self.rng
        start = self.o.end - dt.timedelta(days=182)
        providers = [
            {
                "npi": _npi(rng),
                "first_name": "Elena",
                "last_name": "Marsh",
                "credential": "MD",
                "taxonomy": "207Q00000X",
                "role": "rendering",
            },
            {
                "npi": _npi(rng),
                "first_name": "Victor",
                "last_name": "Osei",
                "credential": "DO",
                "taxonomy": "207R00000X",
                "role": "rendering",
            },
            {
                "npi": _npi(rng),
                "first_name": "Hannah",
                "last_name": "Lund",
                "credential": "NP",
                "taxonomy": "363LF0000X",
                "role": "rendering",
            },
            {
                "npi": _npi(rng),
                "first_name": "Raymond",
                "last_name": "Iverson",
                "credential": "MD",
                "taxonomy": "207X00000X",
                "role": "referring",
            },
            {
                "npi": _npi(rng),
                "first_name": "Grace",
                "last_name": "Adeyemi",
                "credential": "MD",
                "taxonomy": "207RC0000X",
                "role": "referring",
            },
        ]
        facilities = [
            {
                "code": "MAIN",
                "name": "Millbrook Family Medicine - Main Office",
                "npi": _npi(rng),
                "address": {"address1": "120 Market St", "city": "Millbrook", "state": "PA", "zip": "170131234"},
                "default_place_of_service": "11",
            },
            {
                "code": "EAST",
                "name": "Millbrook Family Medicine - East Haddon",
                "npi": _npi(rng),
                "address": {"address1": "45 Station Rd", "city": "East Haddon", "state": "PA", "zip": "170504321"},
                "default_place_of_service": "11",
            },
        ]
        practice = {
            "name": "Millbrook Family Medicine (Demo)",
            "npi": _npi(rng),
            "tin": "990000001",
            "taxonomy": "207Q00000X",
            "address": {"address1": "120 Market St", "city": "Millbrook", "state": "PA", "zip": "170131234"},
            "phone": "7175550100",
            "medicare_locality": "12502-99",
        }
        payers = [
            {
                "payer_id": p.payer_id,
                "name": p.name,
                "claim_filing_indicator": p.filing,
                "timely_filing_days": p.timely_days,
                "submission_method": p.method,
                "address": {
                    "address1": f"PO Box {rng.randrange(1000, 99999)}",
                    "city": "Harrisburg",
                    "state": "PA",
                    "zip": f"171{rng.randrange(10, 99)}{rng.randrange(1000, 9999)}",
                },
            }
            for p in PAYERS
        ]
        charge_master = [
            {
                "code": item.code,
                "modifier": item.modifier or "",
                "short_name": item.short_name,
                "price": str(item.price),
            }
            for item in sc.CHARGE_MASTER
        ]
        fee_schedules = []
        for p in PAYERS:
            for item in sc.CHARGE_MASTER:
                # The demo charge master is about 1.8x Medicare; each payer allows a multiple of that base.
                allowed = round_money(item.price / Decimal("1.8") * p.fee_factor)
                fee_schedules.append(
                    {
                        "payer_id": p.payer_id,
                        "code": item.code,
                        "modifier": item.modifier or "",
                        "allowed": str(allowed),
                        "effective_from": "2025-01-01",
                    }
                )
        patients = self._patients(start)
        encounters = self._encounters(patients, providers, start)
        return {
            "format": "claimdesk-import",
            "version": 1,
            "practice": practice,
            "providers": providers,
            "facilities": facilities,
            "payers": payers,
            "fee_schedules": fee_schedules,
            "charge_master": charge_master,
            "patients": patients,
            "encounters": encounters,
        }

    def _patients(self, start: dt.date) -> list[dict[str, Any]]:
        rng = self.rng
        patients: list[dict[str, Any]] = []
        adults: list[dict[str, Any]] = []
        width = max(5, len(str(self.o.patients)))
        for n in range(1, self.o.patients + 1):
            sex = rng.choice("FM")
            roll = rng.random()
            if roll < 0.12:
                age = rng.randrange(1, 18)
            elif roll < 0.65:
                age = rng.randrange(18, 65)
            else:
                age = rng.randrange(65, 93)
            dob = start - dt.timedelta(days=age * 365 + rng.randrange(0, 365))
            patient: dict[str, Any] = {
                "account_number": f"A{n:0{width}d}",
                "first_name": rng.choice(FIRST_F if sex == "F" else FIRST_M),
                "last_name": rng.choice(LAST),
                "date_of_birth": dob.isoformat(),
                "sex": sex,
                "address": _address(rng),
                "phone": _phone(rng),
                "coverages": [],
            }
            if age < 18 and adults:
                parent = rng.choice(adults)
                patient["last_name"] = parent["last_name"]
                patient["address"] = parent["address"]
                patient["guarantor_account"] = parent["account_number"]
                for cov in parent["coverages"]:
                    if cov["payer_id"] in ("DMO03", "DMO05", "DMO06", "DMO02"):
                        patient["coverages"].append(
                            {
                                **cov,
                                "relationship": "19",
                                "subscriber": {
                                    "first_name": parent["first_name"],
                                    "last_name": parent["last_name"],
                                    "date_of_birth": parent["date_of_birth"],
                                    "sex": parent["sex"],
                                },
                            }
                        )
                        break
            else:
                patient["coverages"] = self._adult_coverages(n, age, start)
                if age >= 18:
                    adults.append(patient)
            patients.append(patient)
        return patients

    def _adult_coverages(self, n: int, age: int, start: dt.date) -> list[dict[str, Any]]:
        rng = self.rng
        since = (start - dt.timedelta(days=rng.randrange(30, 2000))).isoformat()

        def cov(payer: str, priority: int, prefix: str, copay: str = "0.00") -> dict[str, Any]:
            return {
                "payer_id": payer,
                "priority": priority,
                "member_id": f"{prefix}{n:06d}{rng.randrange(10, 99)}",
                "group_number": None if payer in ("DMO01", "DMO02") else f"G{rng.randrange(1000, 9999)}",
                "effective_from": since,
                "copay": copay,
            }

        roll = rng.random()
        if age >= 65:
            covs = [cov("DMO01", 1, "1EG4TE5MK")]
            if roll < 0.45:
                covs.append(cov("DMO07", 2, "GMS"))
            elif roll < 0.55:
                covs.append(cov("DMO02", 2, "MCD"))
            return covs
        if roll < 0.05:
            return []  # self-pay
        if roll < 0.20:
            return [cov("DMO02", 1, "MCD")]
        payer = rng.choice(("DMO03", "DMO04", "DMO05", "DMO06"))
        copay = rng.choice(("20.00", "25.00", "30.00", "40.00"))
        covs = [cov(payer, 1, {"DMO03": "SCH", "DMO04": "GMI", "DMO05": "BWB", "DMO06": "LHH"}[payer], copay)]
        if rng.random() < 0.08:
            other = rng.choice([p for p in ("DMO03", "DMO05") if p != payer])
            covs.append(cov(other, 2, "SEC"))
        return covs

    def _encounters(
        self, patients: list[dict[str, Any]], providers: list[dict[str, Any]], start: dt.date
    ) -> list[dict[str, Any]]:
        rng = self.rng
        days = _weekdays(start, self.o.end)
        rendering = [p for p in providers if p["role"] == "rendering"]
        referring = [p for p in providers if p["role"] == "referring"]
        dates = sorted(rng.choice(days) for _ in range(self.o.encounters))
        # The most recent ~12% of visits are still being worked: new, in coding, on hold, coded, ready.
        open_from = int(len(dates) * 0.88)
        queries = sc.hold_queries()
        width = max(6, len(str(self.o.encounters)))
        out = []
        for i, dos in enumerate(dates):
            patient = rng.choice(patients)
            dob = dt.date.fromisoformat(patient["date_of_birth"])
            age = max(0, _age(dob, dos))
            scenario = sc.pick_scenario(rng, max(age, 1), patient["sex"])
            variant = sc.pick_variant(rng, scenario)
            facts = sc.PatientFacts(patient["first_name"], patient["last_name"], age, patient["sex"])
            doctor = rng.choice(rendering)
            signer = f"{doctor['first_name']} {doctor['last_name']}, {doctor['credential']}"
            note = sc.render_note(scenario, variant, rng, facts, provider=signer)
            diagnoses = scenario.diagnosis_codes(variant)
            lines = scenario.claim_lines(variant)
            enc: dict[str, Any] = {
                "source_id": f"EHR-{i + 1:0{width}d}",
                "account_number": patient["account_number"],
                "date_of_service": dos.isoformat(),
                "rendering_npi": doctor["npi"],
                "facility_code": "MAIN" if rng.random() < 0.75 else "EAST",
                "note": note,
            }
            if rng.random() < 0.1:
                enc["referring_npi"] = rng.choice(referring)["npi"]
            if i < open_from:
                status = "ready_to_bill"
            else:
                status = rng.choices(
                    ("new", "in_coding", "on_hold", "coded", "ready_to_bill"), weights=(45, 10, 15, 15, 15)
                )[0]
            enc["status"] = status
            if status in ("coded", "ready_to_bill") or (status == "on_hold" and rng.random() < 0.5):
                enc["diagnoses"] = list(diagnoses)
                enc["service_lines"] = [
                    {
                        "code": ln.code,
                        "modifiers": list(ln.modifiers),
                        "units": ln.units,
                        "pointers": list(ln.pointers),
                        **({"ndc": ln.ndc, "ndc_quantity": str(ln.units), "ndc_unit": "UN"} if ln.ndc else {}),
                    }
                    for ln in lines
                ]
            elif status == "in_coding":
                enc["diagnoses"] = list(diagnoses[:1])
            if status == "on_hold":
                reason, text = rng.choice(queries)
                enc["hold_reason"] = reason
                enc["query_text"] = text
            out.append(enc)
        return out


@dataclass(frozen=True)
class DemoResult:
    import_summary: dict[str, dict[str, int]]
    claims: int
    remittances: int
    denials: int


class DemoService:
    """Builds a demo practice into an (empty) database through the importer and the billing services."""

    def __init__(self, db: Database, importer: Any, claims: ClaimService, posting: PostingService) -> None:
        self.db = db
        self.importer = importer
        self.claims = claims
        self.posting = posting

    def build(self, options: DemoOptions, ctx: JobContext | None = None) -> DemoResult:
        ctx = ctx or JobContext()
        document = DemoBuilder(options).build()
        data = ImportFile.model_validate(document)
        summary = self.importer.import_data(data, ctx)
        with self.db.transaction() as s:
            history = _History(s, self.claims, self.posting, random.Random(options.seed + 1), ctx)
            result = history.run()
            _demo_edit_tables(s)
            for username, name, role in (
                ("demo", "Demo Administrator", "admin"),
                ("coder", "Casey Coder", "coder"),
                ("biller", "Blake Biller", "biller"),
                ("front", "Frankie Front", "front_desk"),
            ):
                if s.scalar(select(UserRecord.id).where(UserRecord.username == username)) is None:
                    s.add(UserRecord(username=username, full_name=name, role=role))
            s.add(
                AuditLogRecord(
                    username=self.claims.user,
                    action="demo_built",
                    entity="practice",
                    detail=f"seed={options.seed} patients={options.patients} encounters={options.encounters}",
                )
            )
        self.db.analyze()
        return DemoResult(summary.as_dict(), *result)


FIVE_PM = dt.time(17)

# The demo practice's own edit table, so the scrubber's NCCI-style edits have something to show before a
# CMS edition is imported. It is synthetic and says so in every finding; it is never presented as CMS's.
DEMO_EDIT_SOURCE = "DEMO DATA - synthetic edit table, not CMS"
DEMO_PTP = (("20610", "96372", "1"), ("12002", "12001", "0"), ("17110", "11301", "1"), ("99214", "99213", "0"))
DEMO_MUE = (("36415", 1, 2), ("96372", 4, 1), ("81002", 2, 2), ("20610", 2, 1))
DEMO_ADDON = (("99417", "99205"), ("99417", "99215"), ("90472", "90471"))
DEMO_RULES = (
    (
        "DMO03",
        "E/M billed with a procedure needs modifier 25",
        {
            "kind": "require_modifier",
            "codes": ["99202-99215"],
            "modifier": "25",
            "with_codes": ["10004-69990", "96372"],
        },
    ),
    ("DMO04", "Two diagnosis pointers per line at most", {"kind": "max_pointers", "max": 2}),
    (
        "DMO06",
        "HMO visits need the referring provider",
        {"kind": "referring_provider", "codes": ["99202-99215"], "severity": "warning"},
    ),
)


def _demo_edit_tables(s: Any) -> None:
    from app.domain.payer_rules import PayerRule

    start = dt.date(2020, 1, 1)
    for code1, code2, indicator in DEMO_PTP:
        s.add(
            LocalEditRecord(
                kind="ptp",
                code1=code1,
                code2=code2,
                modifier_indicator=indicator,
                effective_from=start,
                source=DEMO_EDIT_SOURCE,
            )
        )
    for code, units, mai in DEMO_MUE:
        s.add(
            LocalEditRecord(
                kind="mue",
                code1=code,
                max_units=units,
                mue_indicator=mai,
                effective_from=start,
                source=DEMO_EDIT_SOURCE,
            )
        )
    for addon, primary in DEMO_ADDON:
        s.add(LocalEditRecord(kind="addon", code1=addon, code2=primary, effective_from=start, source=DEMO_EDIT_SOURCE))
    payers = dict(s.execute(select(PayerRecord.payer_id, PayerRecord.id)).all())
    for payer, name, rule in DEMO_RULES:
        if payer in payers:
            s.add(
                PayerRuleRecord(
                    payer_id=payers[payer],
                    name=name,
                    rule_json=PayerRule.model_validate(rule).model_dump_json(),
                    created_by=DEMO_USER,
                )
            )


class _History:
    """Bills the older encounters and posts believable payer outcomes, dated in the past."""

    def __init__(
        self, s: Any, claims: ClaimService, posting: PostingService, rng: random.Random, ctx: JobContext
    ) -> None:
        self.s = s
        self.claims = claims
        self.posting = posting
        self.rng = rng
        self.ctx = ctx

    def run(self) -> tuple[int, int, int]:
        s = self.s
        ready = s.scalars(
            select(EncounterRecord.id)
            .where(EncounterRecord.status == "ready_to_bill")
            .order_by(EncounterRecord.date_of_service)
        ).all()
        # Keep the newest ready encounters unbilled so the 'ready to bill' queue has work in it.
        cutoff = int(len(ready) * 0.93)
        result = self.claims.build_in(s, self.ctx, list(ready[:cutoff]))
        claims = s.scalars(
            select(ClaimRecord).where(ClaimRecord.id.in_(result.claim_ids)).options(selectinload(ClaimRecord.lines))
        ).all()
        encounters = {
            e.id: e
            for e in s.scalars(select(EncounterRecord).where(EncounterRecord.id.in_([c.encounter_id for c in claims])))
        }
        fees = {(f.payer_id, f.code, f.modifier): f.allowed_cents for f in s.scalars(select(FeeScheduleEntryRecord))}
        copays = {c.id: c.copay_cents for c in s.scalars(select(CoverageRecord))}
        by_payer_week: dict[tuple[int, dt.date], list[ClaimPostingIn]] = defaultdict(list)
        batches: dict[tuple[int, dt.date], dict[str, Any]] = {}
        claim_batch: list[tuple[ClaimRecord, dt.date, tuple[int, dt.date]]] = []
        latest = max((encounters[c.encounter_id].date_of_service for c in claims), default=FY2026_END)
        for n, claim in enumerate(claims):
            if n % 500 == 0:
                self.ctx.report(n, len(claims), "Billing history")
            dos = encounters[claim.encounter_id].date_of_service
            billed_on = dos + dt.timedelta(days=self.rng.randrange(1, 6))
            key = (claim.payer_id, billed_on)
            batch = batches.setdefault(
                key,
                {
                    "method": claim.submission_method,
                    "created_by": DEMO_USER,
                    "claim_count": 0,
                    "total_charge_cents": 0,
                    "created_at": dt.datetime.combine(billed_on, dt.time(17)),
                },
            )
            batch["claim_count"] += 1
            batch["total_charge_cents"] += claim.total_charge_cents
            claim_batch.append((claim, billed_on, key))
            # Claims billed in the last three weeks of the data are still waiting for the payer.
            if dos > latest - dt.timedelta(days=21) and self.rng.random() < 0.7:
                continue
            posting = self._outcome(claim, fees, copays.get(claim.coverage_id or 0, 0))
            paid_on = billed_on + dt.timedelta(days=self.rng.randrange(12, 35))
            week = paid_on - dt.timedelta(days=paid_on.weekday())
            by_payer_week[(claim.payer_id, week)].append(posting)
        keys = list(batches)
        batch_ids = dict(
            zip(keys, insert_returning_ids(s, SubmissionBatchRecord, [batches[k] for k in keys]), strict=True)
        )
        self.claims.submit_many_in(
            s,
            [
                Submission(c.id, batch_ids[key], billed, dt.datetime.combine(billed, FIVE_PM), c.submission_method)
                for c, billed, key in claim_batch
            ],
        )
        # Postings below are plain data; dropping the loaded records keeps the session small.
        s.expunge_all()
        denials = remittances = 0
        for n, ((payer_id, week), postings) in enumerate(sorted(by_payer_week.items())):
            total = sum((ln.paid for p in postings for ln in p.lines), Decimal("0"))
            remit = RemittanceIn(
                payer_id=payer_id,
                check_number=f"{payer_id:02d}{week:%y%m%d}{n:04d}",
                check_date=week + dt.timedelta(days=3),
                total=total,
                deposit_date=week + dt.timedelta(days=4),
                batch_name=f"Week of {week:%m/%d/%Y}",
                claims=tuple(postings),
            )
            res = self.posting.post_in(s, remit, when=dt.datetime.combine(remit.check_date, dt.time(10)))
            s.expunge_all()
            denials += res.denials
            remittances += 1
        return len(claims), remittances, denials

    def _outcome(self, claim: ClaimRecord, fees: dict[tuple[int, str, str], int], copay_cents: int) -> ClaimPostingIn:
        rng = self.rng
        roll = rng.random()
        lines = []
        copay_left = Decimal(copay_cents) / 100
        if roll < 0.07:
            carc, rarc = rng.choice((("16", "M76"), ("197", "N54"), ("50", "N115"), ("22", "MA04"), ("96", "N130")))
            for ln in claim.lines:
                charge = Decimal(ln.charge_cents) / 100
                lines.append(
                    LinePostingIn(
                        ln.id,
                        paid=Decimal("0.00"),
                        allowed=Decimal("0.00"),
                        adjustments=(AdjustmentIn("CO", carc, charge),),
                        remarks=(rarc,),
                    )
                )
            return ClaimPostingIn(claim.id, "4", tuple(lines), payer_claim_number=f"PCN{claim.id:09d}")
        deny_one = roll < 0.15 and len(claim.lines) > 1
        for idx, ln in enumerate(claim.lines):
            charge = Decimal(ln.charge_cents) / 100
            if deny_one and idx == len(claim.lines) - 1:
                lines.append(
                    LinePostingIn(
                        ln.id,
                        paid=Decimal("0.00"),
                        allowed=Decimal("0.00"),
                        adjustments=(AdjustmentIn("CO", "97", charge),),
                        remarks=("M15",),
                    )
                )
                continue
            modifier = ln.modifier1 or ""
            allowed_cents = fees.get((claim.payer_id, ln.code, modifier)) or fees.get((claim.payer_id, ln.code, ""))
            allowed = (
                (Decimal(allowed_cents) / 100 * ln.units) if allowed_cents else round_money(charge * Decimal("0.6"))
            )
            allowed = min(allowed, charge)
            adjustments = []
            if charge > allowed:
                adjustments.append(AdjustmentIn("CO", "45", charge - allowed))
            patient_share = Decimal("0.00")
            if copay_left > 0 and ln.code.startswith("992"):
                share = min(copay_left, allowed)
                adjustments.append(AdjustmentIn("PR", "3", share))
                copay_left -= share
                patient_share += share
            elif rng.random() < 0.35:
                coins = round_money(allowed * Decimal("0.20"))
                if coins > 0:
                    adjustments.append(AdjustmentIn("PR", "2", coins))
                    patient_share += coins
            elif rng.random() < 0.1:
                ded = round_money(allowed * Decimal("0.5"))
                if ded > 0:
                    adjustments.append(AdjustmentIn("PR", "1", ded))
                    patient_share += ded
            paid = allowed - patient_share
            lines.append(
                LinePostingIn(ln.id, paid=paid, allowed=allowed, adjustments=tuple(adjustments), then="next_payer")
            )
        return ClaimPostingIn(claim.id, "1", tuple(lines), payer_claim_number=f"PCN{claim.id:09d}")


# ---------------------------------------------------------------------------------------------- sample 835

DEMO_TRACE = "DEMOERA0001"


def sample_remittance(
    s: Any, payer: PayerRecord, claim_ids: list[int], paid_on: dt.date, trace: str = DEMO_TRACE
) -> Any:
    """An 835 payment of these claims as a payer would send it: each line paid at 56% of the charge, 14%
    coinsurance (PR-2) and the rest contractual (CO-45). For the demo's sample file and the benchmarks."""
    from app.domain.claim_document import Address
    from app.domain.era import EraAdjustment, EraClaim, EraContact, EraLine, EraTransaction

    practice = s.scalars(select(PracticeRecord).limit(1)).first()
    rows = s.execute(
        select(ClaimRecord, PatientRecord.last_name, PatientRecord.first_name, EncounterRecord.date_of_service)
        .join(EncounterRecord, EncounterRecord.id == ClaimRecord.encounter_id)
        .join(PatientRecord, PatientRecord.id == EncounterRecord.patient_id)
        .where(ClaimRecord.id.in_(claim_ids))
        .options(selectinload(ClaimRecord.lines))
        .order_by(ClaimRecord.id)
    ).all()
    claims = []
    for claim, last, first, dos in rows:
        lines = []
        for ln in claim.lines:
            paid = ln.charge_cents * 56 // 100
            coinsurance = ln.charge_cents * 14 // 100
            lines.append(
                EraLine(
                    code=ln.code,
                    modifiers=tuple(m for m in (ln.modifier1, ln.modifier2, ln.modifier3, ln.modifier4) if m),
                    charge_cents=ln.charge_cents,
                    paid_cents=paid,
                    service_date_from=dos,
                    service_date_to=dos,
                    adjustments=(
                        EraAdjustment("CO", "45", ln.charge_cents - paid - coinsurance),
                        EraAdjustment("PR", "2", coinsurance),
                    ),
                )
            )
        claims.append(
            EraClaim(
                patient_control_number=claim.claim_number,
                status_code="1",
                charge_cents=sum(x.charge_cents for x in lines),
                paid_cents=sum(x.paid_cents for x in lines),
                patient_responsibility_cents=sum(x.charge_cents * 14 // 100 for x in lines),
                filing_indicator="MB" if payer.claim_filing_indicator == "MB" else "ZZ",
                payer_claim_number=f"ERA{claim.id:09d}",
                patient_last=last,
                patient_first=first,
                lines=tuple(lines),
            )
        )
    return EraTransaction(
        control_number="0001",
        handling_code="I",
        total_paid_cents=sum(c.paid_cents for c in claims),
        payment_method="ACH",
        payment_date=paid_on,
        trace_number=trace,
        payer_identifier="1" + payer.payer_id.rjust(9, "0")[-9:],
        payer_name=payer.name,
        payer_id=payer.payer_id,
        payer_address=Address(
            payer.address1 or "PO BOX 1", None, payer.city or "HARRISBURG", payer.state or "PA", payer.zip or "17101"
        ),
        payer_contact=EraContact(name="EDI SUPPORT", phone="8005550100"),
        payee_name=practice.name if practice else "PRACTICE",
        payee_npi=practice.npi if practice else None,
        payee_tin=practice.tin if practice else None,
        claims=tuple(claims),
    )


def write_sample_835(db: Database, folder: Path, claims: int = 40) -> Path | None:
    """A Medicare 835 paying some of the demo's claims still waiting for the payer, to try Import 835 on;
    None when no such claim is left."""
    from app.formats.x12 import Envelope, write_835

    with db.session() as s:
        payer = s.scalar(select(PayerRecord).where(PayerRecord.claim_filing_indicator == "MB").order_by(PayerRecord.id))
        if payer is None:
            return None
        ids = list(
            s.scalars(
                select(ClaimRecord.id)
                .where(ClaimRecord.payer_id == payer.id, ClaimRecord.status == "submitted")
                .order_by(ClaimRecord.id)
                .limit(claims)
            )
        )
        if not ids:
            return None
        paid_on = (
            s.scalar(select(func.max(ClaimRecord.first_billed_on)).where(ClaimRecord.id.in_(ids))) or FY2026_END
        ) + dt.timedelta(days=14)
        tx = sample_remittance(s, payer, ids, paid_on)
    text = write_835([tx], Envelope("ZZ", payer.payer_id, "ZZ", "CLAIMDESK", payer.payer_id, "CLAIMDESK", 1, 1, "T"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo-medicare-era.835"
    path.write_text(text, encoding="ascii")
    return path
