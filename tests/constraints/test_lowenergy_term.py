"""The ``lowenergy`` term composes with the b -> s l l chi^2 in one fit definition."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fitkit.errors import InputError
from fitkit.fitdef import build_problem, load_definition
from fitkit.inference.fit import batch_cost


def test_lowenergy_term_adds_to_gaussian(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(
        "name: c\nmodel: darkz-C\ndata: {tags: [table1-002, muon]}\n"
        "terms: [{type: lowenergy, constraints: [w_width, g_minus_2]}]\n"
        "parameters:\n  M_ZD: {start: 0.1, bounds: [0.01, 2.0], scale: log}\n  g_mu: {start: 0.02}\n"
    )
    problem = build_problem(load_definition(p))
    assert len(problem.costs) == 2
    pts = {"M_ZD": np.array([0.1, 0.1]), "g_mu": np.array([0.0, 0.05])}
    gauss = problem.costs[0].batch({k: np.broadcast_to(v, 2) for k, v in {**problem.fixed, **pts}.items() if k in problem.costs[0]._parameters})
    total = batch_cost(problem, pts)
    assert np.all(total >= gauss - 1e-9)
    assert total[1] - gauss[1] > total[0] - gauss[0]  # a larger muon coupling costs more at low energy


def test_lowenergy_term_needs_a_darkz_model(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("name: bad\nmodel: sm\ndata: {tags: [bsll]}\nterms: [{type: lowenergy}]\n")
    with pytest.raises(InputError, match="need a darkz-A/B/C model"):
        build_problem(load_definition(p))
