"""Open a practice database (migrating it first) and hand out one instance of every service."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path

from app.services.ar import ArService
from app.services.changes import ChangeBus
from app.services.claim_documents import ClaimDocumentService
from app.services.claim_list import ClaimListService
from app.services.claims import ClaimService
from app.services.code_validity import CodeValidityService
from app.services.codesets import CodeSetService
from app.services.coding import CodingService
from app.services.encounters import EncounterService
from app.services.era_posting import EraImportService
from app.services.importer import ImportService
from app.services.kpi import KpiService
from app.services.ledger import LedgerService
from app.services.paper_posting import PaperPostingService
from app.services.patient_account import PatientAccountService
from app.services.patients import PatientService
from app.services.posting import PostingService
from app.services.practice import PracticeService
from app.services.pricing import PricingService
from app.services.scrubber import ScrubService
from app.services.settings import SettingsService
from app.services.statements import StatementService
from app.services.submission import SubmissionService
from db.migrate import refuse_foreign_database, upgrade_to_head
from db.session import Database


@dataclass
class Services:
    """Everything a panel or a CLI command needs; panels get this in their constructor."""

    db: Database
    user: str
    backup_path: Path | None
    bus: ChangeBus
    importer: ImportService
    encounters: EncounterService
    claims: ClaimService
    claim_list: ClaimListService
    posting: PostingService
    ledger: LedgerService
    practice: PracticeService
    patients: PatientService
    codesets: CodeSetService
    code_validity: CodeValidityService
    pricing: PricingService
    coding: CodingService
    scrubber: ScrubService
    settings: SettingsService
    submission: SubmissionService
    paper_posting: PaperPostingService
    era_import: EraImportService
    accounts: PatientAccountService
    statements: StatementService
    ar: ArService
    kpi: KpiService

    def close(self) -> None:
        self.codesets.close()
        self.db.dispose()


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def open_services(path: Path | str, user: str | None = None, codesets_path: Path | None = None) -> Services:
    """Open or create the database at `path`, back it up and migrate it to head, and wire the services.

    The code-set database opens on first use (default: the user's copy; `codesets_path` overrides)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    refuse_foreign_database(path)
    db = Database(path)
    backup = upgrade_to_head(db.engine, path)
    who = user or current_user()
    practice = PracticeService(db, who)
    codesets = CodeSetService(
        codesets_path, charge_master_name=practice.charge_master_name, practice_locality=practice.medicare_locality
    )
    claims = ClaimService(db, who)
    scrubber = ScrubService(db, codesets, who)
    settings = SettingsService(db, who)
    ar = ArService(db, codesets, who)
    return Services(
        db=db,
        user=who,
        backup_path=backup,
        bus=ChangeBus(),
        importer=ImportService(db),
        encounters=EncounterService(db),
        claims=claims,
        claim_list=ClaimListService(db),
        posting=PostingService(db, who),
        ledger=LedgerService(db, who),
        practice=practice,
        patients=PatientService(db, who),
        codesets=codesets,
        code_validity=CodeValidityService(db, codesets),
        pricing=PricingService(db, codesets),
        coding=CodingService(db, codesets, who),
        scrubber=scrubber,
        settings=settings,
        submission=SubmissionService(db, ClaimDocumentService(db), claims, scrubber, settings, who),
        paper_posting=PaperPostingService(db, claims, who),
        era_import=EraImportService(db, claims, who),
        accounts=PatientAccountService(db, who),
        statements=StatementService(db, settings, who),
        ar=ar,
        kpi=KpiService(db, ar),
    )
