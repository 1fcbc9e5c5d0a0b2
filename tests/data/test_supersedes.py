"""``supersedes`` semantics and pinned selections (fitkit.data.catalog), on a scratch data folder."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from fitkit.cli import main  # imported before any test points FITKIT_DATA_DIR elsewhere
from fitkit.data.catalog import Catalog
from fitkit.errors import InputError
from tests.conftest import GOOD_CARD

NEWER = GOOD_CARD.replace("id: test_card", "id: newer_card\nsupersedes: [test_card]").replace("id: m1", "id: n1").replace("id: m2", "id: n2").replace("value: 2.33", "value: 2.50")

LIMIT = textwrap.dedent(
    """\
    id: {card}
    source: {{experiment: Belle, year: 2017}}
    {sup}
    limits:
      - {{id: {lid}, observable: "BR(B+->Knunu)", upper_limit: {ul}, cl: 0.9}}
    """
)


def _write(d: Path, rel: str, text: str) -> Path:
    p = d / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def test_named_superseded_id_uses_its_replacement_and_says_so(data_dir: Path) -> None:
    _write(data_dir, "bsll/newer.yaml", NEWER)
    cat = Catalog()
    (m,) = cat.select(ids=["m1"])
    assert m.id == "n1" and m.value == pytest.approx(2.50e-8)
    assert cat.substitutions == [{"requested": "m1", "card": "test_card", "used": "n1", "replacement_card": "newer_card"}]
    assert set(cat.selected) == {"newer_card"}


def test_named_superseded_card_uses_its_replacement(data_dir: Path) -> None:
    _write(data_dir, "bsll/newer.yaml", NEWER)
    cat = Catalog()
    assert [m.id for m in cat.select(cards=["test_card"])] == ["n1", "n2"]
    assert cat.substitutions[0]["replacement_card"] == "newer_card"


def test_replacement_without_the_measurement_names_both_cards(data_dir: Path) -> None:
    newer = NEWER.replace("q2: [1.1, 2.0]", "q2: [1.0, 2.0]")
    _write(data_dir, "bsll/newer.yaml", newer)
    with pytest.raises(InputError, match="'m1' is in card 'test_card', superseded by card 'newer_card'") as exc:
        Catalog().select(ids=["m1", "m2"])
    assert exc.value.field == "supersedes" and exc.value.file.endswith("newer.yaml")


def test_pinned_catalog_ignores_supersedes_and_needs_ids(data_dir: Path) -> None:
    _write(data_dir, "bsll/newer.yaml", NEWER)
    pinned = Catalog().pinned_view()
    assert [m.id for m in pinned.select(cards=["test_card"])] == ["m1", "m2"]
    assert pinned.substitutions == []
    with pytest.raises(InputError, match="pinned fit selects its data by card ids"):
        pinned.select(tags=["bsll"])


def test_pinned_selection_does_not_change_when_cards_are_added(data_dir: Path) -> None:
    before = [m.model_dump() for m in Catalog().pinned_view().select(cards=["test_card"], tags=["bsll"])]
    _write(data_dir, "bsll/newer.yaml", NEWER)
    _write(data_dir, "bsll/other.yaml", GOOD_CARD.replace("id: test_card", "id: other").replace("id: m1", "id: o1").replace("id: m2", "id: o2"))
    after = [m.model_dump() for m in Catalog().pinned_view().select(cards=["test_card"], tags=["bsll"])]
    assert after == before
    assert len(Catalog().select(tags=["bsll"])) == 4  # the current view: newer + other


@pytest.mark.parametrize(
    ("sup", "match"),
    [("[nope]", "supersedes unknown card id 'nope'"), ("[newer_card]", "cannot supersede itself")],
)
def test_bad_supersedes_is_an_error(data_dir: Path, sup: str, match: str) -> None:
    _write(data_dir, "bsll/newer.yaml", NEWER.replace("supersedes: [test_card]", f"supersedes: {sup}"))
    with pytest.raises(InputError, match=match) as exc:
        _ = Catalog().index
    assert exc.value.field == "supersedes"


def test_supersedes_cycle_is_an_error(data_dir: Path) -> None:
    _write(data_dir, "bsll/newer.yaml", NEWER)
    _write(data_dir, "bsll/test_card.yaml", GOOD_CARD.replace("id: test_card", "id: test_card\nsupersedes: [newer_card]"))
    with pytest.raises(InputError, match="cycle|already superseded"):
        _ = Catalog().index


def test_same_measurement_id_in_two_cards_is_an_error(data_dir: Path) -> None:
    _write(data_dir, "bsll/copy.yaml", GOOD_CARD.replace("id: test_card", "id: copy_card"))
    with pytest.raises(InputError, match="id 'm1' is also used in card '(test_card|copy_card)'") as exc:
        _ = Catalog().index
    assert exc.value.entry == "m1"


def test_limit_cards_take_part(data_dir: Path) -> None:
    _write(data_dir, "bknunu/limits/old.yaml", LIMIT.format(card="old_lim", sup="", lid="old_Kp", ul=1.9e-5))
    _write(data_dir, "bknunu/limits/new.yaml", LIMIT.format(card="new_lim", sup="supersedes: [old_lim]", lid="new_Kp", ul=1.1e-5))
    cat = Catalog()
    path, lf, lim = cat.limit("old_Kp")
    assert lim.id == "new_Kp" and lim.upper_limit == pytest.approx(1.1e-5) and lf.id == "new_lim"
    assert cat.substitutions[0]["requested"] == "old_Kp"
    assert cat.pinned_view().limit("old_Kp")[2].upper_limit == pytest.approx(1.9e-5)


def test_limit_card_cannot_supersede_a_measurement_card(data_dir: Path) -> None:
    _write(data_dir, "bknunu/limits/new.yaml", LIMIT.format(card="new_lim", sup="supersedes: [test_card]", lid="x", ul=1e-5))
    with pytest.raises(InputError, match="limits card cannot supersede the measurements card"):
        _ = Catalog().index


def test_yields_and_counting_cards_follow_supersedes(data_dir: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "data" / "bknunu"
    yields = (shipped / "yields" / "belle2_2023_simplified.yaml").read_text()
    _write(data_dir, "bknunu/yields/old.yaml", yields)
    new = _write(data_dir, "bknunu/yields/new.yaml", yields.replace("id: belle2_2023_knunu_simplified", "id: belle2_newer\nsupersedes: [belle2_2023_knunu_simplified]"))
    cat = Catalog()
    assert cat.card_path("belle2_2023_knunu_simplified") == new
    assert cat.pinned_view().card_path("belle2_2023_knunu_simplified").name == "old.yaml"
    counting = (shipped / "counting" / "babar_2013_hta.yaml").read_text()
    _write(data_dir, "bknunu/counting/babar.yaml", counting)
    ids = re.findall(r"^\s+- id: (\S+)", counting, flags=re.M)
    renamed = counting
    for i in ids:
        renamed = re.sub(rf"\b{re.escape(i)}\b", f"{i}_v2", renamed)
    renamed = renamed.replace("\nid: babar_2013_counting\n", "\nid: babar_2013_counting_v2\nsupersedes: [babar_2013_counting]\n")
    _write(data_dir, "bknunu/counting/babar_v2.yaml", renamed)
    from fitkit.likelihood.counting import counting_cards

    assert [c.id for _, c in counting_cards(data_dir)] == ["babar_2013_counting_v2"]


def _fit_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, selection: str, pinned: bool = False) -> Path:
    d = tmp_path / "likelihoods"
    d.mkdir(exist_ok=True)
    pin = "pinned: true\n" if pinned else ""
    (d / "t.yaml").write_text(f"name: t\nmodel: sm\n{pin}data: {selection}\n")
    monkeypatch.setenv("FITKIT_LIKELIHOODS_DIR", str(d))
    return d / "t.yaml"


def test_fit_provenance_records_cards_and_substitution(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fitkit.fitdef import build_problem, load_definition

    _write(data_dir, "bsll/newer.yaml", NEWER)
    _fit_dir(tmp_path, monkeypatch, "{ids: [m1, m2]}")
    prov = build_problem(load_definition("t"))
    data = prov.provenance
    assert set(data["cards"]) == {"newer_card"} and len(data["cards"]["newer_card"]) == 64
    assert [s["requested"] for s in data["substitutions"]] == ["m1", "m2"] and data["pinned"] is False


def test_data_validate_fails_naming_both_cards(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _write(data_dir, "bsll/newer.yaml", NEWER.replace("q2: [1.1, 2.0]", "q2: [1.0, 2.0]"))
    _fit_dir(tmp_path, monkeypatch, "{ids: [m1]}")
    with pytest.raises(SystemExit) as exc:
        main(["data", "validate"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.strip().splitlines()) == 1
    assert "newer.yaml" in err and "'test_card'" in err and "'newer_card'" in err and "field supersedes" in err
