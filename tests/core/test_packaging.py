"""The distributions' boundaries: every import is declared, the agent never reaches the collector.

Read statically (AST) from each distribution's ``src/``: an import of ``netsbom.X`` needs X to be
the distribution itself or one it depends on; a third-party import needs a distribution it
depends on (directly or through another netsbom distribution). Imports under ``if
TYPE_CHECKING:`` count too: a type is a dependency.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.conftest import REPO

DISTRIBUTIONS = ("core", "proto", "agent", "topology", "vuln", "collector", "lab")


def _project(name: str) -> dict[str, object]:
    data = tomllib.loads((REPO / name / "pyproject.toml").read_text())
    project: dict[str, object] = data["project"]
    return project


def _requirement_names(requirements: list[str]) -> set[str]:
    return {
        re.split(r"[\[=<>~! ;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements
    }


def _declared(name: str) -> tuple[set[str], set[str]]:
    """(netsbom distributions reachable, third-party distributions reachable) from ``name``."""
    netsbom: set[str] = {name}
    third: set[str] = set()
    pending = [name]
    while pending:
        project = _project(pending.pop())
        requirements = list(project.get("dependencies", []))  # type: ignore[call-overload]
        for extra in dict(project.get("optional-dependencies", {})).values():  # type: ignore[call-overload]
            requirements += extra
        for requirement in _requirement_names(requirements):
            if requirement.startswith("netsbom-"):
                other = requirement.removeprefix("netsbom-")
                if other not in netsbom:
                    netsbom.add(other)
                    pending.append(other)
            else:
                third.add(requirement)
    return netsbom, third


def _imports(name: str) -> dict[str, set[Path]]:
    found: dict[str, set[Path]] = {}
    for path in sorted((REPO / name / "src").rglob("*.py")):
        if path.name.endswith(("_pb2.py", "_pb2_grpc.py")):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                found.setdefault(module, set()).add(path)
    return found


@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_imports_stay_inside_declared_dependencies(name: str) -> None:
    netsbom, third = _declared(name)
    owners = packages_distributions()
    problems = []
    for module, paths in _imports(name).items():
        top = module.split(".")[0]
        where = ", ".join(str(p.relative_to(REPO)) for p in sorted(paths))
        if top == "netsbom":
            part = module.split(".")[1] if "." in module else ""
            if part not in netsbom:
                problems.append(f"{module} (netsbom-{part} is not a dependency): {where}")
        elif top not in sys.stdlib_module_names and top != "__future__":
            dists = {d.lower().replace("_", "-") for d in owners.get(top, [])}
            if not dists & third:
                problems.append(f"{module} ({sorted(dists) or 'unknown'} not declared): {where}")
    assert not problems, "\n".join(problems)


def test_the_agent_cannot_reach_the_collector() -> None:
    netsbom, third = _declared("agent")
    assert netsbom == {"agent", "core", "proto"}
    heavy = {"sqlalchemy", "alembic", "cyclonedx-python-lib", "lxml", "networkx", "matplotlib"}
    assert not heavy & third, heavy & third
    assert "snmpsim" not in third


def test_every_distribution_has_one_version() -> None:
    versions = {name: _project(name)["version"] for name in DISTRIBUTIONS}
    assert len(set(versions.values())) == 1, versions
    from netsbom.core import __version__

    assert __version__ == versions["core"]
