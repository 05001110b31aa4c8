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
