"""Site profiles: one YAML file per bureau site, validated on load.

A profile is data, not code: adding a bureau that runs a known platform means adding a YAML file
under ``crawler/profiles/``. Every validation error names the file and the field, on one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawler.platforms.spec import platform_spec, platform_specs
from pipeline.urls import within_domains

PROFILES_DIR = Path(__file__).parent / "profiles"
# The platforms crawler/platforms/platforms.yml describes (trs_wcm, lonsun, hanweb, kaipu,
# gkmlpt, generic); a profile naming another is an error, not a silent ``generic`` crawl.
PLATFORMS = tuple(platform_specs())
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
KNOWN_KEYS = {
    "name",
    "agency",
    "site_name",
    "platform",
    "start_urls",
    "allowed_domains",
    "list_url_patterns",
    "detail_url_patterns",
    "pagination",
    "selectors",
    "politeness",
    "encoding",
    "columns",
    "ignored_params",
    "sample",
    "exercised_offline",
    "notes",
    "revisit",
    "attachments",
    # Per-platform settings (platforms.yml ``settings``), under the platform's own name.
    *(name for name, spec in platform_specs().items() if spec.get("settings")),
    "render",
    "pages",
}
# When to fetch a page in a real browser (crawler.render): never, on a recognised JavaScript
# challenge (the default), or always.
RENDER_MODES = ("never", "on_challenge", "always")
# Per-page download limit for list and document pages (profile ``pages: {max_bytes: N}``).
DEFAULT_PAGE_MAX_BYTES = 20_000_000
# Per-file download limit for attachments (profile ``attachments: {max_bytes: N}``).
DEFAULT_ATTACHMENT_MAX_BYTES = 50_000_000
SELECTOR_FIELDS = {"title", "body", "published_at", "agency", "column", "index_no", "doc_no"}


class ProfileError(ValueError):
    """A profile that cannot be used; ``str()`` is one line naming the file and the field."""


@dataclass(frozen=True)
class Profile:
    name: str
    agency: str
    platform: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    path: str = ""
    site_name: str | None = None
    list_url_patterns: tuple[str, ...] = ()
    detail_url_patterns: tuple[str, ...] = ()
    max_pages: int = 200
    selectors: dict[str, list[str]] = field(default_factory=dict)
    delay: float = 1.0
    concurrency: int = 2
    off_peak: str | None = None  # "22:00-06:00", Beijing time: when the site may be crawled
    timeout: float | None = None  # seconds per request, for slow sites (else DOWNLOAD_TIMEOUT)
    encoding: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    ignored_params: tuple[str, ...] = ()
    sample: bool = False
    exercised_offline: bool = False
    notes: str = ""
    attachment_max_bytes: int = DEFAULT_ATTACHMENT_MAX_BYTES
    # The ``<platform>:`` settings block, validated (e.g. ``gkmlpt: {sid: 2}``).
    platform_settings: dict[str, Any] = field(default_factory=dict)
    page_max_bytes: int = DEFAULT_PAGE_MAX_BYTES
    render: str = "on_challenge"
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The profile as plain data, the shape pure functions in ``pipeline/`` take."""
        data = dict(self.raw)
        data.update(
            name=self.name,
            agency=self.agency,
            platform=self.platform,
            start_urls=list(self.start_urls),
            allowed_domains=list(self.allowed_domains),
            list_url_patterns=list(self.list_url_patterns),
            detail_url_patterns=list(self.detail_url_patterns),
            pagination={"max_pages": self.max_pages},
            selectors=self.selectors,
            encoding=self.encoding,
            columns=self.columns,
            ignored_params=list(self.ignored_params),
        )
        if self.platform_settings:
            data[self.platform] = dict(self.platform_settings)
        return data


def _fail(path: Path | str, key: str, problem: str) -> ProfileError:
    return ProfileError(f"{path}: field '{key}': {problem}")


def _str_list(data: dict, key: str, path: Path, required: bool = False) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        if required:
            raise _fail(path, key, "is required")
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, key, "must be a list of non-empty strings")
    if required and not value:
        raise _fail(path, key, "must not be empty")
    return tuple(v.strip() for v in value)


