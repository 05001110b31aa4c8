"""Render the sample bureau sites from content data into ``sites/<host>/`` (committed).

Run: ``python -m crawler.samplesites.generate [--content DIR] [--out DIR]``. Output is
deterministic (sorted, no timestamps) so a regenerate shows up in git only when content or
templates changed. Also writes ``manifest.json``: per profile, every detail URL served, so
the crawl integration test can check the archive against what the sites really hold.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import jinja2

from crawler.platforms import lonsun_fragment_urls
from crawler.samplesites.content import CONTENT_DIR, Site, load
from crawler.samplesites.render import render_gkmlpt, render_hanweb, render_kaipu
from crawler.samplesites.writer import Writer, pages, render_detail

HERE = Path(__file__).parent
SITES_DIR = HERE / "sites"
MANIFEST = HERE / "manifest.json"
PLAIN_LABELS = {
    "index_no": "索引号：",
    "category": "信息分类：",
    "agency": "发布机构：",
    "keywords": "关键词：",
    "title": "名称：",
    "doc_no": "文号：",
    "written_at": "成文日期：",
    "validity": "有效性：",
    "generated": "生成日期：",
}
# Some bureaus' templates space the labels out; extraction must normalise them.
SPACED_LABELS = {
    "index_no": "索 引 号：",
    "category": "组配分类：",
    "agency": "发布机构：",
    "keywords": "关 键 词：",
    "title": "名　　称：",
    "doc_no": "文　　号：",
    "written_at": "成文日期：",
    "validity": "有 效 性：",
    "generated": "生成日期：",
}


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # titles like "<script>…" must reach the page entity-escaped
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_lonsun(w: Writer, entry: dict) -> None:
    site = w.site
    size = site.config["page_size"]
    w.page("index.html", "lonsun_home.html", organs=sorted(site.config["organs"].items()))
    for key, organ in sorted(site.config["organs"].items()):
        oid = organ["organ_id"]
        labels = PLAIN_LABELS if organ["body_style"] == "newscontnet" else SPACED_LABELS
        w.page(f"public/column/{oid}/index.html", "lonsun_organ.html", organ=organ)
        prof = entry[organ["profile"]]
        prof["start_urls"] = [f"http://{site.host}/public/column/{oid}?type=4&action=list"]
        for column, col in organ["columns"].items():
            docs = site.column_docs(column, key)
            count = len(pages(len(docs), size))
            cat = col["cat_id"]
            url = f"http://{site.host}/public/column/{oid}?type=4&action=list&nav=3&catId={cat}"
            html = w.page(
                f"public/column/{oid}/{cat}.html",
                "lonsun_column.html",
                organ=organ,
                column=column,
                cat_id=cat,
                page_count=count,
                total=len(docs),
            )
            prof["list_urls"].append(url)
            # The manifest lists fragment URLs exactly as the crawler derives them from the page.
            prof["fragment_urls"].extend(lonsun_fragment_urls(html, url))
            for page in range(count):
                chunk = docs[page * size : (page + 1) * size]
                w.page(
                    f"site/label/8888/{oid}/{cat}/{page + 1}.html",
                    "lonsun_fragment.html",
                    docs=chunk,
                    first=page * size + 1,
                )
            for doc in docs:
                render_detail(
                    w, doc, "lonsun_detail.html", prof, organ=organ, cat_id=cat, labels=labels
                )
    w.page("site/label/8888/empty.html", "lonsun_fragment.html", docs=[], first=1)


def render_trs(w: Writer, entry: dict) -> None:
    site = w.site
    size = site.config["page_size"]
    prof = entry[site.config["profile"]]
    w.page("index.html", "trs_home.html")
    for column, col in site.config["columns"].items():
        docs = site.column_docs(column)
        base = col["path"]
        prof["start_urls"].append(f"http://{site.host}{base}")
        count = len(pages(len(docs), size))
        for page in range(count):
            name = "index.html" if page == 0 else f"index_{page}.html"
            w.page(
                base.lstrip("/") + name,
                "trs_list.html",
                column=column,
                column_path=base,
                docs=docs[page * size : (page + 1) * size],
                page=page,
                page_count=count,
            )
            # Page 0 is linked (and listed) by its directory URL, as the site's own navigation does.
            prof["list_urls"].append(f"http://{site.host}{base}{name if page else ''}")
        for doc in docs:
            render_detail(w, doc, "trs_detail.html", prof)


def site_info(site: Site) -> dict:
    """``_site.json``: what the server needs to answer for the host (charset, pager ids)."""
    keys = ("platform", "encoding", "declared_charset", "content_type")
    info = {k: site.config.get(k) for k in keys}
    if site.platform == "hanweb":  # the pager checks webid and each column's unit id
        info["webid"] = site.config["webid"]
        info["units"] = {
            str(c["col_id"]): str(c["unit_id"]) for c in site.config["columns"].values()
        }
    if site.platform == "gkmlpt":  # the API answers only its own site id
        info["sid"] = site.config["sid"]
    if site.config.get("challenge"):  # which JavaScript challenge the server puts in front
        info["challenge"] = site.config["challenge"]
    return info


RENDERERS = {
    "lonsun": render_lonsun,
    "trs_wcm": render_trs,
    "hanweb": render_hanweb,
    "kaipu": render_kaipu,
    "gkmlpt": render_gkmlpt,
}


def profiles_of(site: Site) -> dict[str, dict]:
    organs = site.config.get("organs") or {"": site.config}
    return {
        o["profile"]: {
            "host": site.host,
            "agency": o["agency"],
            "platform": site.platform,
            "start_urls": [],
            "list_urls": [],
            "fragment_urls": [],
            "requests": [],  # list requests that are not GETs (Hanweb's pager POSTs)
            "documents": [],
        }
        for o in organs.values()
    }


def generate(
    content_dir: Path = CONTENT_DIR,
    out_dir: Path = SITES_DIR,
    manifest_path: Path | None = MANIFEST,
) -> dict:
    """Render every site into out_dir (replacing it) and return the manifest."""
    sites = load(content_dir)
    env = environment()
    manifest: dict = {"format": 1, "hosts": {}, "profiles": {}}
    if out_dir.exists():
        shutil.rmtree(out_dir)
    for host, site in sites.items():
        entry = profiles_of(site)
        # Footers link the other sample hosts, except those behind a challenge: their pages
        # would change whenever one is added (and a crawler never follows a footer anyway).
        w = Writer(site, env, [h for h in sites if not sites[h].config.get("challenge")])
        RENDERERS[site.platform](w, entry)
        charset = site.config.get("declared_charset", "utf-8")
        w.page("_404.html", "not_found.html", charset=charset)
        for path, data in sorted(w.files.items()):
            target = out_dir / host / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        info = site_info(site)
        (out_dir / host / "_site.json").write_text(
            json.dumps(info, indent=1, sort_keys=True) + "\n"
        )
        manifest["hosts"][host] = {**info, "profiles": sorted(entry)}
        manifest["profiles"].update(entry)
    manifest["seed_url"] = next(
        d["url"]
        for p in manifest["profiles"].values()
        for d in p["documents"]
        if d["title"] == "濉溪县教育局2021年政务公开工作总结"
    )
    if manifest_path:
        manifest_path.write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=CONTENT_DIR)
    parser.add_argument("--out", type=Path, default=SITES_DIR)
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    args = parser.parse_args()
    manifest = generate(args.content, args.out, args.manifest)
    total = sum(len(p["documents"]) for p in manifest["profiles"].values())
    print(f"{len(manifest['hosts'])} sites, {total} detail pages -> {args.out}")


if __name__ == "__main__":
    main()
