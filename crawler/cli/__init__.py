"""The `gongkai` command: the project's public surface.

Each sub-command lives in its own module under ``crawler/cli/`` and is imported only when it
runs, so ``gongkai extract`` does not pay for importing Scrapy or Datasette.
"""

from __future__ import annotations

import importlib

import click

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
    "writer": ("crawler.cli.writer", "writer"),
}


class LazyGroup(click.Group):
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