def _patterns(data: dict, key: str, path: Path) -> tuple[str, ...]:
    patterns = _str_list(data, key, path)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise _fail(path, key, f"bad regular expression {pattern!r}: {exc}") from None
    return patterns


def _number(section: dict, key: str, path: Path, label: str, kind: type, default: Any) -> Any:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _fail(path, label, f"must be a non-negative number, got {value!r}")
    if kind is int and (not isinstance(value, int) or value < 1):
        raise _fail(path, label, f"must be a positive integer, got {value!r}")
    return kind(value)


def _section(data: dict, key: str, path: Path) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise _fail(path, key, "must be a mapping")
    return value


def _selectors(data: dict, path: Path) -> dict[str, list[str]]:
    selectors = _section(data, "selectors", path)
    unknown = set(selectors) - SELECTOR_FIELDS
    if unknown:
        raise _fail(path, f"selectors.{sorted(unknown)[0]}", "unknown selector field")
    return {k: list(_str_list(selectors, k, path)) for k in selectors}


def _politeness_extras(politeness: dict, path: Path) -> tuple[str | None, float | None]:
    from crawler.politeness import parse_window

    unknown = sorted(set(politeness) - {"delay", "concurrency", "off_peak", "timeout"})
    if unknown:
        raise _fail(path, f"politeness.{unknown[0]}", "unknown field")
    off_peak = politeness.get("off_peak")
    if off_peak is not None:
        try:
            parse_window(off_peak)
        except ValueError as exc:
            raise _fail(path, "politeness.off_peak", str(exc)) from None
    timeout = politeness.get("timeout")
    if timeout is not None:
        timeout = _number(politeness, "timeout", path, "politeness.timeout", float, None)
        if timeout <= 0:
            raise _fail(path, "politeness.timeout", "must be more than 0 seconds")
    return off_peak, timeout


def _revisit(data: dict, path: Path) -> None:
    from crawler.revisit import parse_policy

    try:
        parse_policy(data.get("revisit"))
    except ValueError as exc:
        field, _, problem = str(exc).partition(": ")
        raise _fail(path, field, problem) from None


def _platform_settings(data: dict, path: Path, start_urls: tuple[str, ...]) -> dict[str, Any]:
    """The ``<platform>:`` block, typed as platforms.yml says; the platform's start URL shape."""
    platform = data["platform"]
    spec = platform_spec(platform)
    for other in sorted(set(data) & set(PLATFORMS) - {platform}):
        raise _fail(path, other, f"settings for platform {other!r} in a {platform} profile")
    shape = spec.get("start_url")
    if shape and not any(re.search(shape, urlsplit(u).path) for u in start_urls):
        raise _fail(
            path,
            "start_urls",
            f"a {platform} profile needs a start URL whose path matches {shape}",
        )
    block = _section(data, platform, path) if spec.get("settings") else {}
    settings: dict[str, Any] = {}
    for key, value in block.items():
        kind = spec["settings"].get(key)
        label = f"{platform}.{key}"
        if kind is None:
            raise _fail(path, label, f"unknown setting (known: {', '.join(spec['settings'])})")
        values = value if kind == "ints" and isinstance(value, list) else [value]
        if not values or any(
            isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in values
        ):
            what = "a list of non-negative integers" if kind == "ints" else "a non-negative integer"
            raise _fail(path, label, f"must be {what}, got {value!r}")
        settings[key] = values if kind == "ints" else value
    return settings


