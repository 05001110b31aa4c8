"""Writing one sample site: rendered pages in the site's charset, assets, manifest entries."""

from __future__ import annotations

import jinja2

from crawler.samplesites.content import ASSETS_DIR, Doc, Site


class Writer:
    """Collects rendered files of one site, encoded in the site's charset."""

    def __init__(self, site: Site, env: jinja2.Environment, hosts: list[str]):
        self.site, self.env = site, env
        self.files: dict[str, bytes] = {}
        self.common = {"site": site, "other_hosts": [h for h in hosts if h != site.host]}

    def page(self, path: str, template: str, **context) -> str:
        html = self.env.get_template(template).render(**self.common, **context)
        self.files[path] = html.encode(self.site.config["encoding"])
        return html

    def copy_asset(self, path: str, asset: str) -> None:
        self.files[path] = (ASSETS_DIR / asset).read_bytes()


def pages(total: int, size: int) -> list[int]:
    return list(range(max(1, -(-total // size))))


def render_detail(w: Writer, doc: Doc, template: str, prof: dict, **context) -> None:
    html = w.page(doc.path, template, doc=doc, attachments=doc.attachments, **context)
    if doc.data.get("special") == "truncated":
        # A page cut off mid-head (as when a CMS publish job dies): no title, no body.
        cut = html[: html.index("<title>")]
        w.files[doc.path] = cut.encode(w.site.config["encoding"])
    for a in doc.attachments:
        w.copy_asset(a.path, a.asset)
    prof["documents"].append(manifest_doc(doc))


def manifest_doc(doc: Doc) -> dict:
    d = doc.data
    dup = d.get("duplicate_of")
    return {
        "url": doc.url,
        "id": d["id"],
        "title": d["title"],
        "column": d["column"],
        "published_at": d["published_at"],
        "agency": d.get("agency"),
        "unparseable": d.get("special") == "truncated",
        "duplicate_of": f"http://{doc.host}/{doc.path.rsplit('/', 1)[0]}/{dup}.html"
        if dup
        else None,
        "attachments": [
            {"url": f"http://{doc.host}/{a.path}", "name": a.name, "file": a.asset}
            for a in doc.attachments
        ],
    }
