"""``gongkai profiles``: list the site profiles, or validate one file."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.errors import fail
from crawler.profile import PROFILES_DIR, ProfileError, load_all, load_profile


@click.group(invoke_without_command=True)
@click.option(
    "--profiles-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=PROFILES_DIR,
    help="Directory of profile YAML files.",
)
@click.pass_context
def profiles(ctx: click.Context, profiles_dir: Path) -> None:
    """List site profiles: name, platform, agency, and whether it was exercised offline.

    \b
    Example:
        gongkai profiles
        gongkai profiles check crawler/profiles/sample-suixi-jyj.yml
    """
    if ctx.invoked_subcommand is not None:
        return
    try:
        found = load_all(profiles_dir)
    except ProfileError as exc:
        fail(str(exc))
    for profile in found:
        kind = (
            "sample"
            if profile.sample
            else (
                "real, exercised offline"
                if profile.exercised_offline
                else "real, not exercised offline"
            )
        )
        click.echo(f"{profile.name}\t{profile.platform}\t{profile.agency}\t{kind}")


@profiles.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def check(file: Path) -> None:
    """Validate one profile file; exit 2 with a one-line error naming the field.

    \b
    Example:
        gongkai profiles check crawler/profiles/sample-suixi-jyj.yml
    """
    try:
        profile = load_profile(file)
    except ProfileError as exc:
        fail(str(exc))
    click.echo(
        f"{file}: ok ({profile.name}, {profile.platform}, {len(profile.start_urls)} start URLs)"
    )


@profiles.command()
@click.argument("source")
@click.option(
    "--url", default=None, help="The page's URL, for a saved FILE (else its own meta url)."
)
@click.option("--write", "write_to", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write a profile skeleton here (the file name is the profile name).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--proxy", default="", help="Fetch a URL through this HTTP proxy.")
def detect(source: str, url: str | None, write_to: Path | None, as_json: bool, proxy: str) -> None:
    """Name the CMS platform of a saved page or a live URL, with the evidence and a confidence.

    SOURCE is a saved page (HTML, or a JSON/XML list answer) or an http(s) URL. The JSON
    output is {"platform": "trs_wcm|lonsun|hanweb|kaipu|gkmlpt|generic", "evidence": [...],
    "confidence": 0..1}; a page it cannot place is "generic" with what it saw. --write drafts
    a profile (start URL = the page's column) that `gongkai profiles check` accepts.
    Exit 0; 2 when FILE cannot be read or no valid profile can be written; 4 when the URL
    gives no page.

    \b
    Example:
        gongkai profiles detect page.html --url http://jnwl.jinan.gov.cn/art/2019/7/10/art_42918_3436693.html
        gongkai profiles detect http://www.x.gov.cn/col/col42918/index.html --write crawler/profiles/x.yml
    """
    import json

    from crawler.cli.errors import EXIT_UNREACHABLE
    from crawler.detect import Unreachable, detect_page, fetch, read_file, write_skeleton

    try:
        if source.startswith(("http://", "https://")):
            page = fetch(source, proxy)
        else:
            page = read_file(Path(source), url)
    except Unreachable as exc:
        fail(str(exc), EXIT_UNREACHABLE)
    except OSError as exc:
        fail(f"{source}: cannot read: {exc.strerror or exc}")
    found = detect_page(page)
    if write_to is not None:
        page_url = page.url or found.facts.get("url")
        if not page_url:
            fail(f"{source}: the page does not state its URL; give --url to write a profile")
        if write_to.exists():
            fail(f"{write_to}: exists; not overwritten")
        try:
            write_skeleton(found, write_to, page_url)
        except ProfileError as exc:
            fail(f"cannot write a valid profile: {exc}")
    if as_json:
        click.echo(json.dumps(found.as_json(), ensure_ascii=False))
    else:
        click.echo(f"{found.platform} (confidence {found.confidence})")
        for line in found.evidence:
            click.echo(f"  - {line}")
    if write_to is not None and not as_json:
        click.echo(f"wrote {write_to}")
