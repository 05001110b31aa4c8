"""The `gongkai` command: the project's public surface.

Each sub-command lives in its own module under ``crawler/cli/`` and is imported only when it
runs, so ``gongkai extract`` does not pay for importing Scrapy or Datasette.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from crawler.cli.errors import EXIT_INTERRUPTED, EXIT_SOME_ERRORS, fail

# Set to 1 to see the traceback of an unexpected error instead of its one-line summary.
TRACEBACK_ENV = "GONGKAI_TRACEBACK"

# name -> (module, attribute).
COMMANDS: dict[str, tuple[str, str]] = {
    "crawl": ("crawler.cli.crawl", "crawl"),
    "demo": ("crawler.cli.demo", "demo"),
    "profiles": ("crawler.cli.profiles", "profiles"),
    "extract": ("crawler.cli.extract", "extract"),
    "serve": ("crawler.cli.serve", "serve"),
    "classify": ("crawler.cli.classify", "classify"),
    "report": ("crawler.cli.report", "report"),
    "export": ("crawler.cli.export", "export"),
    "events": ("crawler.cli.events", "events"),
    "verify": ("crawler.cli.verify", "verify"),
    "replay": ("crawler.cli.replay", "replay"),
    "sample-sites": ("crawler.cli.samplesites", "sample_sites"),
    "scorecard": ("crawler.cli.scorecard", "scorecard"),
    "writer": ("crawler.cli.writer", "writer"),
}


class LazyGroup(click.Group):
    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Click's own main, but every error is one ``gongkai: error:`` line, never four or a
        traceback: usage errors (exit 2), Ctrl-C (130), anything unexpected (1)."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            fail(exc.format_message() + hint, exc.exit_code)
        except click.ClickException as exc:
            fail(exc.format_message(), exc.exit_code)
        except click.Abort:  # Ctrl-C or end of input; click has already ended the line
            click.echo("gongkai: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Exception as exc:
            if os.environ.get(TRACEBACK_ENV) == "1":
                raise
            fail(f"unexpected {type(exc).__name__}: {exc} ({TRACEBACK_ENV}=1 shows where)",
                 EXIT_SOME_ERRORS)  # fmt: skip
        sys.exit(code if isinstance(code, int) else 0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr = COMMANDS[cmd_name]
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup)
@click.version_option(package_name="gongkai")
def main() -> None:
    """gongkai (公开): archive Chinese government information-disclosure pages.

    \b
    Example:
        gongkai demo --no-serve --db var/demo.db
        gongkai crawl --profile suixi-sxx --db var/gongkai.db
        gongkai serve --db var/gongkai.db
    """
