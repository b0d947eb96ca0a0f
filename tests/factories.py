"""Small synthetic import documents for tests (invented names and numbers only)."""

from __future__ import annotations

import copy
from typing import Any

from app.domain.import_format import is_valid_npi


def npi(seed: int) -> str:
    body = f"1{seed:08d}"[:9]
    return next(body + str(c) for c in range(10) if is_valid_npi(body + str(c)))


ADDRESS = {"address1": "1 Test Way", "city": "Testville", "state": "PA", "zip": "170131234"}


def practice_document() -> dict[str, Any]:
    return {
        "format": "claimdesk-import",
        "version": 1,
        "practice": {
            "name": "Test Practice",
            "npi": npi(1),
            "tin": "990000009",
            "taxonomy": "207Q00000X",
            "address": ADDRESS,
            "phone": "7175550100",
            "medicare_locality": "12502-99",
        },
        "providers": [
            {"npi": npi(2), "first_name": "Ann", "last_name": "Able", "credential": "MD", "taxonomy": "207Q00000X"},
            {"npi": npi(3), "first_name": "Ben", "last_name": "Baker", "credential": "DO"},
            {"npi": npi(4), "first_name": "Cara", "last_name": "Cole", "role": "referring"},
        ],
        "facilities": [{"code": "MAIN", "name": "Main Office", "address": ADDRESS, "default_place_of_service": "11"}],
        "payers": [
            {"payer_id": "TST01", "name": "Test Medicare", "claim_filing_indicator": "MB", "timely_filing_days": 365},
            {
                "payer_id": "TST02",
                "name": "Test Commercial",
                "claim_filing_indicator": "CI",
                "timely_filing_days": 90,
                "submission_method": "paper",
            },
        ],
        "fee_schedules": [
            {"payer_id": "TST01", "code": "99213", "allowed": "90.00", "effective_from": "2025-01-01"},
        ],
        "charge_master": [
            {"code": "99213", "short_name": "Office visit est, low", "price": "150.00"},
            {"code": "99214", "short_name": "Office visit est, moderate", "price": "220.00"},
            {"code": "36415", "short_name": "Blood draw", "price": "25.00"},
            {"code": "J3420", "short_name": "B12 injection drug", "price": "18.50"},
        ],
        "patients": [
            {
                "account_number": "P001",
                "first_name": "Alice",
                "last_name": "Zephyr",
                "date_of_birth": "1950-03-04",
                "sex": "F",
                "address": ADDRESS,
                "coverages": [
                    {"payer_id": "TST01", "priority": 1, "member_id": "1EG4TE5MK01", "effective_from": "2020-01-01"},
                    {"payer_id": "TST02", "priority": 2, "member_id": "SUP001", "effective_from": "2020-01-01"},
                ],
            },
            {
                "account_number": "P002",
                "first_name": "Bob",
                "last_name": "Young",
                "date_of_birth": "1985-07-08",
                "sex": "M",
                "address": ADDRESS,
                "coverages": [
                    {
                        "payer_id": "TST02",
                        "priority": 1,
                        "member_id": "COM002",
                        "copay": "25.00",
                        "effective_from": "2024-01-01",
                    }
                ],
            },
            {
                "account_number": "P003",
                "first_name": "Cody",
                "last_name": "Young",
                "date_of_birth": "2015-01-02",
                "sex": "M",
                "address": ADDRESS,
                "guarantor_account": "P002",
                "coverages": [
                    {
                        "payer_id": "TST02",
                        "priority": 1,
                        "member_id": "COM003",
                        "relationship": "19",
                        "subscriber": {
                            "first_name": "Bob",
                            "last_name": "Young",
                            "date_of_birth": "1985-07-08",
                            "sex": "M",
                        },
                        "effective_from": "2024-01-01",
                    }
                ],
            },
            {
                "account_number": "P004",
                "first_name": "Dana",
                "last_name": "Xu",
                "date_of_birth": "1990-05-06",
                "sex": "F",
                "address": ADDRESS,
            },
        ],
        "encounters": [
            {
                "source_id": "E1",
                "account_number": "P001",
                "date_of_service": "2026-03-02",
                "rendering_npi": npi(2),
                "facility_code": "MAIN",
                "status": "ready_to_bill",
                "note": "Type 2 diabetes follow-up.",
                "diagnoses": ["E11.9", "I10"],
                "service_lines": [{"code": "99213", "pointers": [1, 2]}, {"code": "36415", "pointers": [1]}],
            },
            {
                "source_id": "E2",
                "account_number": "P002",
                "date_of_service": "2026-03-03",
                "rendering_npi": npi(3),
                "facility_code": "MAIN",
                "status": "ready_to_bill",
                "note": "Office visit.",
                "diagnoses": ["J06.9"],
                "service_lines": [{"code": "99214", "pointers": [1]}],
            },
            {
                "source_id": "E3",
                "account_number": "P003",
                "date_of_service": "2026-03-04",
                "rendering_npi": npi(2),
                "facility_code": "MAIN",
                "status": "new",
                "note": "Ear pain.",
            },
            {
                "source_id": "E4",
                "account_number": "P004",
                "date_of_service": "2026-03-05",
                "rendering_npi": npi(3),
                "facility_code": "MAIN",
                "status": "ready_to_bill",
                "note": "B12 shot.",
                "diagnoses": ["E53.8"],
                "service_lines": [
                    {"code": "J3420", "pointers": [1], "ndc": "00000000001", "ndc_quantity": "1", "ndc_unit": "ML"}
                ],
            },
            {
                "source_id": "E5",
                "account_number": "P002",
                "date_of_service": "2026-03-06",
                "rendering_npi": npi(2),
                "facility_code": "MAIN",
                "status": "on_hold",
                "hold_reason": "laterality missing",
                "query_text": "Which knee?",
                "note": "Knee pain.",
            },
        ],
    }


def document(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(practice_document())
    doc.update(changes)
    return doc


def bill(services: Any, on: Any = None) -> Any:
    """Build claims from the ready encounters and send them all (charges reach the ledger at submission)."""
    import datetime as dt

    result = services.claims.build_claims()
    with services.db.transaction() as s:
        services.claims.submit_in(s, list(result.claim_ids), batch_id=None, on=on or dt.date(2026, 3, 10))
    return result
