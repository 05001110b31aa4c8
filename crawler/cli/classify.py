"""``gongkai classify``: re-classify the archive after a taxonomy or profile edit."""

from __future__ import annotations

import json
from pathlib import Path

import click

from crawler.cli.errors import EXIT_BAD_CONFIG, EXIT_LOCKED, fail
from crawler.profile import PROFILES_DIR, ProfileError, load_all

SAMPLE_SITES = Path(__file__).parents[1] / "samplesites" / "sites"


@click.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Archive database to re-classify.",
)
@click.option(
    "--taxonomy",
    default="anhui",
    show_default=True,
    help="Taxonomy name (a file in pipeline/taxonomy/) or path to a taxonomy YAML.",
)
@click.option(
    "--profiles-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=PROFILES_DIR,
    help="Profiles whose `columns` mappings apply per site.",
)
@click.option(
    "--near-dups",
    "threshold",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=None,
    help="Also regroup near-duplicates at this Jaccard threshold.",
)
@click.option(
    "--evaluate",
    "labels_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Instead: measure accuracy against the labels files (*.yml) in this directory.",
)
@click.option(
    "--snapshot",
    type=click.Path(path_type=Path, file_okay=False),
    default=SAMPLE_SITES,
    help="Saved pages (<host>/<path>) the labels refer to.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def classify(
    db_path: Path | None,
    taxonomy: str,
    profiles_dir: Path,
    threshold: float | None,
    labels_dir: Path | None,
    snapshot: Path,
    as_json: bool,
) -> None:
    """Re-classify every document: category (with its source and raw label) and 体裁.

    Run after editing a taxonomy file or a profile's `columns`; prints how many documents
    changed, the counts per category, and what deduplication kept. Exit code 2 on a bad
    taxonomy, profile or database.

    \b
    Example:
        gongkai classify --db var/gongkai.db
        gongkai classify --db var/gongkai.db --taxonomy anhui --near-dups 0.85 --json
        gongkai classify --evaluate tests/fixtures/labels
    """  # fmt: skip
    from archive.db import ArchiveError, open_archive
    from archive.dedupe import dedupe_counts
    from archive.lock import LockedError, archive_lock
    from pipeline.postcrawl.neardups import group_near_duplicates
    from pipeline.postcrawl.refile import reclassify
    from pipeline.taxonomy import TaxonomyError, load_taxonomy

    if labels_dir is not None:
        _evaluate(labels_dir, snapshot, taxonomy, profiles_dir, as_json)
        return
    if db_path is None:
        fail("give --db PATH to re-classify an archive, or --evaluate DIR", EXIT_BAD_CONFIG)
    try:
        tax = load_taxonomy(taxonomy)
        columns = {p.name: p.columns for p in load_all(profiles_dir) if p.columns}
        # A crawl writing meanwhile would interleave its rows with ours: take its lock.
        with archive_lock(db_path):
            db = open_archive(db_path, create=False)
            try:
                result = reclassify(db, tax, columns)
                if threshold is not None:
                    result["near_dups"] = group_near_duplicates(db, threshold=threshold)
                result["dedupe"] = dedupe_counts(db)
            finally:
                db.close()
    except LockedError as exc:
        fail(str(exc), EXIT_LOCKED)
    except (TaxonomyError, ProfileError, ArchiveError) as exc:
        fail(str(exc), EXIT_BAD_CONFIG)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    unclassified = result["by_category"].get(tax.unclassified, 0)
    click.echo(
        f"classified {result['documents']} documents with taxonomy {tax.name}: "
        f"{result['changed']} changed, {unclassified} {tax.unclassified}"
    )
    for name, count in result["by_category"].items():
        click.echo(f"  {count:6d}  {name}")
    click.echo("dedupe: " + ", ".join(f"{k}={v}" for k, v in result["dedupe"].items()))


def _evaluate(
    labels_dir: Path, snapshot: Path, taxonomy: str, profiles_dir: Path, as_json: bool
) -> None:
    from pipeline.labels import evaluate
    from pipeline.taxonomy import TaxonomyError, load_taxonomy

    files = sorted(labels_dir.glob("*.yml"))
    if not files:
        fail(f"no labels files (*.yml) in {labels_dir}", EXIT_BAD_CONFIG)
    try:
        tax = load_taxonomy(taxonomy)
        profiles = {p.name: p.as_dict() for p in load_all(profiles_dir)}
        evaluation = evaluate(files, profiles, snapshot, tax)
    except (TaxonomyError, ProfileError, ValueError, OSError, KeyError) as exc:
        fail(f"cannot evaluate {labels_dir}: {exc}", EXIT_BAD_CONFIG)
    summary = evaluation.summary()
    if not summary["pages"]:
        fail(f"no labels in {labels_dir} for taxonomy {tax.name}", EXIT_BAD_CONFIG)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{summary['pages']} labelled pages: category accuracy {summary['category_accuracy']:.3f}"
        f" ({summary['pages_with_own_label']} with their own label:"
        f" {summary['category_accuracy_own_label']:.3f}), genre accuracy"
        f" {summary['genre_accuracy']:.3f}"
    )
    for mistake in summary["mistakes"]:
        click.echo("  " + mistake)
