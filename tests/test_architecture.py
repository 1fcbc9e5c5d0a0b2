"""The layering of docs/architecture.md, checked on the import statements of every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "fitkit"


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, imported names) of every ``import``/``from ... import`` in a file (lazy ones included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, [a.name for a in node.names]))
    return out


def _modules(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


#: What each layer must never import (docs/architecture.md, "Packages").
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "data": ("fitkit.theory", "fitkit.models", "fitkit.likelihood", "fitkit.inference", "fitkit.constraints", "fitkit.analyses", "fitkit.cli", "fitkit.plotting"),
    "theory": ("fitkit.models", "fitkit.likelihood", "fitkit.inference", "fitkit.constraints", "fitkit.analyses", "fitkit.cli", "fitkit.plotting"),
    "models": ("fitkit.likelihood", "fitkit.inference", "fitkit.constraints", "fitkit.analyses", "fitkit.cli", "fitkit.plotting"),
    "likelihood": ("fitkit.inference", "fitkit.constraints", "fitkit.analyses", "fitkit.cli", "fitkit.plotting", "fitkit.reproduce", "fitkit.fitdef", "fitkit.api"),
    "inference": ("fitkit.constraints", "fitkit.analyses", "fitkit.cli", "fitkit.plotting", "fitkit.reproduce"),
    "constraints": ("fitkit.likelihood", "fitkit.inference", "fitkit.analyses", "fitkit.cli", "fitkit.plotting"),
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_only_downwards(layer: str) -> None:
    bad = [
        f"{p.relative_to(PACKAGE.parent)} imports {mod}"
        for p in _modules(layer)
        for mod, _ in _imports(p)
        if mod.startswith(FORBIDDEN[layer])
    ]
    assert not bad, "\n".join(bad)


def test_likelihoods_use_only_the_model_interface() -> None:
    """No likelihood imports a concrete model: only fitkit.models.base (the Model interface and Protocols)."""
    bad = [
        f"{p.relative_to(PACKAGE.parent)} imports {mod}"
        for p in _modules("likelihood")
        for mod, _ in _imports(p)
        if mod.startswith("fitkit.models") and mod != "fitkit.models.base"
    ]
    assert not bad, "\n".join(bad)


def test_constraints_use_the_declared_dark_z_interface() -> None:
    """The constraints import the dark-Z physics only through fitkit.models.dark_z's ``__all__``."""
    import fitkit.models.dark_z as dz

    bad = []
    for p in _modules("constraints"):
        for mod, names in _imports(p):
            if mod.startswith("fitkit.models.dark_z."):
                bad.append(f"{p.name} imports the submodule {mod}")
            elif mod == "fitkit.models.dark_z":
                bad += [f"{p.name} imports {n}, not in fitkit.models.dark_z.__all__" for n in names if n not in dz.__all__]
    assert not bad, "\n".join(bad)


def test_no_module_imports_private_names_of_another() -> None:
    bad = [
        f"{p.relative_to(PACKAGE.parent)}: from {mod} import {n}"
        for p in PACKAGE.rglob("*.py")
        for mod, names in _imports(p)
        if mod.startswith("fitkit")
        for n in names
        if n.startswith("_") and not n.startswith("__")
    ]
    assert not bad, "\n".join(bad)
