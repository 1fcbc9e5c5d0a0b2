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


def test_duplicate_keys_refused(tmp_path: Path) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("a: 1\nb: {c: 1, c: 2}\n")
    with pytest.raises(InputError, match="a.yaml: malformed YAML: duplicate key 'c' at line 2"):
        read_yaml(p)


def test_every_yaml_file_of_the_repository_loads() -> None:
    root = Path(__file__).resolve().parents[2]
    files = [*sorted((root / "data").rglob("*.yaml")), *sorted((root / "likelihoods").glob("*.yaml"))]
    assert len(files) > 30
    for p in files:
        assert isinstance(read_yaml(p), dict)


def test_duplicate_keys_refused_whatever_the_constructors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Libraries (flavio) replace SafeLoader's mapping constructor; the check is on the parsed nodes."""
    import yaml

    table = dict(yaml.SafeLoader.yaml_constructors)
    table["tag:yaml.org,2002:map"] = lambda loader, node: dict(loader.construct_pairs(node))
    monkeypatch.setattr(yaml.SafeLoader, "yaml_constructors", table)
    p = tmp_path / "a.yaml"
    p.write_text("a: 1\na: 2\n")
    with pytest.raises(InputError, match="duplicate key 'a' at line 2"):
        read_yaml(p)
