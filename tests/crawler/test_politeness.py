"""Retry-After and 429/503 backoff, off-peak windows (crawler.politeness)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from crawler.politeness import BEIJING, BackoffMiddleware, in_window, retry_after_seconds
from crawler.profile import ProfileError, parse_profile
from crawler.samplesites.server import SampleServer
from tests.scrapy_crawler import PROJECT_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2024, 5, 1, 8, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value,expected",
    [("120", 120.0), (b"5", 5.0), ("Wed, 01 May 2024 08:02:00 GMT", 120.0),
     ("Wed, 01 May 2024 07:00:00 GMT", 0.0), ("soon", None), (None, None)],
    ids=["seconds", "bytes", "http-date", "date-in-past", "junk", "absent"],
)  # fmt: skip
def test_retry_after_seconds(value, expected):
    assert retry_after_seconds(value, NOW) == expected


@pytest.mark.parametrize(
    "window,hour,expected",
    [("22:00-06:00", 23, True), ("22:00-06:00", 3, True), ("22:00-06:00", 6, False),
     ("22:00-06:00", 12, False), ("01:00-05:30", 1, True), ("01:00-05:30", 5, True),
     ("01:00-05:30", 0, False), (None, 12, True)],
    ids=["wrap-evening", "wrap-night", "wrap-end-exclusive", "wrap-noon", "start-inclusive",
         "inside", "before", "no-window"],
)  # fmt: skip
def test_in_window_is_beijing_time(window, hour, expected):
    beijing = datetime(2024, 5, 1, hour, 0, tzinfo=BEIJING)
    assert in_window(window, beijing.astimezone(UTC)) is expected


def middleware(**settings) -> BackoffMiddleware:
    return BackoffMiddleware.from_crawler(
        get_crawler(settings_dict={**PROJECT_SETTINGS, **settings})
    )


def answer(status: int, request: Request, retry_after: str | None = None) -> Response:
    headers = {"Retry-After": retry_after} if retry_after else {}
    return Response(request.url, status=status, headers=headers, request=request)


@pytest.fixture
def clock(monkeypatch):
    """The middleware's monotonic clock, stopped at 1000 s."""
    monkeypatch.setattr("crawler.politeness.time.monotonic", lambda: 1000.0)
    return 1000.0


def test_503_with_retry_after_is_retried_after_it(clock):
    mw = middleware(POLITENESS_BACKOFF_RETRIES=2)
    request = Request("http://a.gov.cn/1.html")
    retry = mw.process_response(request, answer(503, request, "7"))
    assert isinstance(retry, Request) and retry.dont_filter
    assert retry.meta["backoff_tries"] == 1
    assert retry.meta["backoff_not_before"] == clock + 7


def test_429_without_retry_after_backs_off_exponentially(clock):
    mw = middleware(POLITENESS_BACKOFF_BASE=2.0)
    request = Request("http://a.gov.cn/1.html", meta={"backoff_tries": 1})
    retry = mw.process_response(request, answer(429, request))
    assert retry.meta["backoff_tries"] == 2
    assert retry.meta["backoff_not_before"] == clock + 4.0


@pytest.mark.parametrize(
    "meta,retry_after", [({"backoff_tries": 2}, "1"), ({}, "3600")], ids=["tries-used", "too-long"]
)
def test_gives_up_and_keeps_the_503(meta, retry_after):
    mw = middleware(POLITENESS_BACKOFF_RETRIES=2, POLITENESS_BACKOFF_MAX=600)
    request = Request("http://a.gov.cn/1.html", meta=meta)
    response = answer(503, request, retry_after)
    assert mw.process_response(request, response) is response


def test_other_statuses_pass_through():
    mw = middleware()
    request = Request("http://a.gov.cn/1.html")
    response = answer(404, request)
    assert mw.process_response(request, response) is response


@pytest.mark.parametrize(
    "politeness,field",
    [({"off_peak": "22:00"}, "politeness.off_peak"), ({"off_peak": "25:00-06:00"}, "politeness.off_peak"),
     ({"timeout": 0}, "politeness.timeout"), ({"pause": 1}, "politeness.pause")],
    ids=["no-end", "bad-hour", "zero-timeout", "unknown-key"],
)  # fmt: skip
def test_bad_politeness_names_the_field(politeness, field):
    data = {"name": "x", "agency": "某局", "platform": "generic", "start_urls": ["http://a.test/"],
            "allowed_domains": ["a.test"], "politeness": politeness}  # fmt: skip
    with pytest.raises(ProfileError, match=re.escape(f"field '{field}'")):
        parse_profile(data, "x.yml")


def test_site_outside_its_window_is_skipped_without_a_request(tmp_path):
    profile = yaml.safe_load((ROOT / "crawler/profiles/sample-suixi-jyj.yml").read_text("utf-8"))
    now = datetime.now(BEIJING)
    start, end = now + timedelta(hours=2), now + timedelta(hours=3)
    profile["politeness"]["off_peak"] = f"{start:%H:%M}-{end:%H:%M}"
    path = tmp_path / "sample-suixi-jyj.yml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    server = SampleServer(port=0).start_in_thread()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "crawl", "--profile", str(path), "--proxy",
             server.url, "--db", str(tmp_path / "a.db")],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    assert "1 skipped (off-peak window)" in result.stdout and result.stderr == ""
    assert server.requests == []
