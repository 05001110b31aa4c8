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
