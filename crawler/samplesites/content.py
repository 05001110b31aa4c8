"""Load the sample-site content (YAML data) and work out every page's URL.

``content/sites.yml`` describes the hosts, platforms, bureaus and columns; every other
``content/*.yml`` file holds documents (see the README). Adding documents is dropping a file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CONTENT_DIR = Path(__file__).with_name("content")
ASSETS_DIR = Path(__file__).with_name("assets")


class ContentError(ValueError):
    """A content file is malformed; the message names the file and the field."""


@dataclass
class Attachment:
    name: str
    asset: str  # file name under assets/
    path: str  # site-relative path, no leading slash
    href: str  # as written in the page (relative on TRS, absolute path on Lonsun)


@dataclass
class Doc:
    data: dict
    host: str
    organ: str | None
    path: str  # site-relative file path of the detail page
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}/{self.path}"

    def __getattr__(self, name: str):
        # Templates read document fields directly (doc.title, doc.doc_no); missing ones are None.
        if name == "data":
            raise AttributeError(name)
        return self.data.get(name)


@dataclass
class Site:
    host: str
    config: dict
    docs: list[Doc] = field(default_factory=list)

    @property
    def platform(self) -> str:
        return self.config["platform"]

    def column_docs(self, column: str, organ: str | None = None) -> list[Doc]:
        picked = [d for d in self.docs if d.data["column"] == column and d.organ == organ]
        return sorted(picked, key=lambda d: (d.data["published_at"], d.data["id"]), reverse=True)


def load(content_dir: Path = CONTENT_DIR) -> dict[str, Site]:
    """Read sites.yml (and sites-*.yml) and every document file; return sites by host."""
    hosts: dict[str, dict] = {}
    for path in sorted(content_dir.glob("sites*.yml")):  # sites.yml, then sites-<topic>.yml
        hosts.update(yaml.safe_load(path.read_text(encoding="utf-8"))["sites"])
    sites = {host: Site(host, conf) for host, conf in sorted(hosts.items())}
    seen: dict[tuple[str, int], str] = {}
    for path in sorted(content_dir.glob("*.yml")):
        if path.name.startswith("sites"):
            continue
        for block in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if block:
                _add_block(sites, block, path, content_dir, seen)
    return sites


def _add_block(sites: dict, block: dict, path: Path, content_dir: Path, seen: dict) -> None:
    host = block.get("site")
    if host not in sites:
        raise ContentError(f"{path.name}: site: unknown host {host!r}")
    site = sites[host]
    for i, raw in enumerate(block.get("documents") or []):
        where = f"{path.name}: documents[{i}]"
        data = {k: (str(v) if k in ("published_at", "written_at") else v) for k, v in raw.items()}
        organ = data.get("organ", block.get("organ"))
        data.setdefault("agency", block.get("agency"))
        _check(site, data, organ, where)
        key = (host, int(data["id"]))
        if key in seen:
            raise ContentError(f"{where}: id: {data['id']} already used in {seen[key]}")
        seen[key] = path.name
        if "body_file" in data:
            data["body"] = _body_from_file(content_dir, data.pop("body_file"), where)
        doc = Doc(data, host, organ, _detail_path(site, data, organ))
        doc.attachments = [
            _attachment(site, doc, n, a) for n, a in enumerate(data.get("attachments") or [])
        ]
        site.docs.append(doc)


def _check(site: Site, data: dict, organ: str | None, where: str) -> None:
    for name in ("id", "column", "title", "published_at"):
        if not data.get(name):
            raise ContentError(f"{where}: {name}: missing")
    if site.platform == "lonsun":
        if organ not in site.config["organs"]:
            raise ContentError(f"{where}: organ: {organ!r} is not a bureau of {site.host}")
        columns = site.config["organs"][organ]["columns"]
    else:
        columns = site.config["columns"]
    if data["column"] not in columns:
        raise ContentError(f"{where}: column: {data['column']!r} not declared in sites.yml")
    if not any(k in data for k in ("body", "body_html", "body_file")):
        raise ContentError(f"{where}: body: give body, body_html or body_file")


def _body_from_file(content_dir: Path, spec: dict, where: str) -> list[str]:
    text = (content_dir / spec["path"]).read_text(encoding="utf-8")
    if spec.get("after"):
        if spec["after"] not in text:
            raise ContentError(f"{where}: body_file.after: {spec['after']!r} not in {spec['path']}")
        text = text.split(spec["after"], 1)[1].split("\n", 1)[1]
    if spec.get("before"):
        text = text.split(spec["before"], 1)[0]
    return [p.strip() for p in text.split("\n") if p.strip()]


def _detail_path(site: Site, data: dict, organ: str | None) -> str:
    """Where a document lives, in each platform's real URL shape (see content/sites.yml)."""
    if site.platform == "lonsun":
        shard = site.config["organs"][organ]["shard"]
        return f"zwgk/public/{shard}/{data['id']}.html"
    year, month, day = (int(part) for part in data["published_at"][:10].split("-"))
    column = site.config["columns"][data["column"]]
    if site.platform == "hanweb":  # /art/2021/3/1/art_<column id>_<id>.html, no zero padding
        return f"art/{year}/{month}/{day}/art_{column['col_id']}_{data['id']}.html"
    if site.platform == "kaipu":  # Sichuan's /<site>/<column>/YYYY/M/D/<32 hex>.shtml
        token = hashlib.md5(f"{site.host}/{data['id']}".encode()).hexdigest()
        return f"{site.config['site_code']}/{column['code']}/{year}/{month}/{day}/{token}.shtml"
    if site.platform == "gkmlpt":  # content/<id // 10**6>/<id // 10**3>/post_<id>.html
        number = int(data["id"])
        base = site.config["base"].strip("/")
        return f"{base}/gkmlpt/content/{number // 10**6}/{number // 10**3}/post_{number}.html"
    day_path = data["published_at"][:10].replace("-", "")
    column_path = column["path"].strip("/")
    return f"{column_path}/{day_path[:6]}/t{day_path}_{data['id']}.html"


def _attachment(site: Site, doc: Doc, n: int, spec: dict) -> Attachment:
    asset = spec["file"]
    if not (ASSETS_DIR / asset).is_file():
        raise ContentError(f"{doc.host} document {doc.data['id']}: attachments: no asset {asset!r}")
    ext = asset.rsplit(".", 1)[1]
    if site.platform == "lonsun":
        # FastDFS-style storage paths, as the real platform serves attachments.
        token = hashlib.sha1(f"{doc.data['id']}/{n}/{asset}".encode()).hexdigest()
        path = f"group6/M00/{token[:2].upper()}/{token[2:4].upper()}/wKg{token[4:26]}.{ext}"
        return Attachment(spec["name"], asset, path, "/" + path)
    day = doc.data["published_at"][:10].replace("-", "")
    name = f"P0{day}{int(doc.data['id']):09d}{n:03d}.{ext}"
    directory = doc.path.rsplit("/", 1)[0]
    return Attachment(spec["name"], asset, f"{directory}/{name}", f"./{name}")
