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
    for action, what, many in (
        ("import-ncci-ptp", "CMS practitioner PTP edit files (f1..f4: .txt, .csv, .xlsx or the .zip)", True),
        ("import-ncci-mue", "the CMS Practitioner Services MUE table (.csv, .xlsx or the .zip)", False),
        ("import-ncci-aoc", "the CMS add-on code edit file (.txt, .csv, .xlsx or the .zip)", False),
    ):
        nc = sub.add_parser(action, help=f"load one NCCI edition: {what}")
        add_db_option(nc)
        nc.add_argument("files", type=Path, nargs="+" if many else 1, metavar="FILE", help=".txt, .csv, .xlsx or .zip")
        nc.add_argument("--edition", required=True, help="CMS edition name, e.g. v32.3")
        nc.add_argument("--effective", type=dt.date.fromisoformat, required=True, help="first day, e.g. 2026-10-01")
        nc.add_argument("--json", action="store_true")
    ed = sub.add_parser("ncci", help="which NCCI editions (PTP, MUE, add-on codes) are loaded")
    add_db_option(ed)
    ed.add_argument("--json", action="store_true")
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


def _import_ncci(kind: str):  # noqa: ANN202
    def run(services, args: argparse.Namespace) -> int:  # noqa: ANN001
        from app.services.jobs import JobContext

        codesets = services.codesets
        ctx = JobContext(_progress_on_terminal)
        if kind == "ncci_ptp":
            result = codesets.import_ncci_ptp(args.files, args.edition, args.effective, ctx=ctx)
        elif kind == "ncci_mue":
            result = codesets.import_ncci_mue(args.files[0], args.edition, args.effective, ctx=ctx)
        else:
            result = codesets.import_ncci_aoc(args.files[0], args.edition, args.effective, ctx=ctx)
        if args.json:
            print_json(result.as_json())
            return 0
        print(result.summary())
        for name, count in result.rows_per_file.items():
            print(f"  {name}: {count:,} rows read")
        for note in result.notes:
            print(f"  note: {note}")
        unusual = [s for s in result.skipped if s.reason != "notice or header line"]
        for line in unusual[:20]:
            print(f"  skipped {line}")
        if len(unusual) > 20:
            print(f"  ... and {len(unusual) - 20} more skipped lines (see --json)")
        return 0

    return run


def _progress_on_terminal(done: int, total: int, message: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{100 * done // max(total, 1):3d}% {message}".ljust(78), end="", file=sys.stderr, flush=True)


def _ncci(services, args: argparse.Namespace) -> int:  # noqa: ANN001
    from app.domain.ncci import NCCI_KINDS, describe_edition, missing_edition_warning

    editions = services.codesets.ncci_editions()
    counts = {r["system"] + "/" + r["release"]: r for r in services.codesets.stats()["releases"]}
    warnings = [
        missing_edition_warning(kind, f"claimdesk codes import-{kind.replace('_', '-')}")
        for kind in NCCI_KINDS
        if editions[kind] is None
    ]
    if args.json:
        print_json(
            {
                "editions": {
                    kind: None
                    if rel is None
                    else {
                        "edition": rel.name,
                        "effective_from": rel.effective_from.isoformat(),
                        "effective_to": rel.effective_to.isoformat() if rel.effective_to else None,
                        "description": describe_edition(kind, rel),
                        "rows": next(
                            (v for k, v in counts[f"{kind}/{rel.name}"].items() if k in ("edits", "codes")), None
                        ),
                        "source": rel.source,
                    }
                    for kind, rel in editions.items()
                },
                "warnings": warnings,
            }
        )
        return 0
    for kind, rel in editions.items():
        if rel is not None:
            entry = counts[f"{kind}/{rel.name}"]
            rows = ", ".join(f"{v:,} {k}" for k, v in entry.items() if k in ("edits", "codes"))
            print(f"{describe_edition(kind, rel)}: {rows}")
    for warning in warnings:
        print(f"Warning: {warning}")
    return 0


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
    "import-ncci-ptp": _import_ncci("ncci_ptp"),
    "import-ncci-mue": _import_ncci("ncci_mue"),
    "import-ncci-aoc": _import_ncci("ncci_aoc"),
    "ncci": _ncci,
    "stats": _stats,
}
