"""The lock files install what pyproject.toml asks for: a dependency added or re-bounded in
pyproject.toml without `make lock` fails here, before a fresh machine installs a stale set."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _requirements(*, dev: bool) -> list[Requirement]:
    wanted = list(PYPROJECT["project"]["dependencies"])
    if dev:
        wanted += PYPROJECT["project"]["optional-dependencies"]["dev"]
    return [Requirement(line) for line in wanted]


@pytest.mark.parametrize(("lock", "dev"), [("base.txt", False), ("dev.txt", True)])
def test_every_dependency_is_pinned_within_its_bounds(lock, dev):
    pins = _pins(lock)
    for requirement in _requirements(dev=dev):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements/{lock}: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements/{lock} pins {requirement.name}=={pins[name]}, outside "
            f"{requirement.specifier}: run make lock"
        )
