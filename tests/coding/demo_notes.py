"""The second development set: two rendered notes per demo scenario variant (fixed seed), with the variant's codes."""

from __future__ import annotations

import random
from dataclasses import dataclass

from app.domain.demo_scenarios import SCENARIOS, PatientFacts, render_note

SEED = 20261128
NOTES_PER_VARIANT = 2


@dataclass(frozen=True)
class DemoNote:
    name: str
    note: str
    codes: tuple[str, ...]
    age: int
    sex: str


def demo_notes(seed: int = SEED, per_variant: int = NOTES_PER_VARIANT) -> list[DemoNote]:
    rng = random.Random(seed)
    out: list[DemoNote] = []
    for scenario in SCENARIOS:
        for variant in range(len(scenario.diagnoses)):
            for n in range(per_variant):
                age = rng.randint(scenario.min_age, scenario.max_age)
                sex = rng.choice(sorted(scenario.sexes))
                patient = PatientFacts("Sam", "Doe", age, sex)
                note = render_note(scenario, variant, rng, patient, template_index=n % len(scenario.note_templates))
                out.append(
                    DemoNote(f"{scenario.key}[{variant}]#{n}", note, scenario.diagnosis_codes(variant), age, sex)
                )
    return out
