"""Import an 835 paying 5,000 of the practice's sent claims; print one JSON line.

    python benchmarks/era_bench.py PRACTICE_DB [--claims 5000]

The remittance is written by ClaimDesk's own 835 writer from the claims in the database (each line paid at
70% with CO-45 and PR-2 coinsurance), then imported on a copy of the database: parse, balance, match and
post in one transaction. A second import of the same file is timed too (it must post nothing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--claims", type=int, default=5_000)
    args = parser.parse_args(argv)

    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from app.domain.claim_document import Address
    from app.domain.era import EraAdjustment, EraClaim, EraContact, EraLine, EraTransaction
    from app.formats.x12 import Envelope, write_835
    from app.services.container import open_services
    from db.models import ClaimRecord, EncounterRecord, PatientRecord, PayerRecord

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "era.sqlite3"
        shutil.copyfile(args.db, work)
        services = open_services(work, user="bench")
        try:
            with services.db.session() as s:
                payer = s.scalars(select(PayerRecord).order_by(PayerRecord.id)).first()
                assert payer is not None
                rows = s.execute(
                    select(
                        ClaimRecord, PatientRecord.last_name, PatientRecord.first_name, EncounterRecord.date_of_service
                    )
                    .join(EncounterRecord, EncounterRecord.id == ClaimRecord.encounter_id)
                    .join(PatientRecord, PatientRecord.id == EncounterRecord.patient_id)
                    .where(ClaimRecord.status == "submitted", ClaimRecord.payer_id == payer.id)
                    .options(selectinload(ClaimRecord.lines))
                    .limit(args.claims)
                ).all()
                claims = []
                for claim, last, first, dos in rows:
                    lines = []
                    for ln in claim.lines:
                        paid = ln.charge_cents * 56 // 100
                        coins = ln.charge_cents * 14 // 100
                        contractual = ln.charge_cents - paid - coins
                        lines.append(
                            EraLine(
                                code=ln.code,
                                modifiers=tuple(
                                    m for m in (ln.modifier1, ln.modifier2, ln.modifier3, ln.modifier4) if m
                                ),
                                charge_cents=ln.charge_cents,
                                paid_cents=paid,
                                service_date_from=dos,
                                service_date_to=dos,
                                adjustments=(EraAdjustment("CO", "45", contractual), EraAdjustment("PR", "2", coins)),
                            )
                        )
                    claims.append(
                        EraClaim(
                            patient_control_number=claim.claim_number,
                            status_code="1",
                            charge_cents=sum(x.charge_cents for x in lines),
                            paid_cents=sum(x.paid_cents for x in lines),
                            patient_responsibility_cents=sum(
                                a.amount_cents for x in lines for a in x.adjustments if a.group_code == "PR"
                            ),
                            filing_indicator="MB",
                            payer_claim_number=f"BENCH{claim.id}",
                            patient_last=last,
                            patient_first=first,
                            lines=tuple(lines),
                        )
                    )
            tx = EraTransaction(
                control_number="0001",
                handling_code="I",
                total_paid_cents=sum(c.paid_cents for c in claims),
                payment_method="ACH",
                payment_date=dt.date(2026, 10, 15),
                trace_number="BENCH0001",
                payer_identifier="1999999999",
                payer_name=payer.name,
                payer_id=payer.payer_id,
                payer_address=Address("PO BOX 1", None, "HARRISBURG", "PA", "17101"),
                payer_contact=EraContact(name="EDI", phone="8005550100"),
                payee_name="BENCH PRACTICE",
                payee_npi="1234567893",
                claims=tuple(claims),
            )
            text = write_835([tx], Envelope("ZZ", "PAYER", "ZZ", "PRACTICE", "PAYER", "PRACTICE", 1, 1, "T"))
            path = Path(folder) / "bench.835"
            path.write_text(text)
            started = time.perf_counter()
            result = services.era_import.import_file(path)
            seconds = time.perf_counter() - started
            started = time.perf_counter()
            again = services.era_import.import_file(path)
            again_seconds = time.perf_counter() - started
            reconciles = services.ledger.reconcile().ok
        finally:
            services.close()
    print(
        json.dumps(
            {
                "claims": len(claims),
                "file_mb": round(len(text) / 1e6, 2),
                "import_seconds": round(seconds, 2),
                "claims_per_second": round(len(claims) / seconds),
                "posted": result.posted,
                "second_import_seconds": round(again_seconds, 2),
                "second_import_posted_nothing": again.already_imported,
                "ledger_reconciles": reconciles,
                "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
