"""Let one scrub finding through with a written reason; the reason, who and when are kept with the claim."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services.scrubber import FindingRow
from ui.dialogs.reason_dialog import ReasonDialog, Submit


class OverrideDialog(ReasonDialog):
    """The reason dialog, worded for an override: Override hands the reason to `submit(reason)`."""

    def __init__(self, claim_number: str, finding: FindingRow, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(
            f"Override a finding on {claim_number}",
            f"{finding.message}\n\nAn override lets this claim go out without fixing it. Say why, in words another "
            "biller or an auditor will understand: your name, the time and the reason are kept with the claim.",
            "&Override",
            submit,
            parent,
            placeholder="e.g. Separate procedure documented in the note; payer confirmed by phone",
        )
        self.finding = finding
        self.override_button = self.ok_button
        self.reason_edit.setAccessibleName("Reason for the override")
