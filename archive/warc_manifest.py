"""Daily manifests of WARC file hashes, each chaining the previous manifest's hash.

``<db dir>/warc/manifests/manifest-YYYY-MM-DD.txt`` is sha256sum-compatible after its
comment lines::

    # gongkai WARC manifest 2024-05-01
    # previous: manifest-2024-04-30.txt sha256:<hex of that file>   (or "previous: none")
    <sha256>  <size>  <path relative to the database directory>

Why a chain: altering or deleting an older manifest (to hide a changed WARC) breaks the
next manifest's ``previous`` hash. A WARC listed earlier must still have the listed hash:
files are closed at rotation or crawl end and never rewritten.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

NAME = re.compile(r"^manifest-(\d{4}-\d{2}-\d{2})\.txt$")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def manifests(manifest_dir: Path) -> list[Path]:
    """Existing manifests, oldest first."""
    if not manifest_dir.is_dir():
        return []
    return sorted(p for p in manifest_dir.iterdir() if NAME.match(p.name))


def parse_manifest(path: Path) -> tuple[str | None, dict[str, str]]:
    """(previous line value or None, {relative WARC path: sha256})."""
    previous, entries = None, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# previous:"):
            value = line.split(":", 1)[1].strip()
            previous = None if value == "none" else value
        elif line and not line.startswith("#"):
            sha, _size, name = line.split(None, 2)
            entries[name] = sha
    return previous, entries


def check_chain(base: Path, manifest_dir: Path) -> list[str]:
    """Problems with the chain, or with listed WARC files that changed or vanished."""
    problems: list[str] = []
    earlier: Path | None = None
    for path in manifests(manifest_dir):
        previous, entries = parse_manifest(path)
        expected = None if earlier is None else f"{earlier.name} sha256:{file_sha256(earlier)}"
        if previous != expected:
            problems.append(f"manifest {path.name}: previous-manifest hash does not match")
        for name, sha in entries.items():
            warc = base / name
            if not warc.is_file():
                problems.append(f"manifest {path.name}: {name} is missing")
            elif file_sha256(warc) != sha:
                problems.append(f"manifest {path.name}: {name} changed since it was listed")
        earlier = path
    return problems


def write_manifest(base: Path, warc_dir: Path, today: str | None = None) -> Path:
    """Write (or rewrite) today's manifest of every WARC file under ``warc_dir``."""
    manifest_dir = warc_dir / "manifests"
    manifest_dir.mkdir(parents=True, exist_ok=True)
    today = today or datetime.now(UTC).strftime("%Y-%m-%d")
    target = manifest_dir / f"manifest-{today}.txt"
    earlier = [p for p in manifests(manifest_dir) if p.name < target.name]
    previous = f"{earlier[-1].name} sha256:{file_sha256(earlier[-1])}" if earlier else "none"
    lines = [f"# gongkai WARC manifest {today}", f"# previous: {previous}"]
    for warc in sorted(warc_dir.glob("*.warc.gz")):
        name = warc.relative_to(base).as_posix()
        lines.append(f"{file_sha256(warc)}  {warc.stat().st_size}  {name}")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target
