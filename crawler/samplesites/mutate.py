"""Mutation mode: a second snapshot of the sample sites, for change and removal detection.

``mutation/mutations.yml`` (data) says what changes between two crawls:

- ``edit``: new values for a document's fields (body, 有效性, …), re-rendered by the generator;
- ``add``: new documents, as content blocks (they appear on the list pages too);
- ``unlist``: documents still served but no longer linked from any list page;
- ``respond``: pages the server answers differently — another status, another page (a file
  in ``mutation/``, e.g. a soft-404 or a WAF challenge), a ``Retry-After``, or a delay.

:func:`build` renders a snapshot into a directory and returns it with the server overrides;
``SampleServer(root=snapshot.sites, overrides=snapshot.overrides)`` serves it. Run
``python -m crawler.samplesites.mutate OUT [--serve PORT]`` to write both snapshots to disk
(and serve the mutated one): crawl, switch servers, crawl again, ``gongkai events``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crawler.samplesites.content import CONTENT_DIR
from crawler.samplesites.generate import generate

HERE = Path(__file__).with_name("mutation")
MUTATIONS = HERE / "mutations.yml"


@dataclass(frozen=True)
class Override:
    """How the server answers one page instead of serving its file."""

    status: int | None = None
    body: bytes | None = None
    retry_after: int | None = None
    delay: float = 0.0


@dataclass
class Snapshot:
    sites: Path
    manifest: dict
    overrides: dict[tuple[str, str], Override] = field(default_factory=dict)

    def url(self, site: str, doc_id: int) -> str:
        return document_urls(self.manifest)[(site, int(doc_id))]


def document_urls(manifest: dict) -> dict[tuple[str, int], str]:
    """(host, id) -> URL of every document the manifest lists."""
    return {
        (p["host"], int(d["id"])): d["url"]
        for p in manifest["profiles"].values()
        for d in p["documents"]
    }


def load(path: Path = MUTATIONS) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def build(
    out: Path, mutations: dict[str, Any] | None = None, content_dir: Path = CONTENT_DIR
) -> tuple[Snapshot, Snapshot]:
    """Render the base and the mutated snapshot under ``out``; return both.

    Both come from the same content data, so they differ only by the mutations (the
    committed ``sites/`` may lag behind an edited ``content/``).
    """
    mutations = load() if mutations is None else mutations
    base = Snapshot(out / "base", generate(content_dir, out / "base", None))
    content = out / "content"
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(content_dir, content)
    targets = {(e["site"], int(e["id"])): e.get("set", {}) for e in mutations.get("edit", [])}
    hidden = {(e["site"], int(e["id"])) for e in mutations.get("unlist", [])}
    _rewrite_content(content, targets, hidden)
    added = mutations.get("add") or []
    (content / "zz-mutation-added.yml").write_text(
        yaml.safe_dump_all(added, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    mutated = Snapshot(out / "mutated", generate(content, out / "mutated", None))
    base_urls = document_urls(base.manifest)
    for key in hidden:  # the page stays; only the list entries went with the content
        _copy_page(base.sites, mutated.sites, base_urls[key])
    for entry in mutations.get("respond", []):
        url = base_urls[(entry["site"], int(entry["id"]))]
        mutated.overrides[_key(url)] = _override(entry)
    return base, mutated


def _rewrite_content(content: Path, edits: dict, hidden: set) -> None:
    for path in sorted(content.glob("*.yml")):
        if path.name.startswith("sites"):
            continue
        blocks = [b for b in yaml.safe_load_all(path.read_text(encoding="utf-8")) if b]
        changed = False
        for block in blocks:
            kept = []
            for doc in block.get("documents") or []:
                key = (block["site"], int(doc["id"]))
                if key in hidden:
                    changed = True
                    continue
                if key in edits:
                    doc.update(edits[key])
                    changed = True
                kept.append(doc)
            block["documents"] = kept
        if changed:
            path.write_text(
                yaml.safe_dump_all(blocks, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )


def _key(url: str) -> tuple[str, str]:
    host, _, path = url.split("://", 1)[1].partition("/")
    return host, "/" + path


def _copy_page(base: Path, mutated: Path, url: str) -> None:
    host, path = _key(url)
    target = mutated / host / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(base / host / path.lstrip("/"), target)


def _override(entry: dict) -> Override:
    page = entry.get("page")
    return Override(
        status=entry.get("status"),
        body=(HERE / page).read_bytes() if page else None,
        retry_after=entry.get("retry_after"),
        delay=float(entry.get("delay", 0)),
    )


def main() -> None:
    """``python -m crawler.samplesites.mutate OUT [--serve PORT]``: write (and serve) both."""
    import argparse
    import time

    from crawler.samplesites.server import SampleServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", default=Path("var/mutation"))
    parser.add_argument("--serve", type=int, metavar="PORT", help="serve the mutated sites")
    args = parser.parse_args()
    base, mutated = build(args.out)
    print(f"base: {base.sites}\nmutated: {mutated.sites} ({len(mutated.overrides)} overrides)")
    if args.serve is not None:
        server = SampleServer(args.serve, mutated.sites, overrides=mutated.overrides)
        print(
            f"mutated sample sites: use {server.start_in_thread().url} as HTTP proxy; Ctrl-C stops"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            server.stop()


if __name__ == "__main__":
    main()
