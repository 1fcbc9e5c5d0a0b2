"""Card validation: every bad input gives one error naming file, entry and field."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from fitkit.data.catalog import Catalog, load_card
from fitkit.errors import InputError
from tests.conftest import GOOD_CARD


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "card.yaml"
    p.write_text(text)
    return p


def test_good_card_loads_with_absolute_values(tmp_path: Path) -> None:
    card = load_card(_write(tmp_path, GOOD_CARD))
    assert card.id == "test_card"
    from fitkit.data.schema import Measurement

    m = Measurement.from_entry(card.measurements[0], card)
    assert math.isclose(m.value, 2.33e-8)
    assert m.errors["syst"] == pytest.approx((0.12e-8, 0.10e-8))
    assert m.lepton == "mu"


@pytest.mark.parametrize(
    ("old", "new", "entry", "field", "message"),
    [
        ("uncertainty: {stat: 0.16}", "uncertainty: {stat: 0.0}", "m2", "uncertainty", "must be > 0"),
        ("uncertainty: {stat: 0.16}", "uncertainty: {stat: -0.2}", "m2", "uncertainty", "must be > 0"),
        ("syst: [+0.12, -0.10]", "syst: [+0.12, 0.10]", "m1", "uncertainty", "up > 0 and down < 0"),
        ("q2: [2.0, 3.0]", "q2: [3.0, 2.0]", "m2", "q2", "q2min must be < q2max"),
        ("q2: [2.0, 3.0]", "q2: [2.0, 2.0]", "m2", "q2", "q2min must be < q2max"),
        ('observable: "<dBR/dq2>(B+->Kmumu)"\n    q2: [2.0', 'observable: "<dBR/dq2>(B+->Kmumux)"\n    q2: [2.0', "m2", "observable", "unknown observable"),
        ("value: 2.82", "value: .nan", "m2", "value", "finite number"),
        ("value: 2.82", "", "m2", "value", "required field is missing"),
        ("value: 2.82", "value: 2.82\n    colour: red", "m2", "colour", "unknown field"),
    ],
)
def test_bad_measurement_names_file_entry_field(tmp_path: Path, old: str, new: str, entry: str, field: str, message: str) -> None:
    text = GOOD_CARD.replace(old, new, 1)
    assert text != GOOD_CARD
    p = _write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        load_card(p)
    assert exc.value.file == str(p)
    assert exc.value.entry == entry
    assert exc.value.field.startswith(field)
    assert message in str(exc.value)


def test_missing_source_year(tmp_path: Path) -> None:
    p = _write(tmp_path, GOOD_CARD.replace(", year: 2014", ""))
    with pytest.raises(InputError) as exc:
        load_card(p)
    assert exc.value.entry == "test_card" and exc.value.field == "source.year"


def test_malformed_yaml_names_line(tmp_path: Path) -> None:
    p = _write(tmp_path, GOOD_CARD.replace("tags: [bsll, muon]", "tags: [bsll, muon"))
    with pytest.raises(InputError, match=r"malformed YAML at line \d+") as exc:
        load_card(p)
    assert exc.value.file == str(p)


def test_duplicate_card_ids_rejected(data_dir: Path) -> None:
    (data_dir / "bsll" / "copy.yaml").write_text(GOOD_CARD)
    with pytest.raises(InputError, match="card id 'test_card' is also used"):
        _ = Catalog().cards


def test_superseded_cards_are_dropped(data_dir: Path) -> None:
    newer = GOOD_CARD.replace("id: test_card", "id: newer_card\nsupersedes: [test_card]").replace("id: m1", "id: n1").replace("id: m2", "id: n2")
    (data_dir / "bsll" / "newer.yaml").write_text(newer)
    cat = Catalog()
    assert [m.id for m in cat.select(tags=["bsll"])] == ["n1", "n2"]
    assert len(cat.select(tags=["bsll"], include_superseded=True)) == 4


def test_selection_by_tags_and_ids(data_dir: Path) -> None:
    cat = Catalog()
    assert len(cat.select(tags=["muon"])) == 2
    assert cat.select(exclude_tags=["muon"]) == []
    assert [m.id for m in cat.select(ids=["m2"])] == ["m2"]
    with pytest.raises(InputError, match="unknown measurement id"):
        cat.select(ids=["nope"])
