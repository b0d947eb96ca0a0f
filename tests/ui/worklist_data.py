"""A small synthetic practice for the UI tests: 3 providers, 2 payers, 12 patients, 40 encounters."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from tests.factories import ADDRESS, npi

LAST_NAMES = (
    "Adams",
    "Baker",
    "Clark",
    "Diaz",
    "Evans",
    "Foster",
    "Garcia",
    "Hughes",
    "Ito",
    "Jones",
    "Khan",
    "Lopez",
)
FIRST_NAMES = (
    "Amy",
    "Ben",
    "Cleo",
    "Dev",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivo",
    "Jia",
    "Kai",
    "Lena",
)
# Status of encounter i is STATUS_CYCLE[i % 8]: a mix with every workflow status present.
STATUS_CYCLE = ("new", "in_coding", "on_hold", "coded", "ready_to_bill", "new", "ready_to_bill", "in_coding")
ENCOUNTER_COUNT = 40
FIRST_DOS = dt.date(2025, 1, 6)
PROVIDER_NPIS = (npi(11), npi(12), npi(13))
DIAGNOSES = ("E11.9", "I10", "J06.9", "M54.50")


def account(i: int) -> str:
    return f"A{1001 + i}"


def patient_name(i: int) -> str:
    return f"{LAST_NAMES[i]}, {FIRST_NAMES[i]}"


def encounter_status(i: int) -> str:
    return STATUS_CYCLE[i % len(STATUS_CYCLE)]


def encounter_patient(i: int) -> int:
    return i % len(LAST_NAMES)


def status_counts() -> Counter[str]:
    return Counter(encounter_status(i) for i in range(ENCOUNTER_COUNT))


def encounters_of(last_name: str) -> int:
    index = LAST_NAMES.index(last_name)
    return sum(1 for i in range(ENCOUNTER_COUNT) if encounter_patient(i) == index)


def _encounter(i: int) -> dict[str, Any]:
    status = encounter_status(i)
    enc: dict[str, Any] = {
        "source_id": f"V{i:03d}",
        "account_number": account(encounter_patient(i)),
        "date_of_service": (FIRST_DOS + dt.timedelta(days=i)).isoformat(),
        "rendering_npi": PROVIDER_NPIS[i % 3],
        "facility_code": "CLINIC",
        "status": status,
        "note": f"Visit {i}: follow-up for chronic conditions. Patient reports feeling better.",
    }
    if status == "on_hold":
        enc["hold_reason"] = "Missing laterality"
        enc["query_text"] = f"Which side was injected on visit {i}?"
    if status in ("coded", "ready_to_bill", "in_coding"):
        enc["diagnoses"] = list(DIAGNOSES[: 1 + i % 3])
        lines = [{"code": "99213", "pointers": [1]}]
        if i % 3:
            lines.append({"code": "36415", "modifiers": ["25"], "units": 2, "charge": "30.00", "pointers": [2, 1]})
        enc["service_lines"] = lines
    return enc


def worklist_document() -> dict[str, Any]:
    return {
        "format": "claimdesk-import",
        "version": 1,
        "practice": {
            "name": "Maple Street Family Medicine",
            "npi": npi(10),
            "tin": "990000009",
            "taxonomy": "207Q00000X",
            "address": ADDRESS,
        },
        "providers": [
            {"npi": PROVIDER_NPIS[0], "first_name": "Rosa", "last_name": "Nguyen", "credential": "MD"},
            {"npi": PROVIDER_NPIS[1], "first_name": "Sam", "last_name": "Okafor", "credential": "DO"},
            {"npi": PROVIDER_NPIS[2], "first_name": "Tess", "last_name": "Park", "credential": "NP"},
        ],
        "facilities": [
            {"code": "CLINIC", "name": "Maple Street Clinic", "address": ADDRESS, "default_place_of_service": "11"}
        ],
        "payers": [
            {
                "payer_id": "UIT01",
                "name": "Keystone Health Plan",
                "claim_filing_indicator": "CI",
                "timely_filing_days": 90,
            },
            {"payer_id": "UIT02", "name": "State Medicare", "claim_filing_indicator": "MB", "timely_filing_days": 365},
        ],
        "charge_master": [
            {"code": "99213", "short_name": "Office visit, established", "price": "120.00"},
            {"code": "36415", "short_name": "Venipuncture", "price": "15.00"},
        ],
        "patients": [
            {
                "account_number": account(p),
                "first_name": FIRST_NAMES[p],
                "last_name": LAST_NAMES[p],
                "date_of_birth": f"19{50 + p}-0{1 + p % 9}-1{p % 10}",
                "sex": "F" if p % 2 else "M",
                "address": ADDRESS,
                # The last two patients pay for themselves.
                "coverages": []
                if p >= 10
                else [
                    {
                        "payer_id": "UIT01" if p % 2 else "UIT02",
                        "priority": 1,
                        "member_id": f"M{p:05d}",
                        "effective_from": "2020-01-01",
                    },
                ],
            }
            for p in range(len(LAST_NAMES))
        ],
        "encounters": [_encounter(i) for i in range(ENCOUNTER_COUNT)],
    }
