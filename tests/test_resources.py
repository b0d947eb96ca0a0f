"""Shipped resources are listed with checksums, and every copied data file keeps its source note."""

from __future__ import annotations

from app.build_resources import render
from app.paths import resources_dir
from app.services.selftest import verify_resources


def test_the_manifest_is_up_to_date() -> None:
    current = (resources_dir() / "manifest.json").read_text(encoding="utf-8")
    assert current == render(), "run: python -m app.build_resources"


def test_every_listed_resource_verifies() -> None:
    assert verify_resources() >= 5


def test_every_copied_data_set_keeps_its_source_note() -> None:
    folders = [p for p in (resources_dir() / "reference").iterdir() if p.is_dir()]
    assert folders
    for folder in folders:
        note = folder / "SOURCE.txt"
        assert note.is_file() and note.stat().st_size > 100, f"{folder.name} has no SOURCE.txt"


def test_the_manifest_lists_only_what_the_bundle_ships() -> None:
    """Build inputs under resources/sources/ stay out of the bundle, so selftest must not expect them."""
    import json

    listed = [f["path"] for f in json.loads((resources_dir() / "manifest.json").read_text())["files"]]
    assert listed and not [p for p in listed if p.startswith("sources/")]
