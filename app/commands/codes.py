"""`claimdesk codes ...`: search, show, import newer releases and count the code sets, headless."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from app.cli import add_db_option, command, db_path, print_json


def _codes_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="codes_command", metavar="ACTION", required=True)
    s = sub.add_parser("search", help="search every code set (or one) by code, words or abbreviation")
    add_db_option(s)
    s.add_argument("query", nargs="?", help="e.g. e116, 'diabetes type 2 with neuropathy', HTN")
    s.add_argument("--system", choices=("icd10cm", "hcpcs", "cpt", "all"), default="all")
    s.add_argument("--limit", type=int, default=10)
    s.add_argument("--json", action="store_true")
    s.add_argument("--stdin", action="store_true", help="read one query per line; print one JSON line each")
    show = sub.add_parser("show", help="everything about one code: notes, parent, children, dates, Medicare fee")
    add_db_option(show)
    show.add_argument("code")
    show.add_argument("--date", type=dt.date.fromisoformat, help="date of service (picks the release in force)")
    show.add_argument("--json", action="store_true")
    icd = sub.add_parser("import-icd10cm", help="load a newer CDC ICD-10-CM tabular XML and print what changed")
    add_db_option(icd)
    icd.add_argument("file", type=Path)
    icd.add_argument("--name", help="release name (default FY<version in the file>)")
    icd.add_argument("--json", action="store_true")
    hc = sub.add_parser("import-hcpcs", help="load a later CMS HCPCS alpha-numeric file (same 320-byte layout)")
    add_db_option(hc)
    hc.add_argument("file", type=Path)
    hc.add_argument("--name", required=True, help="e.g. '2026 Q2 (April)'")
    hc.add_argument("--effective", type=dt.date.fromisoformat, required=True, help="first day it applies")
    hc.add_argument("--json", action="store_true")
    cp = sub.add_parser("import-cpt", help="load your licensed CPT file (see docs/cpt-import.md)")
    add_db_option(cp)
    cp.add_argument("file", type=Path)
    cp.add_argument("--name", required=True, help="e.g. 'CPT 2026'")
    cp.add_argument("--effective", type=dt.date.fromisoformat, required=True)
    cp.add_argument("--until", type=dt.date.fromisoformat)
    cp.add_argument("--json", action="store_true")
    ad = sub.add_parser("import-adjustment-codes", help="load a newer CARC or RARC list (code, description)")
    add_db_option(ad)
    ad.add_argument("kind", choices=("carc", "rarc"))
    ad.add_argument("file", type=Path)
    ad.add_argument("--name", required=True, help="e.g. 'X12 CARC 2026-07'")
    ad.add_argument("--effective", type=dt.date.fromisoformat, required=True)
    ad.add_argument("--json", action="store_true")
    st = sub.add_parser("stats", help="counts per code set and release")
    add_db_option(st)
    st.add_argument("--json", action="store_true")
    lo = sub.add_parser("localities", help="Medicare payment localities (for the practice's Medicare fees)")
    add_db_option(lo)
    lo.add_argument("--json", action="store_true")


@command("codes", "search and show codes; import newer code-set releases", _codes_args)
def codes(args: argparse.Namespace) -> int:
    from app.services.container import open_services

    services = open_services(db_path(args))
    try:
        return _ACTIONS[args.codes_command](services, args)
    finally:
        services.close()


def _search(services, args: argparse.Namespace) -> int:  # noqa: ANN001
    codesets = services.codesets
    if args.stdin:
        for line in sys.stdin:
            query = line.strip()
            if not query:
                continue
            hits = codesets.search(query, system=args.system, limit=args.limit)
            print(json.dumps({"query": query, "results": [h.as_json() for h in hits]}), flush=True)
        return 0
    if not args.query:
        raise SystemExit("claimdesk codes search: give a QUERY or --stdin")
    hits = codesets.search(args.query, system=args.system, limit=args.limit)
    if args.json:
        print_json([h.as_json() for h in hits])
        return 0
    if not hits:
        print(f"No codes match {args.query!r}.")
    for h in hits:
        mark = " " if h.billable else "+"
        print(f"{mark} {h.code:<9} {h.system:<8} {h.description}  [{h.why}]")
    if any(not h.billable for h in hits):
        print("+ = header code: not billable; pick a more specific code")
    return 0


def _show(services, args: argparse.Namespace) -> int:  # noqa: ANN001
    from app.errors import NotFoundError

    detail = services.codesets.detail(args.code, on=args.date)
    if detail is None:
        raise NotFoundError(f"No code {args.code!r} in the loaded code sets.")
    if args.json:
        data = {
            "code": detail.code,
            "system": detail.system,
            "description": detail.description,
            "billable": detail.billable,
            "release": detail.release,
            "valid_from": detail.valid_from.isoformat() if detail.valid_from else None,
            "valid_to": detail.valid_to.isoformat() if detail.valid_to else None,
            "parent": detail.parent,
            "children": [list(c) for c in detail.children],
            "notes": [{"kind": n.kind, "text": n.text, "from": n.from_code} for n in detail.notes],
            "chapter": detail.chapter,
            "section": detail.section,
            "sex": detail.sex,
            "age_min": detail.age_min,
            "age_max": detail.age_max,
            "seventh_characters": [list(c) for c in detail.seventh_characters],
            "attributes": detail.attributes,
            "medicare_fee": None
            if detail.medicare_fee is None
            else {
                "amount": str(detail.medicare_fee.amount),
                "locality": detail.medicare_fee.locality,
                "facility": detail.medicare_fee.facility,
                "release": detail.medicare_fee.release,
                "global_days": detail.medicare_fee.global_days,
            },
        }
        print_json(data)
        return 0
    print(f"{detail.code}  {detail.description}")
    print(f"  {detail.system.upper()} {detail.release}; {'billable' if detail.billable else 'header (not billable)'}")
    if detail.valid_from or detail.valid_to:
        print(f"  valid {detail.valid_from or '...'} to {detail.valid_to or '...'}")
    if detail.parent:
        print(f"  parent: {detail.parent}")
    for code, text in detail.children:
        print(f"  child: {code}  {text}")
    for note in detail.notes:
        print(f"  {note.kind} ({note.from_code}): {note.text}")
    for char, meaning in detail.seventh_characters:
        print(f"  7th character {char}: {meaning}")
    for key, value in detail.attributes.items():
        print(f"  {key}: {value}")
    if detail.medicare_fee:
        fee = detail.medicare_fee
        print(
            f"  Medicare {fee.release} allowed, locality {fee.locality}, "
            f"{'facility' if fee.facility else 'non-facility'}: ${fee.amount}"
        )
    return 0


def _import(kind: str):  # noqa: ANN202
    def run(services, args: argparse.Namespace) -> int:  # noqa: ANN001
        codesets = services.codesets
        if kind == "adjustment":
            diff = codesets.import_adjustment_codes(args.kind, args.file, args.name, args.effective)
        elif kind == "icd10cm":
            diff = codesets.import_icd10cm(args.file, name=args.name)
        elif kind == "hcpcs":
            diff = codesets.import_hcpcs(args.file, args.name, args.effective)
        else:
            diff = codesets.import_cpt(args.file, args.name, args.effective, args.until)
        report = services.code_validity.invalid_codes() if kind != "adjustment" and not diff.already_loaded else []
        if args.json:
            print_json({**diff.as_json(), "now_invalid": [r.as_json() for r in report]})
            return 0
        print(diff.summary())
        for code, text in diff.added[:50]:
            print(f"  added    {code}  {text}")
        for code, text in diff.deleted[:50]:
            print(f"  deleted  {code}  {text}")
        for code, old, new in diff.revised[:50]:
            print(f"  revised  {code}  {old!r} -> {new!r}")
        if report:
            print(f"{len(report)} open encounter or claim code(s) are not valid for their date of service:")
            for r in report[:100]:
                print(f"  {r.where}: {r.code} on {r.date_of_service:%m/%d/%Y}: {r.reason}")
        return 0

    return run


def _stats(services, args: argparse.Namespace) -> int:  # noqa: ANN001
    stats = services.codesets.stats()
    if args.json:
        print_json(stats)
        return 0
    for r in stats["releases"]:
        counts = ", ".join(f"{v:,} {k}" for k, v in r.items() if isinstance(v, int))
        print(
            f"{r['system']:<14} {r['release']:<20} {r['effective_from']} .. {r['effective_to'] or '':<10} "
            f"{r['origin']:<8} {counts}"
        )
    print(
        f"place of service {stats['place_of_service']}, taxonomy {stats['taxonomy']}, "
        f"modifiers {stats['modifiers']}, CARC {stats['carc']}, RARC {stats['rarc']}"
    )
    return 0


def _localities(services, args: argparse.Namespace) -> int:  # noqa: ANN001
    rows = services.codesets.localities()
    if args.json:
        print_json([{"locality": key, "name": name} for key, name in rows])
    else:
        for key, name in rows:
            print(f"{key:<12} {name}")
    return 0


_ACTIONS = {
    "localities": _localities,
    "search": _search,
    "show": _show,
    "import-icd10cm": _import("icd10cm"),
    "import-hcpcs": _import("hcpcs"),
    "import-cpt": _import("cpt"),
    "import-adjustment-codes": _import("adjustment"),
    "stats": _stats,
}
