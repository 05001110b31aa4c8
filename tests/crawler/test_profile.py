"""Profiles are validated on load; every error is one line naming the file and the field."""

from pathlib import Path

import pytest
import yaml

from crawler.profile import ProfileError, load_all, load_profile

GOOD = {
    "name": "x-jyj",
    "agency": "某县教育局",
    "platform": "lonsun",
    "start_urls": ["http://www.x.test/public/column/1?type=4&action=list&catId=2"],
    "allowed_domains": ["www.x.test"],
    "politeness": {"delay": 0.5, "concurrency": 1},
}


HANWEB = {"platform": "hanweb", "start_urls": ["http://www.x.test/col/col89736/index.html"]}
GKMLPT = {"platform": "gkmlpt", "start_urls": ["http://www.x.test/zqhjj/gkmlpt/index#21023"]}


def write(tmp_path: Path, data, name: str = "x-jyj") -> Path:
    path = tmp_path / f"{name}.yml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True))
    return path


def test_good_profile_loads(tmp_path):
    profile = load_profile(write(tmp_path, GOOD))
    assert profile.name == "x-jyj"
    assert profile.delay == 0.5 and profile.concurrency == 1
    assert profile.as_dict()["allowed_domains"] == ["www.x.test"]
    assert (profile.render, profile.page_max_bytes) == ("on_challenge", 20_000_000)  # defaults
    assert load_profile(write(tmp_path, {**GOOD, "render": "always"})).render == "always"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"platform": "wordpress"}, "platform"),
        # A platform without what it needs: Hanweb pages from a column page, gkmlpt from its index.
        ({"platform": "hanweb"}, "start_urls"),
        ({"platform": "gkmlpt"}, "start_urls"),
        ({"gkmlpt": {"sid": 2}}, "gkmlpt"),  # another platform's settings
        ({**HANWEB, "hanweb": {"webid": "twenty-three"}}, "hanweb.webid"),
        ({**HANWEB, "hanweb": {"site": 1}}, "hanweb.site"),
        ({**GKMLPT, "gkmlpt": {"columns": [5, "x"]}}, "gkmlpt.columns"),
        ({**GKMLPT, "gkmlpt": ["sid", 2]}, "gkmlpt"),
        ({"agency": ""}, "agency"),
        ({"start_urls": ["http://elsewhere.test/"]}, "start_urls"),
        ({"start_urls": ["ftp://www.x.test/"]}, "start_urls"),
        ({"allowed_domains": []}, "allowed_domains"),
        ({"detail_url_patterns": ["("]}, "detail_url_patterns"),
        ({"politeness": {"delay": -1}}, "politeness.delay"),
        ({"politeness": {"concurrency": 0}}, "politeness.concurrency"),
        ({"encoding": "klingon"}, "encoding"),
        ({"selectors": {"colour": ["h1"]}}, "selectors.colour"),
        ({"startUrls": ["http://www.x.test/"]}, "startUrls"),
        ({"name": "other-name"}, "name"),
        ({"render": "sometimes"}, "render"),
        ({"pages": {"max_bytes": 0}}, "pages.max_bytes"),
        ({"pages": {"limit": 5}}, "pages.limit"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_field_is_named(tmp_path, change, field):
    path = write(tmp_path, {**GOOD, **change})
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message and f"'{field}'" in message


def test_invalid_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "name: x-jyj\nagency: [unclosed\n")
    with pytest.raises(ProfileError, match=r"x-jyj.yml: invalid YAML at line \d"):
        load_profile(path)


def test_bundled_profiles_are_valid():
    profiles = load_all()
    assert any(p.sample for p in profiles)
    assert any(not p.sample and not p.exercised_offline for p in profiles)


@pytest.mark.parametrize(
    ("change", "settings"),
    [
        (HANWEB, {}),
        (
            {**HANWEB, "hanweb": {"webid": 23, "source_content_type": 9}},
            {"webid": 23, "source_content_type": 9},
        ),
        (
            {**GKMLPT, "gkmlpt": {"sid": 758019, "columns": 21023}},
            {"sid": 758019, "columns": [21023]},
        ),
        ({"platform": "kaipu", "start_urls": ["http://www.x.test/jyt/c110634/zwgklist.shtml"]}, {}),
    ],
    ids=["hanweb", "hanweb-settings", "gkmlpt-settings", "kaipu"],
)
def test_new_platforms_load_with_their_settings(tmp_path, change, settings):
    profile = load_profile(write(tmp_path, {**GOOD, **change}))
    assert profile.platform_settings == settings
    if settings:
        assert profile.as_dict()[profile.platform] == settings
