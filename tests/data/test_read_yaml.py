"""The one YAML loader of cards and fit definitions (issue 11 item 7): no aliases, UTF-8, bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from fitkit.data import catalog
from fitkit.data.catalog import read_yaml
from fitkit.errors import InputError


def test_plain_mapping(tmp_path: Path) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("a: 1\nb: [x, y]\n")
    assert read_yaml(p) == {"a": 1, "b": ["x", "y"]}


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: &x [1, 2]\nb: 3\n", 1), ("a: 1\nb: *x\n", 2), ("a: 1\nb: &y {c: 1}\nc: *y\n", 2)],
    ids=["anchor", "alias-undefined", "anchor-and-alias"],
)
def test_anchors_and_aliases_refused(tmp_path: Path, text: str, line: int) -> None:
    p = tmp_path / "a.yaml"
    p.write_text(text)
    with pytest.raises(InputError, match=f"a.yaml: malformed YAML.*anchors and aliases .* at line {line}"):
        read_yaml(p)


def test_non_utf8(tmp_path: Path) -> None:
    p = tmp_path / "a.yaml"
    p.write_bytes(b"a: \xff\n")
    with pytest.raises(InputError, match=r"a.yaml: not UTF-8 text \(byte 3\)"):
        read_yaml(p)


def test_size_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog, "MAX_YAML_BYTES", 10)
    p = tmp_path / "a.yaml"
    p.write_text("a: 12345678901\n")
    with pytest.raises(InputError, match="larger than 10 bytes"):
        read_yaml(p)


def test_deep_nesting(tmp_path: Path) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(InputError, match="a.yaml"):
        read_yaml(p)


def test_not_a_mapping(tmp_path: Path) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("- 1\n- 2\n")
    with pytest.raises(InputError, match="a.yaml: expected a YAML mapping"):
        read_yaml(p)
