"""Crawl, mutate the sample sites, crawl again: exactly the expected events (issue 6).

The mutation (crawler/samplesites/mutation/mutations.yml) edits one body, flips one 有效性,
deletes one page (404), soft-404s one, puts one behind a 412 challenge, makes one 503 and one
hang past the timeout, adds two documents and drops one from the lists only. Profiles are the
sample ones with every known page revisited each run and a 1-second timeout.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
import yaml

from crawler.samplesites.mutate import build, load
from crawler.samplesites.server import SampleServer
from tests.gongkai_cli import gongkai

ROOT = Path(__file__).resolve().parents[2]
MUTATIONS = load()
RESPOND = {(e["site"], e["id"]): e for e in MUTATIONS["respond"]}


def every_run_profiles(directory: Path) -> Path:
    """The sample profiles, revisiting every known page each run, 1 s timeout."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in (ROOT / "crawler/profiles").glob("sample-*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["politeness"] = {**(data.get("politeness") or {}), "timeout": 1}
        data["revisit"] = {"intervals": [{"every_hours": 0}], "removed_after": 2}
        (directory / path.name).write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return directory


class Runs:
    """Crawls into one archive; events grouped by the run that produced them."""

    def __init__(self, tmp: Path) -> None:
        self.db = tmp / "gongkai.db"
        self.profiles = every_run_profiles(tmp / "profiles")
        self.results: list[subprocess.CompletedProcess] = []
        self.last_crawl = [0]

    def crawl(self, server: SampleServer) -> subprocess.CompletedProcess:
        result = gongkai("crawl", "--samples", "--profiles-dir", str(self.profiles),
                         "--proxy", server.url, "--db", str(self.db))  # fmt: skip
        assert "Traceback" not in result.stderr, result.stderr
        self.results.append(result)
        with sqlite3.connect(self.db) as conn:
            self.last_crawl.append(conn.execute("select max(id) from crawls").fetchone()[0])
        return result

    def events(self, run: int) -> list[dict]:
        with sqlite3.connect(self.db) as conn:
            conn.row_factory = sqlite3.Row
            rows = conn.execute(
                "select * from events where crawl_id > ? and crawl_id <= ? order by id",
                [self.last_crawl[run - 1], self.last_crawl[run]],
            )
            return [dict(r) for r in rows]


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    return build(tmp_path_factory.mktemp("mutation"))


@pytest.fixture(scope="module")
def runs(snapshots, tmp_path_factory):
    base, mutated = snapshots
    runs = Runs(tmp_path_factory.mktemp("runs"))
    servers = [SampleServer(root=base.sites).start_in_thread()]
    runs.crawl(servers[0])
    servers.append(SampleServer(root=mutated.sites, overrides=mutated.overrides).start_in_thread())
    for _ in range(3):
        runs.crawl(servers[1])
    runs.crawl(servers[0])  # the original sites again
    for server in servers:
        server.stop()
    runs.mutated_requests = servers[1].requests
    return runs


def url(snapshots, site: str, doc_id: int) -> str:
    base, mutated = snapshots
    try:
        return base.url(site, doc_id)
    except KeyError:
        return mutated.url(site, doc_id)


def pairs(events: list[dict]) -> set[tuple[str, str]]:
    return {(e["type"], e["url"]) for e in events}


def test_first_crawl_only_has_new_events(runs, snapshots):
    events = runs.events(1)
    assert events and {e["type"] for e in events} == {"new"}
    assert len(events) == len({e["document_id"] for e in events})


def test_mutation_gives_exactly_the_expected_events(runs, snapshots):
    expected = {("new", url(snapshots, a["site"], d["id"]))
                for a in MUTATIONS["add"] for d in a["documents"]}  # fmt: skip
    expected |= {("changed", url(snapshots, e["site"], e["id"])) for e in MUTATIONS["edit"]}
    expected |= {("delisted", url(snapshots, e["site"], e["id"])) for e in MUTATIONS["unlist"]}
    expected |= {("blocked", url(snapshots, s, i)) for (s, i), e in RESPOND.items()
                 if e.get("status") == 412}  # fmt: skip
    events = runs.events(2)
    assert pairs(events) == expected
    assert len(events) == len(expected)


