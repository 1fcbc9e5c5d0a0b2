"""The current-data b -> s l l cards (scripts/make_current_bsll_cards.py) and their SM expectations."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from fitkit.data.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("make_cards", ROOT / "scripts" / "make_current_bsll_cards.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_cards_are_what_the_script_writes() -> None:
    assert _script().main(["--check"]) == 0


def test_published_numbers() -> None:
    cat = Catalog()
    by_id = {m.id: m for m in cat.select(tags=["bsll"], include_superseded=True)}
    rk = by_id["lhcb2022_RK_1.1_6.0"]  # arXiv:2212.09152: 0.949 +0.042 -0.041 (stat) +- 0.022 (syst)
    assert rk.value == 0.949 and rk.errors == {"stat": (0.042, 0.041), "syst": (0.022, 0.022)}
    assert by_id["lhcb2026_RKst0_14.0_19.2"].value == 1.08  # arXiv:2604.08631 abstract
    assert by_id["lhcb2025_RK_14.3_22.9"].errors["stat"] == (0.11, 0.09)  # arXiv:2505.03483 abstract
    cms = [m for m in by_id.values() if m.card == "cms_2024_bkmumu" and m.observable.startswith("<dBR")]
    assert len(cms) == 15 and by_id["cms2024_Kp_mumu_1.1_2.0"].value == pytest.approx(21.49e-9)
    assert by_id["cms2024_RK_1.1_6.0"].value == 0.78  # ratio entries carry scale 1
    corr = cat.correlations(list(by_id.values()))
    assert corr[("lhcb2022_RK_1.1_6.0", "lhcb2022_RKst_1.1_6.0")] == -0.017


def test_current_view_drops_the_table1_electron_rates() -> None:
    current = {m.card for m in Catalog().select(tags=["bsll"])}
    assert "lhcb_2022_bkee_bkstaree" not in current and "lhcb_2022_rk_rkstar" in current
    pinned = Catalog().pinned_view().select(cards=["lhcb_2022_bkee_bkstaree"])
    assert len(pinned) == 2


def test_ratio_sm_expectations_agree_with_flavio() -> None:
    flavio = pytest.importorskip("flavio")
    for m in Catalog().select(tags=["lfu"]):
        name = m.observable.replace("<R>", "<Rmue>")
        ref = flavio.sm_prediction(name, *m.q2)
        assert m.sm == pytest.approx(ref, abs=2e-3), m.id  # engine vs flavio 2.7.1


def test_darkz_ratio_is_ratio_of_its_rates() -> None:
    from fitkit.data.schema import Measurement
    from fitkit.models import get_model

    (rk,) = Catalog().select(ids=["lhcb2022_RK_0.1_1.1"])
    model = get_model("darkz-A", mode="native")
    pts = {"M_ZD": np.array([0.5, 0.02]), "eps": np.array([1e-4, 1e-5]), "eps_Z": np.array([1e-3, 2e-3])}
    rates = [
        Measurement(**{**rk.model_dump(), "id": f"x{lep}", "observable": f"<BR>(B+->K{name})", "lepton": lep})
        for lep, name in (("mu", "mumu"), ("e", "ee"))
    ]
    br = model.predict(rates, pts)
    r = model.predict([rk], pts)[:, 0]
    np.testing.assert_allclose(r, br[:, 0] / br[:, 1], rtol=1e-12)
    sm = get_model("darkz-A").predict([rk], {**pts, "eps": np.zeros(2), "eps_Z": np.zeros(2)})[:, 0]
    np.testing.assert_allclose(sm, rk.sm, rtol=1e-9)  # ratio mode: the card's SM value at the SM point
