"""Every registered command loads, and its help carries an example (STYLE: click commands)."""

import importlib

import click
import pytest

from crawler.cli import COMMANDS


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_loads_with_an_example_in_its_help(name):
    module, attr = COMMANDS[name]
    command = getattr(importlib.import_module(module), attr)
    assert isinstance(command, click.Command)
    assert "gongkai " + name.split()[0] in (command.help or "")


def helps() -> list[str]:
    from crawler.cli import main

    texts = [main.help or ""]
    for module, attr in COMMANDS.values():
        command = getattr(importlib.import_module(module), attr)
        texts.append(command.help or "")
        texts += [c.help or "" for c in getattr(command, "commands", {}).values()]
    return texts


def test_examples_name_profiles_that_exist():
    import re

    from crawler.profile import find_profile

    named = {m for text in helps() for m in re.findall(r"--profile ([\w-]+)", text)}
    assert named, "some example crawls a profile"
    for name in named:
        assert find_profile(name).name == name