def test_changed_events_carry_their_diffs(runs, snapshots):
    changed = {e["url"]: e for e in runs.events(2) if e["type"] == "changed"}
    flip = changed[url(snapshots, "www.sxx.sample.test", 62713007)]
    assert json.loads(flip["field_diff"]) == {"validity": {"old": "有效", "new": "失效"}}
    edit = changed[url(snapshots, "rsj.qingxi.sample.test", 3456121)]
    assert "-第四条 本细则自2023年5月1日起施行，有效期五年。" in edit["text_diff"]
    assert "+第四条 本细则自2023年7月1日起施行，有效期三年。" in edit["text_diff"]
    assert (edit["from_version"], edit["to_version"]) == (1, 2)


def test_removed_only_at_the_second_missing_observation(runs, snapshots):
    gone = {url(snapshots, s, i) for (s, i), e in RESPOND.items()
            if e.get("status") == 404 or e.get("page") == "soft404.html"}  # fmt: skip
    assert pairs(runs.events(3)) == {("removed", u) for u in gone}
    assert runs.events(4) == []


def test_removal_evidence_brackets_the_interval(runs):
    conn = sqlite3.connect(runs.db)
    for start, end, before, after, reason in conn.execute(
        "select interval_start, interval_end, before_capture_id, after_capture_id, reason"
        " from events where type = 'removed'"
    ):
        assert start < end
        b = conn.execute(
            "select status, observation, fetched_at from captures where id = ?", [before]
        ).fetchone()
        a = conn.execute(
            "select status, observation, fetched_at from captures where id = ?", [after]
        ).fetchone()
        assert b[1] in ("ok", "not_modified") and b[2] == start
        assert a[1] == "missing" and a[2] == end
        assert reason in ("HTTP 404", "soft-404: 您访问的页面不存在")


@pytest.mark.parametrize(
    "key,observation",
    [(k, "blocked" if e.get("status") == 412 else "unreachable")
     for k, e in RESPOND.items() if e.get("status") in (412, 503) or e.get("delay")],
    ids=["412", "503", "timeout"],
)  # fmt: skip
def test_blocked_and_unreachable_never_remove(runs, snapshots, key, observation):
    page = url(snapshots, *key)
    conn = sqlite3.connect(runs.db)
    types = [r[0] for r in conn.execute("select type from events where url = ?", [page])]
    assert "removed" not in types
    seen = {r[0] for r in conn.execute(
        "select observation from captures where url = ? and crawl_id > ? and crawl_id <= ?",
        [page, runs.last_crawl[1], runs.last_crawl[4]],
    )}  # fmt: skip
    assert seen == {observation}


def test_restored_when_the_original_sites_return(runs, snapshots):
    gone = {url(snapshots, s, i) for (s, i), e in RESPOND.items()
            if e.get("status") == 404 or e.get("page") == "soft404.html"}  # fmt: skip
    restored = {e["url"] for e in runs.events(5) if e["type"] == "restored"}
    assert restored == gone


def test_unchanged_pages_are_answered_304(runs):
    conn = sqlite3.connect(runs.db)
    counts = dict(conn.execute(
        "select observation, count(*) from captures where crawl_id > ? and crawl_id <= ?"
        " and kind = 'detail' group by 1", [runs.last_crawl[3], runs.last_crawl[4]],
    ).fetchall())  # fmt: skip
    assert counts["not_modified"] > 100 and counts.get("ok", 0) <= 2


def test_503_is_retried_only_after_its_retry_after(runs, snapshots):
    (site, doc_id), entry = next((k, e) for k, e in RESPOND.items() if e.get("status") == 503)
    path = url(snapshots, site, doc_id).split(site, 1)[1]
    times = sorted(r["time"] for r in runs.mutated_requests if r["path"] == path)
    assert len(times) == 3 * 3  # three runs, each: the request and two retries, then kept
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= entry["retry_after"] - 0.05
