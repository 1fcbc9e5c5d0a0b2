"""Results (issue 11 items 4, 6): finite numbers or an error, honest goodness of fit, safe writes."""

from __future__ import annotations

import json
import math
import stat
from pathlib import Path

import pytest

from fitkit.errors import InputError
from fitkit.inference.fit import goodness_of_fit
from fitkit.inference.results import (
    FILE_MODE,
    FitResult,
    ParameterResult,
    ResultError,
    load_toys_result,
    write_json_atomic,
)


class _Term:
    def __init__(self, poisson: bool = False, saturated: bool = False) -> None:
        if poisson:
            self.poisson = True
        if saturated:
            self.saturated = True


def test_goodness_of_fit_of_poisson_terms() -> None:
    assert goodness_of_fit([_Term(), _Term()]) == "chi2"
    assert goodness_of_fit([_Term(), _Term(poisson=True)]) == "none"
    assert goodness_of_fit([_Term(poisson=True, saturated=True)]) == "saturated"
    assert goodness_of_fit([_Term(poisson=True, saturated=True), _Term(poisson=True)]) == "none"


def _result(**changes: object) -> FitResult:
    base = dict(
        name="f", model="m", description="", chi2_min=1.0, chi2_sm=2.0, ndata=3, ndof=2, p_value=0.6, pull_sm=1.0,
        significance_sm=1.0, valid=True, parameters={"a": ParameterResult(1.0, 0.1)}, fixed={}, observables=[],
    )
    base.update(changes)
    return FitResult(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "quantity"),
    [
        ({"chi2_min": math.nan}, "chi2_min"),
        ({"chi2_sm": math.inf}, "chi2_SM"),
        ({"parameters": {"a": ParameterResult(math.nan, 0.1)}}, "a is"),
        ({"parameters": {"a": ParameterResult(1.0, math.inf)}}, "a error"),
    ],
)
def test_non_finite_results_are_errors(changes: dict, quantity: str) -> None:
    with pytest.raises(ResultError, match=f"fit f: {quantity}"):
        _result(**changes).check_finite()


def test_poisson_result_has_no_ndof_in_json() -> None:
    r = _result(ndof=None, p_value=None, goodness_of_fit="none")
    r.check_finite()
    d = r.to_dict()
    assert d["ndof"] is None and d["p_value"] is None and d["goodness_of_fit"] == "none"
    assert d["parameters"]["a"]["at_bound"] is None


def test_write_json_atomic_mode_and_no_temporaries(tmp_path: Path) -> None:
    path = write_json_atomic(tmp_path / "a" / "x.json", {"v": 1.0})
    assert stat.S_IMODE(path.stat().st_mode) == FILE_MODE
    with pytest.raises(TypeError):
        write_json_atomic(tmp_path / "a" / "y.json", {"v": object()})
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["x.json"]


LEE = {"toys": 1000, "seed": 7, "p_global": 0.004, "significance_global": 2.88, "gross_vitells_significance_global": 3.0}


def test_load_toys_result(tmp_path: Path) -> None:
    path = tmp_path / "light_x.json"
    path.write_text(json.dumps({"likelihood": "full", "significance_local": 3.58, "lee": LEE}))
    r = load_toys_result(path)
    assert r["significance_global"] == 2.88 and r["toys"] == 1000 and r["file"] == str(path)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"toys": 0}, "lee.toys"), ({"toys": 1.5}, "lee.toys"), ({"significance_global": None}, "lee.significance_global"),
     ({"seed": True}, "lee.seed")],
)
def test_bad_toys_result(tmp_path: Path, change: dict, field: str) -> None:
    path = tmp_path / "light_x.json"
    path.write_text(json.dumps({"likelihood": "full", "significance_local": 3.58, "lee": {**LEE, **change}}))
    with pytest.raises(InputError, match=f"light_x.json: field {field}"):
        load_toys_result(path)
