"""Documentation tested like code: the README names every command, and every make target documents itself."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from generator.cli import parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def subcommands() -> list[str]:
    action = next(a for a in parser()._actions if a.dest == "command")
    return sorted(action.choices)


def test_readme_names_every_generator_command():
    missing = [c for c in subcommands() if f"`{c}" not in README]
    assert not missing, f"README.md does not mention: {missing}"


def test_every_command_has_help():
    for name in subcommands():
        out = subprocess.run([sys.executable, "-m", "generator", name, "--help"], cwd=ROOT,
                             capture_output=True, text=True)
        assert out.returncode == 0, name
        assert len(out.stdout.splitlines()) >= 3, name


def test_readme_quick_start_is_two_commands():
    block = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make site", "make test"]


def test_every_make_target_is_documented():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY: (.+)$", makefile, re.M).group(1).split()
    for target in phony:
        assert re.search(rf"^{re.escape(target)}:.*## ", makefile, re.M), f"make {target} has no ## help"
    listed = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True).stdout
    assert all(f"make {t}" in listed for t in phony)
