"""Render the Hanweb, Kaipu and gkmlpt sample sites (templates mirror real pages; see README).

Each function fills one site's files and its profile's manifest entry: start and list URLs,
and the pager requests exactly as ``crawler.platforms`` derives them from the pages.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from crawler.platforms import discover
from crawler.platforms.gkmlpt import api_url
from crawler.samplesites.content import Doc
from crawler.samplesites.writer import Writer, pages, render_detail

# Where the server finds a Hanweb column's rows to answer the jpage pager (not served as is).
JPAGE_ROWS = "_jpage/{col_id}.txt"


def render_hanweb(w: Writer, entry: dict) -> None:
    site = w.site
    conf = site.config
    prof = entry[conf["profile"]]
    w.page("index.html", "hanweb_home.html")
    embedded = conf["perpage"] * conf["group_size"]  # the column page carries the first call
    for column, col in conf["columns"].items():
        docs = site.column_docs(column)
        url = f"http://{site.host}/col/col{col['col_id']}/index.html"
        html = w.page(
            f"col/col{col['col_id']}/index.html", "hanweb_column.html",
            column=column, col=col, docs=docs[:embedded], total=len(docs),
        )  # fmt: skip
        prof["start_urls"].append(url)
        prof["list_urls"].append(url)
        record = w.env.get_template("hanweb_record.html")
        rows = "\n".join(record.render(d=d) for d in docs) + "\n"
        w.files[JPAGE_ROWS.format(col_id=col["col_id"])] = rows.encode(conf["encoding"])
        found = discover(html, url, {"platform": "hanweb", "allowed_domains": [site.host]})
        prof["requests"] += [
            {"method": r.method, "url": r.url, "form": dict(r.form)} for r in found.requests
        ]
        for doc in docs:
            render_detail(w, doc, "hanweb_detail.html", prof, col=col)


def render_kaipu(w: Writer, entry: dict) -> None:
    site = w.site
    conf = site.config
    size = conf["page_size"]
    prof = entry[conf["profile"]]
    w.page("index.shtml", "kaipu_home.html")
    for column, col in conf["columns"].items():
        docs = site.column_docs(column)
        base = f"{conf['site_code']}/{col['code']}/"
        prof["start_urls"].append(f"http://{site.host}/{base}zwgklist.shtml")
        channel = hashlib.md5(f"{site.host}/{col['code']}".encode()).hexdigest()
        count = len(pages(len(docs), size))
        for page in range(count):
            name = "zwgklist.shtml" if page == 0 else f"zwgklist_{page + 1}.shtml"
            w.page(
                base + name, "kaipu_list.html", column=column, col=col, channel_id=channel,
                docs=docs[page * size : (page + 1) * size], page=page, page_count=count,
                total=len(docs),
            )  # fmt: skip
            prof["list_urls"].append(f"http://{site.host}/{base}{name}")
        for doc in docs:
            render_detail(w, doc, "kaipu_detail.html", prof, col=col, **_kaipu_dates(doc))


def _kaipu_dates(doc: Doc) -> dict[str, str]:
    stamp = datetime.strptime(doc.published_at, "%Y-%m-%d %H:%M")
    written = doc.written_at or doc.published_at[:10]
    year, month, day = written.split("-")
    return {
        "template_id": hashlib.md5(doc.column.encode()).hexdigest(),
        "published": stamp.strftime("%Y年%m月%d日"),
        "written": f"{year}年{month}月{day}日",
        "published_cn": stamp.strftime("%Y年%m月%d日 %H时%M分"),
    }


def gkmlpt_tree(conf: dict) -> list[dict]:
    """The column TREE as the index page's _CONFIG holds it: parents with children, links."""
    tree: list[dict] = [
        {"id": pid, "name": name, "parent": 0, "children": []}
        for pid, name in (conf.get("parents") or {}).items()
    ]
    by_id = {node["id"]: node for node in tree}
    for name, col in conf["columns"].items():
        node = {"id": col["id"], "name": name, "parent": col.get("parent", 0)}
        (by_id[col["parent"]]["children"] if col.get("parent") else tree).append(node)
    tree += [{**link, "parent": 0} for link in conf.get("links") or []]
    return tree


def render_gkmlpt(w: Writer, entry: dict) -> None:
    site = w.site
    conf = site.config
    prof = entry[conf["profile"]]
    base = conf["base"].strip("/")
    tree_json = json.dumps(gkmlpt_tree(conf), ensure_ascii=False)
    index = f"http://{site.host}/{base}/gkmlpt/index"
    w.page(f"{base}/gkmlpt/index", "gkmlpt_index.html", tree_json=tree_json)
    prof["start_urls"].append(index)
    prof["list_urls"].append(index)
    size = conf["page_size"]
    for column, col in conf["columns"].items():
        docs = site.column_docs(column)
        count = len(pages(len(docs), size))
        for page in range(1, count + 1):
            chunk = docs[(page - 1) * size : page * size]
            answer = {
                "classify": {"id": col["id"], "name": column, "parent": col.get("parent", 0),
                             "post_count": len(docs), "theme_count": len(docs)},
                "articles": [_article(d, col["id"], column) for d in chunk],
            }  # fmt: skip
            text = json.dumps(answer, ensure_ascii=False, indent=2) + "\n"
            w.files[f"{base}/gkmlpt/api/all/{col['id']}/{page}.json"] = text.encode("utf-8")
            prof["fragment_urls"].append(api_url(index, col["id"], page, conf["sid"]))
        for doc in docs:
            detail = {
                "id": int(doc.id), "title": doc.title, "content": _body_html(w, doc),
                "publisher": doc.agency, "classify_main": col["id"], "classify_main_name": column,
            }  # fmt: skip
            detail_json = json.dumps(detail, ensure_ascii=False)
            render_detail(
                w, doc, "gkmlpt_detail.html", prof, detail_json=detail_json, tree_json=tree_json
            )


def _article(doc: Doc, column_id: int, column: str) -> dict:
    """One ``articles`` entry, with the fields the real API answer carries."""
    stamp = datetime.strptime(doc.published_at + " +0800", "%Y-%m-%d %H:%M %z")
    return {
        "id": int(doc.id), "identifier": doc.index_no, "title": doc.title,
        "date": int(stamp.timestamp()), "publisher": doc.agency, "classify_main": column_id,
        "classify_main_name": column, "url": doc.url,
        "created_at": stamp.strftime("%Y-%m-%d %H:%M:%S"), "attachment": [],
    }  # fmt: skip


def _body_html(w: Writer, doc: Doc) -> str:
    return w.env.get_template("_body.html").render(doc=doc, attachments=doc.attachments).strip()
