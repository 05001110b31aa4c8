"""Revisit policy and conditional GET (crawler.revisit)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from crawler.profile import ProfileError, parse_profile
from crawler.revisit import KnownPage, RevisitPolicy, conditional_headers, is_due, parse_policy

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def page(**fields) -> KnownPage:
    base = dict(url="http://a.gov.cn/1.html", kind="detail", state="ok", document_id=1,
                last_observed_at="2024-06-01T00:00:00Z", etag='"abc"', last_modified=None,
                content_capture_id=7, published_at="2024-05-25", column=None, listed=1)  # fmt: skip
    return KnownPage(**{**base, **fields})


@pytest.mark.parametrize(
    "published,last_seen,due",
    [("2024-05-25", "2024-06-01T11:00:00Z", True),   # a week old: every run
     ("2024-01-10", "2024-06-01T00:00:00Z", False),  # months old: daily, 12 h ago
     ("2024-01-10", "2024-05-31T10:00:00Z", True),   # months old, 26 h ago
     ("2019-03-01", "2024-05-28T12:00:00Z", False),  # years old: weekly, 4 days ago
     ("2019-03-01", "2024-05-25T13:00:00Z", True),   # years old, just under 7 days (slack)
     (None, "2024-06-01T11:59:00Z", True)],          # unknown age: most frequent
    ids=["recent", "older-not-due", "older-due", "old-not-due", "old-due-with-slack", "no-date"],
)  # fmt: skip
def test_default_policy_recent_often_older_less(published, last_seen, due):
    assert (
        is_due(page(published_at=published, last_observed_at=last_seen), RevisitPolicy(), NOW)
        is due
    )


@pytest.mark.parametrize("state", ["missing", "blocked", "unreachable"])
def test_pages_not_last_seen_ok_are_due_every_run(state):
    old = page(published_at="2019-03-01", last_observed_at="2024-06-01T11:59:00Z", state=state)
    assert is_due(old, RevisitPolicy(), NOW)


def test_removed_pages_are_checked_at_the_slowest_pace():
    removed = page(
        state="removed", published_at="2024-05-30", last_observed_at="2024-05-31T12:00:00Z"
    )
    assert not is_due(removed, RevisitPolicy(), NOW)


def test_conditional_headers_only_for_pages_last_seen_ok():
    policy = RevisitPolicy()
    assert conditional_headers(page(last_modified="Wed, 01 May 2024 08:00:00 GMT"), policy) == {
        "If-None-Match": '"abc"', "If-Modified-Since": "Wed, 01 May 2024 08:00:00 GMT",
    }  # fmt: skip
    assert conditional_headers(page(state="missing"), policy) == {}
    assert conditional_headers(page(), RevisitPolicy(conditional=False)) == {}
    assert conditional_headers(page(kind="list", content_capture_id=None), policy) == {}


def test_parse_policy_reads_intervals():
    policy = parse_policy({"intervals": [{"younger_than_days": 7, "every_hours": 1},
                                         {"every_hours": 72}], "removed_after": 3})  # fmt: skip
    assert policy.intervals == ((7, 1), (None, 72)) and policy.removed_after == 3
    assert policy.every_hours(2) == 1 and policy.every_hours(30) == 72


@pytest.mark.parametrize(
    "section,field",
    [({"removed_after": 0}, "revisit.removed_after"), ({"conditional": "yes"}, "revisit.conditional"),
     ({"intervals": []}, "revisit.intervals"), ({"often": 1}, "revisit.often"),
     ({"intervals": [{"every_hours": 1}, {"every_hours": 2}]}, "revisit.intervals[0]"),
     ({"intervals": [{"younger_than_days": 30, "every_hours": 1},
                     {"younger_than_days": 7, "every_hours": 2}]}, "revisit.intervals[1].younger_than_days"),
     ({"intervals": [{"every_hours": -1}]}, "revisit.intervals[0].every_hours")],
    ids=["removed-after-0", "conditional-not-bool", "no-intervals", "unknown-key",
         "bound-missing-early", "bounds-shrink", "negative-hours"],
)  # fmt: skip
def test_bad_revisit_section_names_the_field(section, field):
    data = {"name": "x", "agency": "某局", "platform": "generic", "start_urls": ["http://a.test/"],
            "allowed_domains": ["a.test"], "revisit": section}  # fmt: skip
    with pytest.raises(ProfileError, match=re.escape(f"field '{field}'")):
        parse_profile(data, "x.yml")
