"""patternkb as a user installs it: a wheel in a fresh environment, run from `/`, with the bundled
guide, KB and schema as package data and nothing of the checkout in reach."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SAFETY_TIMEOUT_S = 600  # building a wheel on a busy machine; a hang fails instead of holding CI


def _run(*args: str | os.PathLike, env: dict[str, str] | None = None, cwd: str | os.PathLike = "/") -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=SAFETY_TIMEOUT_S)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A fresh venv with patternkb's wheel installed (its dependencies come from this test's
    environment through a path file, so nothing is downloaded; this environment's editable
    install of patternkb is not among them: a path file's folder gets no .pth processing)."""
    work = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", work / "dist", ROOT, cwd=ROOT)
    wheel = next((work / "dist").glob("patternkb-*.whl"))
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", wheel)
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip())
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    home = work / "home"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PATTERNKB_", "XDG_", "PYTHON"))}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(work))
    return venv, env


def test_the_wheel_ships_one_namespace_and_the_bundled_data(installed):
    venv, env = installed
    python = venv / "bin" / "python"
    for name in ("app", "kb", "index"):  # another distribution's top-level `app` can never clash
        done = subprocess.run([python, "-c", f"import {name}"], cwd="/", env=env, capture_output=True, text=True)
        assert done.returncode == 1 and "No module named" in done.stderr
    where = _run(python, "-c", "import patternkb.kb.paths as p; print(p.BUNDLED_KB)", env=env)
    assert str(venv) in where and "site-packages" in where


def test_the_installed_command_works_from_the_root_folder(installed, tmp_path):
    venv, env = installed
    patternkb = venv / "bin" / "patternkb"
    listed = _run(patternkb, "list", env=env)
    assert len(listed.splitlines()) > 50 and "api-design-patterns/newtype-pattern" in listed
    found = _run(patternkb, "search", "mutex", "--index-dir", tmp_path / "ix", env=env)
    assert "results in" in found
    shown = _run(patternkb, "show", "api-design-patterns/newtype-pattern", "--index-dir", tmp_path / "ix", env=env)
    assert shown.startswith("Newtype Pattern")
    assert "up to date" in _run(patternkb, "build", "--check", env=env)
    assert "up to date" in _run(patternkb, "schema", "--check", env=env)
    _run(patternkb, "gui", "--query", "mutex", "--index-dir", tmp_path / "ix", "--screenshot", tmp_path / "shot.png",
         env=env)
    assert (tmp_path / "shot.png").read_bytes().startswith(b"\x89PNG")


def test_a_build_without_out_writes_the_user_s_kb_and_the_window_opens_it(installed, tmp_path):
    venv, env = installed
    patternkb = venv / "bin" / "patternkb"
    built = _run(patternkb, "build", FIXTURES / "mdbook", env=env)
    user_kb = Path(env["HOME"]) / ".local" / "share" / "patternkb" / "kb"
    assert f"built {user_kb}" in built
    assert (user_kb / "CURRENT").is_file()
    assert "site-packages" not in built
    listed = _run(patternkb, "list", env=env)  # the user's KB, now that there is one
    assert "api-design-patterns/newtype-pattern" not in listed and listed.strip()
