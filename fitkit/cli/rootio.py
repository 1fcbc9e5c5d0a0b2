"""``fitkit data import FILE.root:PATH``: a TH1 -> card skeleton, a TH2 -> map (YAML)."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from fitkit.errors import InputError

__all__ = ["DATA_COMMANDS"]


@click.command("import")
@click.argument("source")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="YAML file to write (must not exist).")
@click.option("--id", "card_id", default=None, help="Card id (TH1; default: the output file's stem).")
@click.option("--observable", default=None, help="Observable of every bin (TH1), e.g. '<dBR/dq2>(B+->Kmumu)'.")
@click.option("--scale", type=float, default=1.0, show_default=True, help="Card scale: values and errors are divided by it.")
def import_cmd(source: str, output: Path, card_id: str | None, observable: str | None, scale: float) -> None:
    """Turn a ROOT TH1 into a card skeleton (or a TH2 into a map) from SOURCE = FILE.root:PATH."""
    from fitkit.data.rootio import read_histogram, th1_card_skeleton, th2_map

    if output.exists():
        raise InputError("output exists; choose a new file", file=str(output), field="--output")
    if not scale > 0:
        raise InputError("must be > 0", field="--scale")
    cls = read_histogram(source)[0]
    if cls.startswith("TH1"):
        if observable is None:
            raise InputError("a TH1 becomes a card: give --observable", field="--observable")
        data = th1_card_skeleton(source, card_id=card_id or output.stem, observable=observable, scale=scale)
        what = f"card skeleton with {len(data['measurements'])} measurements"
    else:
        data = th2_map(source)
        what = f"map {len(data['x_edges']) - 1} x {len(data['y_edges']) - 1}"
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(yaml.safe_dump(data, sort_keys=False, width=120))
    tmp.replace(output)
    click.echo(f"wrote {output}: {what}")


DATA_COMMANDS = [import_cmd]
