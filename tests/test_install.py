"""Issue 10, item 3: a non-editable install works from any directory.

The wheel is built offline from a copy of the checkout and installed into a fresh venv that
sees this venv's site-packages only for the dependencies (a .pth line). `gongkai demo` and
`gongkai serve` then run from another directory with PYTHONPATH cleared, so nothing can come
from the checkout: before, `gongkai serve` exited 2 there (no Datasette configuration).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.tools import SAMPLES_EXIT

ROOT = Path(__file__).resolve().parents[1]
SEED_TITLE = "濉溪县教育局2021年政务公开工作总结"
# Source directory → top-level name inside the wheel (pyproject.toml's package-dir).
SHIPPED = {"crawler": "crawler", "pipeline": "pipeline", "archive": "archive",
           "datasette": "gongkai_datasette"}  # fmt: skip
NOT_SHIPPED = shutil.ignore_patterns(
    ".git", ".venv*", "build", "*.egg-info", "__pycache__", "*.pyc", "var", "tests", "bench",
    ".pytest_cache", ".ruff_cache", "*.db", "*.db-*", "*.lock",
)  # fmt: skip


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, check=False, **kwargs)


def source_files() -> dict[str, Path]:
    """Every file the wheel must hold, by its name in the wheel."""
    files = {}
    for directory, name in SHIPPED.items():
        for path in (ROOT / directory).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files[f"{name}/{path.relative_to(ROOT / directory).as_posix()}"] = path
    return files


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The project's wheel, built without network from a copy (no build/ left in the checkout)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SHIPPED)
    built = run(sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
                "--no-build-isolation", "--no-index", "-q", "-w", str(tmp))  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    (path,) = tmp.glob("gongkai-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """A fresh venv holding the wheel; dependencies come from this venv's site-packages."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    created = run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    added = run(sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                "--no-index", "-q", str(wheel))  # fmt: skip
    assert added.returncode == 0, added.stderr[-3000:]
    site = run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    # A .pth line only appends the directory: this venv's own .pth files (the editable
    # install's finder) are not run, so gongkai itself can only come from the wheel.
    Path(site.stdout.strip(), "dependencies.pth").write_text(sysconfig.get_paths()["purelib"])
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return {"venv": venv, "python": python, "cwd": elsewhere, "env": env}


def test_every_directory_of_modules_is_a_listed_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    listed = set(config["setuptools"]["packages"])
    # Python packages; datasette/ (plugins included) ships whole as gongkai_datasette's data.
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for directory in ("crawler", "pipeline", "archive")
        for path in (ROOT / directory).rglob("*.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert "gongkai_datasette" in listed
    assert config["setuptools"]["package-dir"] == {"gongkai_datasette": "datasette"}


def test_wheel_holds_every_source_and_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(set(source_files()) - names)
    assert not missing, missing[:20]
    assert "gongkai_datasette/metadata.yml" in names
    assert "gongkai_datasette/plugins/gongkai_search.py" in names
    assert not [n for n in names if n.startswith("datasette/") or "__pycache__" in n]


def test_installed_package_comes_from_the_venv_not_the_checkout(installed):
    shown = run(str(installed["python"]), "-c",
                "import archive, crawler, pipeline, datasette\n"
                "from archive.serve import installed_config_dir\n"
                "print(archive.__file__, crawler.__file__, pipeline.__file__, installed_config_dir())\n"
                "print(datasette.__file__)",
                cwd=installed["cwd"], env=installed["env"])  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    ours, theirs = shown.stdout.splitlines()
    assert all(p.startswith(str(installed["venv"])) for p in ours.split()), ours
    assert ours.split()[-1].endswith("site-packages/gongkai_datasette")
    # The real Datasette, never the configuration directory.
    assert theirs.endswith("site-packages/datasette/__init__.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_demo_then_serve_from_another_directory(installed):
    gongkai = str(installed["venv"] / "bin" / "gongkai")
    db = installed["cwd"] / "demo.db"
    demo = run(gongkai, "demo", "--no-serve", "--db", str(db),
               cwd=installed["cwd"], env=installed["env"])  # fmt: skip
    assert demo.returncode == SAMPLES_EXIT, demo.stderr[-3000:]
    assert "pages fetched" in demo.stdout

    port = free_port()
    server = subprocess.Popen(
        [gongkai, "serve", "--db", str(db), "--port", str(port)], cwd=installed["cwd"],
        env=installed["env"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/-/search?q={quote('教育')}"
        for _ in range(200):
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    status, html = response.status, response.read().decode("utf-8")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.05)
        else:
            pytest.fail("gongkai serve did not answer")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert status == 200
    assert SEED_TITLE in re.sub(r"</?mark>", "", html)
