"""``gongkai demo``: serve the bundled sample sites, crawl them all, open Datasette.

The demo crawls the sample sites, then (unless ``--no-history``) the same sites "some weeks
later" twice — one notice silently edited, one deleted, two new ones citing others by 文号
(``crawler/samplesites/mutation/demo-history.yml``) — so change events, removals, citations
and a complete scorecard row are there to look at, not only described.

Each crawl is a ``gongkai crawl`` child process: Scrapy's reactor runs once per process, and
a child in a session of its own never sees the terminal's Ctrl-C — this process gets it,
stops the crawl (SIGTERM: Scrapy shuts down gracefully) and exits 130 in one line, where a
child interrupted while importing would print Twisted's traceback.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import click
import yaml

from crawler.cli.errors import EXIT_INTERRUPTED, EXIT_SOME_ERRORS, fail
from crawler.cli.options import db_option
from crawler.profile import PROFILES_DIR, Profile, ProfileError, load_all

HISTORY = Path(__file__).parents[1] / "samplesites" / "mutation" / "demo-history.yml"
# Later runs revisit every known page (a real schedule would wait days for old ones).
EVERY_RUN = {"intervals": [{"every_hours": 0}], "removed_after": 2}
LATER_RUNS = 2  # a removal is confirmed by two consecutive missing observations


def revisit_every_run(profiles: list[Profile], directory: Path) -> Path:
    """The profiles as YAML files in ``directory``, each revisiting every known page."""
    directory.mkdir()
    for profile in profiles:
        data = {**profile.raw, "revisit": EVERY_RUN}
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (directory / f"{profile.name}.yml").write_text(text, encoding="utf-8")
    return directory


def crawl_served(db_path: Path, server, profiles_dir: Path | None = None) -> int:
    """``gongkai crawl --samples`` through a started SampleServer, then stop the server; the
    crawl's exit code (its summary line and any error line pass through)."""
    args = [sys.executable, "-m", "crawler.cli", "crawl", "--samples", "--proxy", server.url,
            "--db", str(db_path)]  # fmt: skip
    if profiles_dir is not None:
        args += ["--profiles-dir", str(profiles_dir)]
    try:
        child = subprocess.Popen(args, start_new_session=True)
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.terminate()
            if child.wait() == EXIT_INTERRUPTED:  # the crawl said so itself: one line is enough
                raise SystemExit(EXIT_INTERRUPTED) from None
            raise
    finally:
        server.stop()


def crawl_with_history(profiles: list[Profile], db_path: Path, history: bool) -> int:
    """The first crawl, then the later snapshot LATER_RUNS times; the first crawl's code."""
    from crawler.samplesites.mutate import build, load
    from crawler.samplesites.server import SampleServer

    with tempfile.TemporaryDirectory(prefix="gongkai-demo-") as tmp:
        base, later = build(Path(tmp), load(HISTORY)) if history else (None, None)
        server = SampleServer(port=0, **({"root": base.sites} if base else {})).start_in_thread()
        click.echo(f"gongkai: sample sites served through http://127.0.0.1:{server.port}")
        code = crawl_served(db_path, server)
        if later is None or code not in (0, EXIT_SOME_ERRORS):
            return code
        click.echo("gongkai: the same sites some weeks later (one notice edited, one deleted,"
                   f" two new), crawled {LATER_RUNS} times")  # fmt: skip
        profiles_dir = revisit_every_run(profiles, Path(tmp) / "profiles")
        for _ in range(LATER_RUNS):
            server = SampleServer(port=0, root=later.sites, overrides=later.overrides)
            crawl_served(db_path, server.start_in_thread(), profiles_dir)
    return code


@click.command()
@db_option("Archive database for the demo.", default=Path("var/demo.db"))
@click.option("--serve/--no-serve", default=True, help="Serve Datasette after the crawl.")
@click.option("--port", default=8001, show_default=True, help="Datasette port.")
@click.option("--history/--no-history", default=True, show_default=True,
              help="Also crawl the sites 'some weeks later' (edits, a deletion, new documents).")  # fmt: skip
def demo(db_path: Path, serve: bool, port: int, history: bool) -> None:
    """Crawl the bundled sample bureau sites (served on 127.0.0.1) and browse the archive.

    \b
    Example:
        gongkai demo                               # then open http://127.0.0.1:8001
        gongkai demo --no-serve --db /tmp/demo.db  # crawl only, for scripts and tests
    """
    try:
        profiles = [p for p in load_all(PROFILES_DIR) if p.sample]
    except ProfileError as exc:
        fail(str(exc))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    code = crawl_with_history(profiles, db_path, history)
    if code not in (0, EXIT_SOME_ERRORS) or not serve:
        raise SystemExit(code)
    from crawler.cli.serve import run_server

    run_server(db_path, port=port, host="127.0.0.1")
