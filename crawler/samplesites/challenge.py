"""JavaScript challenges in front of sample hosts, in the shapes real WAFs answer with.

A host whose ``_site.json`` names a ``challenge`` (or a hostile-corpus page that asks for one)
is answered with the challenge until the request carries the cookie its script computes:

- ``jiasule``: HTTP 521, ``X-Via-Jsl``, a ``__jsluid_h`` cookie and a script that builds
  ``__jsl_clearance_s`` one character at a time, sets it (Max-Age 3600) and reloads, as
  加速乐's first layer does (tests/fixtures/real/responses/jiasule-jsl-first-layer-cnvd.html);
- ``aliyun``: HTTP 200 with an ``acw_sc__v2`` script that sets the cookie and reloads;
- ``ruishu``: HTTP 412 with a ``$_ts`` bootstrap, an ``r='m'`` meta and an empty body; its
  cookie is never accepted, so even a browser stays out (the "not passed" case).

The cookie's value is arithmetic the script does, with numbers drawn when the server starts, so
only a client that runs the script gets in, and a cookie from another server run is refused.
Each challenge page also asks for an image on a host outside every profile's allowed domains
(``beacon.elsewhere.test``): the crawler's browser must not fetch it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from aiohttp import web

BEACON = "http://beacon.elsewhere.test/b.gif"
COOKIES = {"jiasule": "__jsl_clearance_s", "aliyun": "acw_sc__v2", "ruishu": "FSSBBIl1UgzbN7N80T"}


def _pieces(text: str) -> str:
    """('_')+('_')+('j')…: the name is never written out, as 加速乐's script does it."""
    return "+".join(f"('{c}')" for c in text)


@dataclass
class Challenges:
    """The challenge pages and the cookie values that get past them, for one server run."""

    seed: int | None = None
    numbers: tuple[int, int, int] = field(init=False)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        self.numbers = (rng.randint(1000, 9999), rng.randint(1000, 9999), rng.randint(10, 99))

    def expected(self, kind: str) -> str | None:
        if kind == "ruishu":
            return None  # no cookie ever passes
        a, b, c = self.numbers
        return f"{(a * b) % 99991}.{c}"

    def passes(self, kind: str, cookies: dict[str, str]) -> bool:
        expected = self.expected(kind)
        return expected is not None and cookies.get(COOKIES[kind]) == expected

    def gate(self, kind: str, cookies: dict[str, str]) -> web.Response | None:
        """None when the request may pass; else the challenge to answer it with."""
        if self.passes(kind, cookies):
            return None
        return getattr(self, f"_{kind}")()

    def _script_value(self) -> str:
        a, b, c = self.numbers
        return f"(({a}*{b})%99991)+'.'+({c}+'')"

    def _jiasule(self) -> web.Response:
        name = _pieces(COOKIES["jiasule"] + "=")
        body = (
            f"<script>document.cookie={name}+{self._script_value()}+';Max-Age=3600;Path=/';"
            f"location.href=location.pathname+location.search</script>"
            f'<img src="{BEACON}" width="1" height="1">'
        )
        headers = {
            "Content-Type": "text/html", "Server": "jsl", "X-Via-Jsl": "7c4a2f1,-",
            "Set-Cookie": f"__jsluid_h={random.getrandbits(64):016x}; max-age=31536000; path=/; HttpOnly",
        }  # fmt: skip
        return web.Response(status=521, body=body.encode(), headers=headers)

    def _aliyun(self) -> web.Response:
        body = (
            "<html><script>var arg1='3C0F1B8D2E';"
            "function setCookie(name,value){var expiration=new Date(new Date().getTime()+3600000);"
            'document.cookie=name+"="+value+"; expires="+expiration.toGMTString()+"; max-age=3600; path=/";}'
            f'function reload(x){{setCookie("acw_sc__v2",x);document.location.reload();}}'
            f"reload({self._script_value()});</script>"
            f'<img src="{BEACON}"></html>'
        )
        headers = {"Content-Type": "text/html; charset=utf-8", "Server": "Tengine",
                   "Set-Cookie": "acw_tc=76b20f6517a2; path=/; HttpOnly; Max-Age=1800"}  # fmt: skip
        return web.Response(status=200, body=body.encode(), headers=headers)

    def _ruishu(self) -> web.Response:
        body = (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            '<meta content="{qqqqqqqqqqqqqqqqqqqq.kqqqqqqqqqqqqq" r="m">'
            "<script r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.scj=[];$_ts.aebi=[];"
            "document.cookie='FSSBBIl1UgzbN7N80T=0'+Math.random()+';path=/';"
            "setTimeout(function(){location.reload()},50);</script>"
            f"<img src=\"{BEACON}\"></head><body><script r='m'>//_$Nq('HEAC');</script></body></html>"
        )
        headers = {"Content-Type": "text/html; charset=utf-8", "Server": "nginx"}
        return web.Response(status=412, body=body.encode(), headers=headers)
