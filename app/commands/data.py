"""Subcommands for the database itself: selftest, import, and the import format's JSON Schema."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.cli import command, db_path, print_json


def _selftest_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-gui-check", action="store_true", help="skip checking that the Qt libraries load")


@command("selftest", "open or create the database, migrate it, check resources, print one line", _selftest_args)
def selftest(args: argparse.Namespace) -> int:
    from app.services.selftest import run_selftest

    result = run_selftest(db_path(args), check_gui=not args.no_gui_check)
    print(result.line())
    return 0 if (result.gui_importable or args.no_gui_check) else 1


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="a ClaimDesk import file (JSON; see docs/import-schema.json)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


@command("import", "load practice setup, patients, coverages and encounters from an import file", _import_args)
def import_file(args: argparse.Namespace) -> int:
    from app.services.container import open_services

    services = open_services(db_path(args))
    try:
        summary = services.importer.import_file(args.file)
    finally:
        services.close()
    if args.json:
        print_json({"file": str(args.file), "changed": summary.changed, "entities": summary.as_dict()})
    else:
        print(f"Imported {args.file}:")
        for name, counts in summary.as_dict().items():
            print(f"  {name:14} " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        if not summary.changed:
            print("  nothing changed (already imported)")
    return 0


def _schema_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")


@command("import-schema", "print the JSON Schema of the import format", _schema_args)
def import_schema(args: argparse.Namespace) -> int:
    from app.domain.import_format import json_schema

    text = json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0
