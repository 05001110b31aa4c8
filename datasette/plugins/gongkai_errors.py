"""Error pages without a traceback in the terminal.

Datasette 0.65's own handler prints every exception with ``rich`` (a full traceback with
locals, ~100 lines) whenever rich is installed, even for a 404 — a mistyped URL would bury
``gongkai serve``'s terminal. Here a 4xx is answered quietly and anything else is logged on
one line; the page a visitor sees is Datasette's error page, with a Chinese title.
"""

from __future__ import annotations

import logging

from datasette import hookimpl
from datasette.utils.asgi import Base400, Response
from datasette.views.base import DatasetteError
from markupsafe import Markup

logger = logging.getLogger("gongkai.datasette")

TITLES = {
    400: "请求有误 Bad request",
    403: "无权访问 Forbidden",
    404: "未找到 Not found",
    500: "服务器出错 Server error",
}


def describe(exception: Exception) -> tuple[int, str, str | None, dict]:
    """(status, message, title, extra JSON keys) as Datasette's default handler reports them."""
    if isinstance(exception, Base400):
        return exception.status, exception.args[0] if exception.args else "", None, {}
    if isinstance(exception, DatasetteError):
        message = exception.message
        if exception.message_is_html:
            message = Markup(message)
        return exception.status, message, exception.title, dict(exception.error_dict)
    return 500, str(exception), None, {}


def error_page(datasette, request, exception):
    """Datasette's error response for ``exception``, printing nothing for a 4xx."""

    async def inner():
        status, message, title, info = describe(exception)
        if status >= 500:
            name = type(exception).__name__
            logger.error("%s %s: %s: %s", request.method, request.path, name, exception)
        info.update({"ok": False, "error": message, "status": status, "title": title})
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        info["title"] = title or TITLES.get(status, f"错误 Error {status}")
        info.update(urls=datasette.urls, app_css_hash=datasette.app_css_hash())
        html = await template.render_async({**info, "menu_links": lambda: []})
        return Response.html(html, status=status)

    return inner


@hookimpl(hookwrapper=True)
def handle_exception(datasette, request, exception):
    # Datasette awaits every handler's answer, and its default one prints while answering:
    # wrapping the hook replaces the answers before any is awaited.
    outcome = yield
    outcome.force_result([error_page(datasette, request, exception)])
