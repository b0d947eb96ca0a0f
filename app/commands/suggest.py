"""`claimdesk suggest --note FILE`: propose ICD-10-CM codes, procedures and documentation gaps for a note, headless."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli import command, print_json


def _suggest_args(p: argparse.ArgumentParser) -> None:
    # `--db` (added to every command) is accepted and ignored: only the code sets are opened.
    p.add_argument("--note", type=Path, required=True, help="clinical note as a text file ('-' reads stdin)")
    p.add_argument("--json", action="store_true", help="print the suggestions as JSON")
    p.add_argument("--age", type=int, help="patient age in years (age-limited codes are checked)")
    p.add_argument("--sex", choices=("M", "F"), help="patient sex (sex-limited codes are checked)")
    p.add_argument("--codesets", type=Path, help="code-set database (default: the user's copy of the shipped one)")


@command("suggest", "propose diagnosis and procedure codes for a clinical note", _suggest_args)
def suggest(args: argparse.Namespace) -> int:
    from app.coding.assistant import CodingAssistant
    from app.services.codesets import CodeSetService

    if str(args.note) == "-":
        note = sys.stdin.read()
    else:
        try:
            note = args.note.read_text(encoding="utf-8")
        except OSError as exc:
            print(f"{args.note}: cannot read the note: {exc.strerror or exc}", file=sys.stderr)
            return 2
    codesets = CodeSetService(args.codesets) if args.codesets else CodeSetService()
    try:
        result = CodingAssistant.from_service(codesets).suggest(note, age=args.age, sex=args.sex)
    finally:
        codesets.close()
    if args.json:
        print_json(result.as_json())
        return 0
    if not result.diagnoses:
        print("No diagnosis codes found in the note.")
    for n, d in enumerate(result.diagnoses, start=1):
        quote = "; ".join(e.text for e in d.evidence)
        print(f"{n:>2}. {d.code:<9} {d.confidence:4.2f}  {d.description}")
        print(f"    {d.reason}  [{quote}]")
    if result.procedures:
        print("Procedures:")
        for p in result.procedures:
            print(f"    {p.code:<6} x{p.units:<3} {p.reason}")
    if result.gaps:
        print("Documentation gaps:")
        for g in result.gaps:
            print(f"    {g.code_family}: {g.message}")
    return 0
