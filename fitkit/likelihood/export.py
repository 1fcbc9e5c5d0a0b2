"""A fitkit model's signal as a pyhf JSON patch, and fit terms exported as one pyhf workspace.

:func:`signal_patch` is the reinterpretation step as pyhf users know it: in every channel that has
the SM signal sample ``parent``, add a sample ``name`` with the model's yields that carries the
parent's systematic modifiers (normsys and histosys shared, so detector and efficiency
systematics are fully correlated; the histosys variations scaled to the new nominal, i.e.
relative; sharing the parent's MC-statistical gammas without changing their widths, see
:func:`_staterror_keeping_width`) and a free ``normfactor`` (the POI of the exported
workspace: the signal strength relative to the exported model point). The patch is a list of
RFC 6902 operations (pyhf patches are the same), applied with ``jsonpatch``.

:func:`constrain_normfactor_patch` turns a free normfactor into a Gaussian-constrained one
(pyhf's ``lumi`` modifier, the one constrained linear factor of HistFactory; pyhf requires it to
be called ``lumi``): how the SM signal strength mu ~ N(1, 0.37/4.97) of the new-physics fits is
written for pyhf. pyhf's constraint carries its normalisation, -2 ln N = ((mu - 1)/sigma)^2 +
ln(2 pi sigma^2), fitkit's penalty only the first term: absolute -2 ln L differ by that constant.

:func:`merge_workspaces` concatenates channels and observations of several workspaces (one
measurement, the POI of the first).

Example:
    >>> ws = {"channels": [{"name": "c", "samples": [{"name": "sig", "data": [2.0, 4.0], "modifiers": [
    ...     {"name": "mu", "type": "normfactor", "data": None},
    ...     {"name": "eff", "type": "histosys", "data": {"hi_data": [2.2, 4.4], "lo_data": [1.8, 3.6]}}]}]}],
    ...     "observations": [{"name": "c", "data": [3.0, 5.0]}], "version": "1.0.0",
    ...     "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}]}
    >>> out = jsonpatch.apply_patch(ws, signal_patch(ws, "sig", {"c": [1.0, 0.0]}, name="x", normfactor="mu_x"))
    >>> new = out["channels"][0]["samples"][1]
    >>> new["data"], new["modifiers"][0]["data"], new["modifiers"][1]["name"]
    ([1.0, 0.0], {'hi_data': [1.1, 0.0], 'lo_data': [0.9, 0.0]}, 'mu_x')
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import jsonpatch

from fitkit.errors import InputError

__all__ = ["signal_patch", "replace_patch", "constrain_normfactor_patch", "merge_workspaces", "apply"]


def _scaled(values: Sequence[float], nominal: Sequence[float], new: Sequence[float]) -> list[float]:
    """``values`` (absolute variations of ``nominal``) carried over to ``new`` relatively."""
    return [float(n) * float(v) / float(m) if m else 0.0 for v, m, n in zip(values, nominal, new, strict=True)]


def _staterror_keeping_width(channel: Mapping[str, Any], modifier: str, new: Sequence[float]) -> list[float]:
    """MC errors e_b for a new sample under staterror ``modifier`` that leave its width unchanged.

    pyhf's staterror width is sigma_b = sqrt(sum_s err_sb^2) / sum_s nom_sb over the samples that
    carry the modifier, so a sample added with zero error would shrink it (by N_b / (N_b + y_b)).
    With e_b = E_b sqrt(((N_b + y_b) / N_b)^2 - 1), E_b and N_b the published quadrature error and
    nominal sum, sigma_b stays the published one (the signal's own MC statistics are not known).
    """
    total_err2 = [0.0] * len(new)
    total_nom = [0.0] * len(new)
    for smp in channel["samples"]:
        for m in smp["modifiers"]:
            if m["type"] == "staterror" and m["name"] == modifier:
                for b, (e, v) in enumerate(zip(m["data"], smp["data"], strict=True)):
                    total_err2[b] += float(e) ** 2
                    total_nom[b] += float(v)
    return [
        (e2**0.5) * (((n + y) / n) ** 2 - 1.0) ** 0.5 if n > 0 and n + y > 0 else 0.0
        for e2, n, y in zip(total_err2, total_nom, new, strict=True)
    ]


def _target(spec: Mapping[str, Any], channel: str, sample: str, data: Sequence[float]) -> tuple[int, int, Any, Any, list[float]]:
    """(channel index, sample index, channel, sample, yields) of ``sample`` in ``channel``, checked."""
    ci, ch = next(((i, c) for i, c in enumerate(spec["channels"]) if c["name"] == channel), (-1, None))
    if ch is None:
        raise InputError(f"no channel {channel!r} in the workspace", field="channels")
    si, smp = next(((k, s) for k, s in enumerate(ch["samples"]) if s["name"] == sample), (-1, None))
    if smp is None:
        raise InputError(f"channel {channel!r} has no sample {sample!r}", field=f"channels[{ci}].samples")
    new = [float(v) for v in data]
    if len(new) != len(smp["data"]):
        raise InputError(f"{len(new)} signal yields for {len(smp['data'])} bins", field=f"channels[{ci}]")
    return ci, si, ch, smp, new


def signal_patch(
    spec: Mapping[str, Any],
    parent: str,
    yields: Mapping[str, Sequence[float]],
    *,
    name: str = "np_signal",
    normfactor: str | None = "mu_np",
) -> list[dict[str, Any]]:
    """JSON-patch operations adding sample ``name`` with ``yields[channel]`` next to ``parent``.

    Every channel in ``yields`` must have a sample ``parent`` with as many bins.
    """
    ops: list[dict[str, Any]] = []
    for channel, data in yields.items():
        ci, _, ch, smp, new = _target(spec, channel, parent, data)
        mods: list[dict[str, Any]] = []
        for m in smp["modifiers"]:
            if m["type"] in ("normfactor", "shapesys", "shapefactor"):
                continue  # the parent's free normalisation and MC-stat Poissons stay its own
            m = copy.deepcopy(m)
            if m["type"] == "staterror":
                m["data"] = _staterror_keeping_width(ch, m["name"], new)
            elif m["type"] == "histosys":
                m["data"] = {
                    "hi_data": _scaled(m["data"]["hi_data"], smp["data"], new),
                    "lo_data": _scaled(m["data"]["lo_data"], smp["data"], new),
                }
            mods.append(m)
        if normfactor:
            mods.append({"name": normfactor, "type": "normfactor", "data": None})
        ops.append({"op": "add", "path": f"/channels/{ci}/samples/-", "value": {"name": name, "data": new, "modifiers": mods}})
    return ops


def replace_patch(spec: Mapping[str, Any], sample: str, yields: Mapping[str, Sequence[float]]) -> list[dict[str, Any]]:
    """JSON-patch operations replacing the nominal of ``sample`` by ``yields[channel]`` (the model's signal).

    Its histosys variations are carried over relatively; its MC-statistical errors are reset so
    that the staterror width sigma_b = sqrt(sum_s e_sb^2) / sum_s n_sb stays the published one
    (as in fitkit's compiled evaluator, whose widths are fixed at compilation):
    e_b'^2 = (E_b N_b' / N_b)^2 - E_b^2 + e_b^2 (E, N the channel's quadrature error and nominal
    sum over the samples sharing the modifier; an InputError where that is negative).
    """
    ops: list[dict[str, Any]] = []
    for channel, data in yields.items():
        ci, si, ch, smp, new = _target(spec, channel, sample, data)
        base = f"/channels/{ci}/samples/{si}"
        ops.append({"op": "replace", "path": f"{base}/data", "value": new})
        for mi, m in enumerate(smp["modifiers"]):
            if m["type"] == "histosys":
                value = {"hi_data": _scaled(m["data"]["hi_data"], smp["data"], new), "lo_data": _scaled(m["data"]["lo_data"], smp["data"], new)}
                ops.append({"op": "replace", "path": f"{base}/modifiers/{mi}/data", "value": value})
            elif m["type"] == "staterror":
                errs = []
                for b, (e_old, n_old, n_new) in enumerate(zip(m["data"], smp["data"], new, strict=True)):
                    e2 = n_tot = 0.0
                    for other in ch["samples"]:
                        for om in other["modifiers"]:
                            if om["type"] == "staterror" and om["name"] == m["name"]:
                                e2 += float(om["data"][b]) ** 2
                                n_tot += float(other["data"][b])
                    n_after = n_tot - float(n_old) + n_new
                    keep = e2 * (n_after / n_tot) ** 2 - e2 + float(e_old) ** 2 if n_tot > 0 else 0.0
                    if keep < -1e-12 * max(e2, 1e-300):
                        raise InputError(f"cannot keep the staterror width of bin {b} with the new yields", field=f"channels[{ci}].samples[{si}]")
                    errs.append(max(keep, 0.0) ** 0.5)
                ops.append({"op": "replace", "path": f"{base}/modifiers/{mi}/data", "value": errs})
    return ops


def constrain_normfactor_patch(
    spec: Mapping[str, Any], normfactor: str, *, sigma: float, centre: float = 1.0, bounds: tuple[float, float] = (-5.0, 20.0)
) -> list[dict[str, Any]]:
    """Operations replacing the free ``normfactor`` by pyhf's Gaussian-constrained ``lumi`` factor."""
    ops: list[dict[str, Any]] = []
    for ci, ch in enumerate(spec["channels"]):
        for si, smp in enumerate(ch["samples"]):
            for mi, m in enumerate(smp["modifiers"]):
                if m["name"] == normfactor and m["type"] == "normfactor":
                    path = f"/channels/{ci}/samples/{si}/modifiers/{mi}"
                    ops.append({"op": "replace", "path": path, "value": {"name": "lumi", "type": "lumi", "data": None}})
    if not ops:
        raise InputError(f"no normfactor {normfactor!r} in the workspace", field="modifiers")
    for k in range(len(spec["measurements"])):
        par = {"name": "lumi", "auxdata": [centre], "sigmas": [sigma], "bounds": [list(bounds)], "inits": [centre]}
        ops.append({"op": "add", "path": f"/measurements/{k}/config/parameters/-", "value": par})
    return ops


def apply(spec: Mapping[str, Any], ops: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``spec`` with the operations applied (a new document)."""
    return jsonpatch.apply_patch(dict(spec), list(ops))


def merge_workspaces(specs: Sequence[Mapping[str, Any]], *, poi: str, name: str = "fitkit") -> dict[str, Any]:
    """One workspace with the channels and observations of all ``specs`` and one measurement.

    Channel names must be distinct; the measurement's parameter settings are merged (the first
    spec's wins for a parameter set twice).
    """
    channels: list[Any] = []
    observations: list[Any] = []
    params: dict[str, Any] = {}
    for spec in specs:
        for ch in spec["channels"]:
            if any(c["name"] == ch["name"] for c in channels):
                raise InputError(f"channel {ch['name']!r} appears in two exported terms", field="channels")
            channels.append(copy.deepcopy(ch))
        observations.extend(copy.deepcopy(o) for o in spec["observations"])
        for p in spec["measurements"][0]["config"].get("parameters", []):
            params.setdefault(p["name"], copy.deepcopy(p))
    return {
        "channels": channels,
        "observations": observations,
        "measurements": [{"name": name, "config": {"poi": poi, "parameters": list(params.values())}}],
        "version": "1.0.0",
    }