def parse_profile(data: Any, path: Path | str = "<profile>") -> Profile:
    """Validate a profile mapping (as loaded from YAML) and return a :class:`Profile`."""
    path = Path(path)
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: not a YAML mapping of profile fields")
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise _fail(path, unknown[0], "unknown field")
    for key in ("name", "agency", "platform"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise _fail(path, key, "is required and must be a non-empty string")
    name = data["name"].strip()
    if not NAME_RE.match(name):
        raise _fail(path, "name", f"{name!r} must be lower-case letters, digits and '-'")
    if path.suffix in (".yml", ".yaml") and path.stem != name:
        raise _fail(path, "name", f"{name!r} must equal the file name {path.stem!r}")
    if data["platform"] not in PLATFORMS:
        raise _fail(path, "platform", f"{data['platform']!r} is not one of {', '.join(PLATFORMS)}")
    domains = _str_list(data, "allowed_domains", path, required=True)
    start_urls = _str_list(data, "start_urls", path, required=True)
    for url in start_urls:
        if urlsplit(url).scheme not in ("http", "https"):
            raise _fail(path, "start_urls", f"{url!r} is not an http(s) URL")
        if not within_domains(url, domains):
            raise _fail(path, "start_urls", f"{url!r} is outside allowed_domains")
    settings = _platform_settings(data, path, start_urls)
    pagination = _section(data, "pagination", path)
    politeness = _section(data, "politeness", path)
    columns = _section(data, "columns", path)
    attachments = _section(data, "attachments", path)
    for key in sorted(set(attachments) - {"max_bytes"}):
        raise _fail(path, f"attachments.{key}", "unknown field")
    limit = DEFAULT_ATTACHMENT_MAX_BYTES
    max_bytes = _number(attachments, "max_bytes", path, "attachments.max_bytes", int, limit)
    pages = _section(data, "pages", path)
    for key in sorted(set(pages) - {"max_bytes"}):
        raise _fail(path, f"pages.{key}", "unknown field")
    page_max = _number(pages, "max_bytes", path, "pages.max_bytes", int, DEFAULT_PAGE_MAX_BYTES)
    render = data.get("render", "on_challenge")
    if render not in RENDER_MODES:
        raise _fail(path, "render", f"{render!r} is not one of {', '.join(RENDER_MODES)}")
    encoding = data.get("encoding")
    if encoding is not None:
        import codecs

        try:
            codecs.lookup(str(encoding))
        except LookupError:
            raise _fail(path, "encoding", f"unknown encoding {encoding!r}") from None
    off_peak, timeout = _politeness_extras(politeness, path)
    _revisit(data, path)
    return Profile(
        name=name,
        agency=data["agency"].strip(),
        platform=data["platform"],
        start_urls=start_urls,
        allowed_domains=domains,
        path=str(path),
        site_name=data.get("site_name"),
        list_url_patterns=_patterns(data, "list_url_patterns", path),
        detail_url_patterns=_patterns(data, "detail_url_patterns", path),
        max_pages=_number(pagination, "max_pages", path, "pagination.max_pages", int, 200),
        selectors=_selectors(data, path),
        delay=_number(politeness, "delay", path, "politeness.delay", float, 1.0),
        concurrency=_number(politeness, "concurrency", path, "politeness.concurrency", int, 2),
        off_peak=off_peak,
        timeout=timeout,
        encoding=encoding,
        columns={str(k): str(v) for k, v in columns.items()},
        ignored_params=_str_list(data, "ignored_params", path),
        sample=bool(data.get("sample", False)),
        exercised_offline=bool(data.get("exercised_offline", False)),
        notes=str(data.get("notes") or ""),
        attachment_max_bytes=max_bytes,
        platform_settings=settings,
        page_max_bytes=page_max,
        render=render,
        raw=data,
    )


def load_profile(path: Path | str) -> Profile:
    """Load and validate one profile file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"{path}: no such profile file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: cannot read: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ProfileError(f"{path}: invalid YAML{where}: {problem}") from None
    return parse_profile(data, path)


def iter_profile_paths(directory: Path = PROFILES_DIR) -> Iterator[Path]:
    yield from sorted(directory.glob("*.yml"))


def load_all(directory: Path = PROFILES_DIR) -> list[Profile]:
    """Every profile in ``directory``; the first invalid one raises :class:`ProfileError`."""
    profiles = [load_profile(p) for p in iter_profile_paths(directory)]
    seen: set[str] = set()
    for profile in profiles:
        if profile.name in seen:
            raise ProfileError(f"{profile.path}: field 'name': duplicate profile {profile.name!r}")
        seen.add(profile.name)
    return profiles


def find_profile(name_or_path: str, directory: Path = PROFILES_DIR) -> Profile:
    """A profile by name (``crawler/profiles/<name>.yml``) or by path to a YAML file."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yml", ".yaml") or candidate.exists():
        return load_profile(candidate)
    path = directory / f"{name_or_path}.yml"
    if not path.exists():
        known = ", ".join(p.stem for p in iter_profile_paths(directory))
        raise ProfileError(f"unknown profile {name_or_path!r} (known: {known})")
    return load_profile(path)
