"""Rebuild `resources/manifest.json`: every shipped resource with its SHA-256, checked by `selftest`.

Run `python -m app.build_resources` after changing anything under `resources/`.
"""

from __future__ import annotations

import hashlib
import json
import sys

from app.paths import resources_dir

MANIFEST = "manifest.json"
SKIP_SUFFIXES = (".pyc",)
# Official source files read only by the code-set build; the bundle leaves them out, so does this list.
BUILD_INPUTS = "sources/"
# Built artefacts are checked by the code-set service itself (release checksums), not listed here.
BUILT = ("codesets.sqlite3",)


def manifest() -> dict:
    root = resources_dir()
    files = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or rel == MANIFEST or path.suffix in SKIP_SUFFIXES:
            continue
        if rel.startswith(BUILD_INPUTS) or rel in BUILT or "-journal" in rel or rel.endswith(("-wal", "-shm")):
            continue
        files.append(
            {"path": rel, "bytes": path.stat().st_size, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
        )
    return {"files": files}


def render() -> str:
    return json.dumps(manifest(), indent=1) + "\n"


def main() -> int:
    target = resources_dir() / MANIFEST
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target} ({len(manifest()['files'])} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
