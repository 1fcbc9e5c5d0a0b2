"""Workspaces through pyhf: schema validation and the checks beyond it, one line naming file and JSON path."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pyhf
import pytest

from fitkit.data.registry import load_registry
from fitkit.errors import InputError
from fitkit.likelihood.histfactory import CompiledWorkspace
from fitkit.likelihood.workspace import load_workspace, validate_workspace


def _good() -> dict:
    spec = pyhf.simplemodels.uncorrelated_background([5.0, 6.0], [50.0, 52.0], [3.0, 7.0]).spec
    return {
        "channels": spec["channels"],
        "observations": [{"name": "singlechannel", "data": [53.0, 65.0]}],
        "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0",
    }


def _mutate(kind: str):
    ws = _good()
    if kind == "list":
        return [ws]
    if kind == "no-channels":
        del ws["channels"]
    elif kind == "empty-measurements":
        ws["measurements"] = []
    elif kind == "short-observation":
        ws["observations"][0]["data"] = [53.0]
    elif kind == "string-counts":
        ws["observations"][0]["data"] = ["53", "65"]
    elif kind == "string-yields":
        ws["channels"][0]["samples"][0]["data"] = ["5", 6.0]
    elif kind == "negative-observed":
        ws["observations"][0]["data"] = [53.0, -65.0]
    elif kind == "negative-yields":
        ws["channels"][0]["samples"][0]["data"] = [-60.0, 6.0]
    elif kind == "unknown-poi":
        ws["measurements"][0]["config"]["poi"] = "nope"
    return ws


MALFORMED = {
    "list": "$",
    "no-channels": "$",
    "empty-measurements": "measurements",
    "short-observation": "observations[0].data",
    "string-counts": "observations[0].data[0]",
    "string-yields": "channels[0].samples[0].data[0]",
    "negative-observed": "observations[0].data[1]",
    "negative-yields": "channels[0].samples[*].data[0]",
    "unknown-poi": "measurements[0].config.poi",
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_workspace_is_one_line_naming_file_and_json_path(tmp_path, kind):
    path = tmp_path / f"{kind}.json"
    path.write_text(json.dumps(_mutate(kind)))
    with pytest.raises(InputError) as info:
        load_workspace(path)
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(str(path))
    assert info.value.field == MALFORMED[kind]


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_workspace_in_a_fit_exits_2(tmp_path, capsys, kind):
    """Through the CLI: a pyhf term on the bad file stops with exit 2, one line, nothing written."""
    from fitkit.cli import main

    ws = tmp_path / "ws.json"
    ws.write_text(json.dumps(_mutate(kind)))
    (tmp_path / "bad.yaml").write_text(
        f"name: bad\nmodel: knunu-mu\nterms:\n  - type: pyhf\n    workspace: {ws}\nparameters:\n  mu: {{start: 1.0}}\n"
    )
    before = sorted(tmp_path.iterdir())
    with pytest.raises(SystemExit) as info:
        main(["fit", str(tmp_path / "bad.yaml")])
    assert info.value.code == 2
    out = capsys.readouterr()
    lines = [ln for ln in (out.out + out.err).splitlines() if ln.strip()]
    assert len(lines) == 1 and str(ws) in lines[0] and MALFORMED[kind] in lines[0], lines
    assert sorted(tmp_path.iterdir()) == before


def test_not_json_names_the_file(tmp_path):
    path = tmp_path / "ws.json"
    path.write_text("{")
    with pytest.raises(InputError, match="malformed JSON at line 1"):
        load_workspace(path)


def test_valid_workspace_is_a_pyhf_workspace():
    ws = validate_workspace(_good(), file="x.json")
    assert isinstance(ws, pyhf.Workspace) and ws.get_measurement()["name"] == "m"


def _shipped() -> list[Path]:
    """Every registered pyhf workspace (``data/registry.yaml``: the files named ``*likelihood.json``
    that are workspaces; Belle II's reinterpretation file is a redist-format wrapper, not one)."""
    from fitkit.data.registry import data_file

    reg = load_registry()
    return [
        data_file(name, f)
        for name, ds in reg.datasets.items()
        for f in ds.files
        if f.endswith(".json") and "reinterpretation" not in f
    ]


def _equal_to_pyhf(ws: pyhf.Workspace, seed: int) -> None:
    cw = CompiledWorkspace(ws)
    model = ws.model()
    data = ws.data(model)
    perm = [cw.index[n] for n in model.config.par_names]
    init = np.asarray(model.config.suggested_init())
    rng = np.random.default_rng(seed)
    for _ in range(3):
        x = init + rng.normal(0, 0.3, init.size) * np.where(init == 1.0, 0.05, 1.0)
        xc = np.empty_like(x)
        xc[perm] = x
        assert cw.nll(xc[None])[0] == pytest.approx(-float(model.logpdf(x, data)[0]), rel=1e-8)


def test_compiled_equals_pyhf_on_the_simplified_card():
    from fitkit.data.catalog import default_data_dir, read_yaml
    from fitkit.likelihood.belle2_knunu import SIMPLIFIED_CARD, simplified_spec

    _equal_to_pyhf(validate_workspace(simplified_spec(read_yaml(default_data_dir() / SIMPLIFIED_CARD))), 1)


@pytest.mark.slow
@pytest.mark.parametrize("path", _shipped(), ids=lambda p: p.name)
def test_compiled_equals_pyhf_on_every_published_workspace(path):
    _equal_to_pyhf(load_workspace(path), 2)


def test_workspace_copy_is_not_mutated():
    ws = validate_workspace(_good())
    before = copy.deepcopy(dict(ws))
    CompiledWorkspace(ws).add_clone("background", "np", normfactor="k")
    assert dict(ws) == before


@pytest.mark.parametrize("profile", [True, False])
def test_pyhf_and_compiled_backends_give_the_same_fit(tmp_path, profile):
    """``backend: pyhf`` (pyhf's logpdf) and the compiled default: same best mu and -2 ln L."""
    from fitkit.fitdef import build_problem, load_definition
    from fitkit.inference.fit import fit

    ws = tmp_path / "ws.json"
    ws.write_text(json.dumps(_good()))
    out = {}
    for backend in ("pyhf", "compiled"):
        d = tmp_path / f"{backend}.yaml"
        d.write_text(
            f"name: {backend}\nmodel: knunu-mu\nterms:\n  - type: pyhf\n    workspace: {ws}\n    backend: {backend}\n"
            f"    profile: {str(profile).lower()}\nparameters:\n  mu: {{start: 1.0, bounds: [0.0, 10.0]}}\nfit:\n  starts: 1\n"
        )
        out[backend] = fit(build_problem(load_definition(d)))
    a, b = out["pyhf"], out["compiled"]
    assert a.parameters["mu"].value == pytest.approx(b.parameters["mu"].value, abs=2e-3)
    assert a.chi2_min == pytest.approx(b.chi2_min, abs=1e-4)


def test_unknown_backend_names_the_field(tmp_path):
    from fitkit.fitdef import build_problem, load_definition

    ws = tmp_path / "ws.json"
    ws.write_text(json.dumps(_good()))
    d = tmp_path / "x.yaml"
    d.write_text(f"name: x\nmodel: knunu-mu\nterms:\n  - type: pyhf\n    workspace: {ws}\n    backend: jax\n")
    with pytest.raises(InputError, match="backend must be one of compiled, pyhf") as info:
        build_problem(load_definition(d))
    assert info.value.field == "terms.backend"
