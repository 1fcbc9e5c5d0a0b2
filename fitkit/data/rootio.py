"""ROOT files with uproot: histograms in (``fitkit data import FILE.root:PATH``), scans out
(``fitkit scan ... --root out.root``).

- A TH1 becomes a card skeleton: one measurement per bin, the bin edges as the q^2 bin (GeV^2),
  the content as the value and sqrt(variance) as a single ``total`` uncertainty (HEPData serves
  every table as ROOT too). The user completes source, SM expectations and error components.
- A TH2 becomes a map (YAML: edges and contents), e.g. an efficiency map.
- A profile scan becomes a TH1 (1D) or TH2 (2D) of Delta chi^2 = chi^2 - chi^2_min, with bin
  edges half-way between the grid points (geometric half-way on log-scale axes).

Example:
    >>> card = th1_card_skeleton("x.root:hist", card_id="new", observable="<dBR/dq2>(B+->Kmumu)")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from fitkit.data.schema import Card
from fitkit.errors import InputError

__all__ = ["read_histogram", "th1_card_skeleton", "th2_map", "grid_edges", "write_scan_root"]


def _split(spec: str) -> tuple[Path, str]:
    if ":" not in spec:
        raise InputError("expected FILE.root:PATH (the histogram's path inside the file)", field="SOURCE")
    file, path = spec.rsplit(":", 1)
    if not Path(file).is_file():
        raise InputError("ROOT file not found", file=file)
    if not path:
        raise InputError("empty histogram path after ':'", file=file, field="SOURCE")
    return Path(file), path


def read_histogram(spec: str) -> tuple[str, list[np.ndarray], np.ndarray, np.ndarray]:
    """(class name, edges per axis, contents, variances) of the histogram ``FILE.root:PATH``."""
    import uproot

    file, path = _split(spec)
    try:
        with uproot.open(file) as f:
            obj = f[path]
            cls = obj.classname
            if not cls.startswith(("TH1", "TH2")):
                raise InputError(f"{path} is a {cls}, not a TH1 or TH2", file=str(file), field="PATH")
            values, *edges = obj.to_numpy(flow=False)
            variances = obj.variances(flow=False)
    except InputError:
        raise
    except KeyError:
        raise InputError(f"no object {path!r} in the file", file=str(file), field="PATH") from None
    except Exception as exc:  # uproot raises many kinds for a file that is not ROOT
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise InputError(f"cannot read as ROOT: {type(exc).__name__}: {first}", file=str(file)) from None
    return cls, [np.asarray(e, dtype=float) for e in edges], np.asarray(values, dtype=float), np.asarray(variances, dtype=float)


def th1_card_skeleton(
    spec: str, *, card_id: str, observable: str, scale: float = 1.0, experiment: str = "FILL ME", year: int = 0
) -> dict[str, Any]:
    """A card (as a dict, validated) from a TH1; values and errors are divided by ``scale``."""
    cls, edges, values, variances = read_histogram(spec)
    if len(edges) != 1:
        raise InputError(f"{cls} is not one-dimensional: import it as a map", file=spec, field="PATH")
    e = edges[0]
    ms = []
    for i, (v, var) in enumerate(zip(values, variances)):
        err = float(np.sqrt(var)) / scale
        if not err > 0:
            raise InputError(f"bin {i + 1} has no uncertainty (variance {var}); fill the histogram's errors", file=spec, field="variances")
        ms.append({
            "id": f"{card_id}_{e[i]:g}_{e[i + 1]:g}", "observable": observable, "q2": [float(e[i]), float(e[i + 1])],
            "value": float(v) / scale, "uncertainty": {"total": err},
        })
    card = {
        "id": card_id,
        "source": {"experiment": experiment, "year": year, "transcribed_from": f"ROOT histogram {spec} (fitkit data import)"},
        "note": "skeleton from a ROOT histogram: complete source, tags, SM expectations (sm:) and the error components",
        "tags": [],
        "scale": scale,
        "measurements": ms,
    }
    try:
        Card.model_validate(card)
    except Exception as exc:
        raise InputError(f"the histogram does not make a valid card: {exc}", file=spec) from None
    return card


def th2_map(spec: str) -> dict[str, Any]:
    """A TH2 as a map: x/y edges, contents[ix][iy] and errors."""
    cls, edges, values, variances = read_histogram(spec)
    if len(edges) != 2:
        raise InputError(f"{cls} is not two-dimensional", file=spec, field="PATH")
    return {
        "kind": "map",
        "source": f"ROOT histogram {spec} (fitkit data import)",
        "x_edges": edges[0].tolist(),
        "y_edges": edges[1].tolist(),
        "values": values.tolist(),
        "errors": np.sqrt(variances).tolist(),
    }


def grid_edges(points: np.ndarray, scale: str = "linear") -> np.ndarray:
    """Bin edges around grid points: half-way between neighbours (geometric for ``log``)."""
    p = np.asarray(points, dtype=float)
    if p.size < 2:
        raise InputError("a scan axis needs at least 2 points for a histogram", field="points")
    q = np.log(p) if scale == "log" else p
    inner = 0.5 * (q[1:] + q[:-1])
    edges = np.concatenate([[q[0] - (inner[0] - q[0])], inner, [q[-1] + (q[-1] - inner[-1])]])
    return np.exp(edges) if scale == "log" else edges


def write_scan_root(scan: Any, path: str | Path, *, name: str = "dchi2") -> Path:
    """Write a :class:`~fitkit.inference.results.ScanResult`'s Delta chi^2 as TH1/TH2 ``name``."""
    import uproot

    path = Path(path)
    if path.suffix != ".root":
        raise InputError("the output must end in .root", file=str(path), field="--root")
    dchi2 = np.asarray(scan.delta_chi2, dtype=float)
    xe = grid_edges(scan.x_values, scan.x_scale)
    hist = (dchi2, xe) if scan.y is None else (dchi2, xe, grid_edges(scan.y_values, scan.y_scale))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.root")
    try:
        with uproot.recreate(tmp) as f:
            f[name] = hist
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
