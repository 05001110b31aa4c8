"""Daily WARC manifests chain each other's hash; m0005 applies twice without harm."""

from __future__ import annotations

from archive.db import open_archive
from archive.migrations import m0005_warc_files
from archive.warc_manifest import check_chain, parse_manifest, write_manifest


def make_warcs(tmp_path, *names):
    warc_dir = tmp_path / "warc"
    warc_dir.mkdir(exist_ok=True)
    for name in names:
        (warc_dir / name).write_bytes(name.encode())
    return warc_dir


def test_each_manifest_names_the_previous_one_by_hash(tmp_path):
    warc_dir = make_warcs(tmp_path, "a.warc.gz")
    first = write_manifest(tmp_path, warc_dir, today="2024-05-01")
    make_warcs(tmp_path, "b.warc.gz")
    second = write_manifest(tmp_path, warc_dir, today="2024-05-02")
    assert parse_manifest(first)[0] is None
    previous, entries = parse_manifest(second)
    assert previous.startswith("manifest-2024-05-01.txt sha256:")
    assert sorted(entries) == ["warc/a.warc.gz", "warc/b.warc.gz"]
    assert check_chain(tmp_path, warc_dir / "manifests") == []


def test_edited_old_manifest_breaks_the_chain(tmp_path):
    warc_dir = make_warcs(tmp_path, "a.warc.gz")
    first = write_manifest(tmp_path, warc_dir, today="2024-05-01")
    write_manifest(tmp_path, warc_dir, today="2024-05-02")
    first.write_text(first.read_text() + "# edited\n")
    problems = check_chain(tmp_path, warc_dir / "manifests")
    assert problems == ["manifest manifest-2024-05-02.txt: previous-manifest hash does not match"]


def test_listed_warc_that_changed_is_reported(tmp_path):
    warc_dir = make_warcs(tmp_path, "a.warc.gz")
    write_manifest(tmp_path, warc_dir, today="2024-05-01")
    (warc_dir / "a.warc.gz").write_bytes(b"tampered")
    assert check_chain(tmp_path, warc_dir / "manifests") == [
        "manifest manifest-2024-05-01.txt: warc/a.warc.gz changed since it was listed"
    ]


def test_m0005_is_idempotent(tmp_path):
    db = open_archive(tmp_path / "a.db")
    m0005_warc_files.apply(db)
    m0005_warc_files.apply(db)
    columns = db["captures"].columns_dict
    assert {"warc_file", "warc_offset", "warc_length", "warc_record_id"} <= set(columns)
    assert db["attachment_files"].exists() and db["attachment_files_fts"].exists()
