"""Reinterpretation of a published HistFactory workspace from YAML alone: term type ``reinterpretation``.

"My model's signal, folded through the published efficiency maps, as a sample of the published
workspace." Everything experiment-specific is data (a YAML file beside the workspace, or the
term's own fields in a fit definition; reference in ``docs/reinterpretation.md``):

- ``workspace``: the pyhf JSON (a registered ``<data set>/<file>``, sha256-verified, or a path
  relative to the YAML), read and validated through pyhf;
- ``generated``: the generated-kinematics axes of the maps (edges, units, physical range);
- ``channels``: per channel the SM signal ``sample``, the ``map`` file (number densities or
  efficiencies, one row per reconstructed bin, one column per generated bin, flattened C-order)
  and the ``reconstructed`` structure of the channel's bins (e.g. BDT x q^2_rec, last axis
  fastest); the maps are held as ``hist`` histograms (:attr:`Reinterpretation.maps`);
- ``normalisation``: ``number-density`` (SM BR behind the map and the SM spectrum that generated
  it: eps_it = N_it / (BR_SM w_t), :func:`fitkit.likelihood.efficiency_maps.efficiencies`) or
  ``efficiency`` (the map is eps_it: expected events per unit branching ratio);
- ``signal``: ``clone`` the SM sample (a new sample sharing its systematic modifiers, with its
  own normalisation) or ``replace`` its nominal by the model's yields;
- ``sm_signal``: with a clone, the SM signal's strength parameter and its theory constraint
  (mu ~ N(centre, br_error / BR_SM)); a model with only that parameter gets the plain fit;
- ``spectrum``: the model method supplying the generated spectrum
  (:class:`fitkit.models.base.BinnedSpectrum`);
- ``line_resolution``: the Gaussian-line treatment (003 appendix): a line on a generated axis
  smeared in the reconstructed axis that ``measures`` it.

The model's new-physics yields are nu_i = sum_t eps_it B_t (events; B_t the branching ratio
generated in bin t), injected through the compiled evaluator
(:class:`fitkit.likelihood.histfactory.CompiledWorkspace`, equal to pyhf's logpdf; tests) and
exported as a pyhf patch (:meth:`ReinterpretationTerm.pyhf_workspace`). Every field is
validated before any computation; a bad one is an :class:`InputError` naming the file, the
entry (channel) and the field.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import hist
import numpy as np

from fitkit.data.catalog import read_yaml
from fitkit.errors import InputError
from fitkit.likelihood.efficiency_maps import (
    efficiencies,
    line_efficiencies,
    map_histogram,
    physical_mask,
    read_map_csv,
    resolution_number_density,
)
from fitkit.likelihood.histfactory import CompiledWorkspace, WorkspaceCost
from fitkit.likelihood.reinterpret_config import (
    DEFAULT_NORMFACTOR,
    DEFAULT_SAMPLE,
    ChannelMap,
    ConfigSource,
    ReinterpretationConfig,
    edges_of,
    load_config,
    resolve_file,
)
from fitkit.likelihood.sm_spectra import SM_SPECTRA
from fitkit.likelihood.workspace import load_workspace
from fitkit.models.base import BinnedSpectrum, spectrum_hook

__all__ = [
    "ReinterpretationConfig",
    "Reinterpretation",
    "ReinterpretationTerm",
    "ConfigSource",
    "load_config",
    "resolve_file",
    "reinterpretation",
    "term_for",
    "build_term",
    "TERMS",
    "DEFAULT_SAMPLE",
    "DEFAULT_NORMFACTOR",
]

# ---------------------------------------------------------------------------------------------- likelihood
def _reco_axes(ch: ChannelMap, n_bins: int) -> list[tuple[str, np.ndarray | int]]:
    if not ch.reconstructed:
        return [("bin", n_bins)]
    return [(a.name, a.bins if a.bins is not None else edges_of(a.edges or [])) for a in ch.reconstructed]


class Reinterpretation:
    """A published workspace with the model's signal injected through efficiency maps (module docstring).

    Args:
        config: the validated YAML.
        source: where it came from (errors, relative paths).
        workspace: a workspace (pyhf JSON as a dict) used instead of ``config.workspace``.
        derived_maps: build the number densities from the SM sample's yields with the
            ``line_resolution`` model (:func:`fitkit.likelihood.efficiency_maps.resolution_number_density`)
            instead of reading the map files: an approximation for a workspace without maps.

    Attributes: ``workspace`` (compiled, with the new-physics sample), ``published`` (the
    workspace as read), ``maps`` (per channel a ``hist.Hist``: reconstructed axes x generated
    axes), ``eps`` (n_cells, n_generated): expected events per unit BR generated in each bin,
    ``sm_yield`` (n_cells,): the maps' SM yields (number densities summed over generated bins),
    ``channel_of_cell``, ``norm_parameter`` (the signal's normalisation), ``np_sample``.
    """

    def __init__(self, config: ReinterpretationConfig, source: ConfigSource, *, workspace: Mapping[str, Any] | None = None, derived_maps: bool = False) -> None:
        self.config = config
        self.source = source
        pre = source.prefix
        if workspace is None:
            path = resolve_file(config.workspace, source, field="workspace")
            spec: Mapping[str, Any] = load_workspace(path)
        else:
            spec = workspace
        self.published: dict[str, Any] = dict(spec)
        measurements = [m["name"] for m in self.published["measurements"]]
        if config.measurement is not None and config.measurement not in measurements:
            raise InputError(f"no measurement {config.measurement!r} in the workspace ({', '.join(measurements)})", file=source.file, field=pre + "measurement")
        cw = CompiledWorkspace(spec, measurement=config.measurement)
        self.generated_edges: list[np.ndarray] = [edges_of(a.edges) for a in config.generated]
        self.generated_shape = tuple(e.size - 1 for e in self.generated_edges)
        self._check_channels(cw)
        sig = config.signal
        if sig.mode == "clone":
            for parent in sorted({c.sample for c in config.channels}):
                cw.add_clone(parent, sig.name, normfactor=sig.normfactor)
            self.np_sample = sig.name
        else:
            self.np_sample = config.channels[0].sample
        self.norm_parameter = sig.normfactor
        self.workspace = cw

        norm = config.normalisation
        gen_axes = [(a.name, e) for a, e in zip(config.generated, self.generated_edges, strict=True)]
        frac = SM_SPECTRA[norm.sm_spectrum](self.generated_edges) if norm.sm_spectrum else None
        if frac is not None:
            frac = np.asarray(frac, float).reshape(self.generated_shape)
        physical = physical_mask(self.generated_edges, [a.physical for a in config.generated])
        by_name = {c.name: (i, c) for i, c in enumerate(config.channels)}
        self.maps: dict[str, hist.Hist] = {}
        rows, yields = [], []
        self.channel_of_cell: list[str] = []
        self._reco: list[tuple[tuple[int, ...], tuple[int, np.ndarray] | None]] = []
        for name in cw.channels:  # the workspace's (sorted) channel order
            if name not in by_name:
                continue
            i, ch = by_name[name]
            sl = cw.channel_slices[name]
            nb = sl.stop - sl.start
            reco = _reco_axes(ch, nb)
            measured = self._measured(ch)
            if derived_maps:
                cells = self._parent_cells(cw, name, ch.sample)
                nmap = self._derived(cw.nominal[cells], reco, measured, frac)
            else:
                if ch.map is None:
                    raise InputError("required field is missing", file=source.file, entry=name, field=f"{pre}channels[{i}].map")
                mpath = resolve_file(ch.map, source, entry=name, field=f"channels[{i}].map")
                nmap = read_map_csv(mpath, file=source.file, entry=name, field=f"{pre}channels[{i}].map")
            expected = (nb, math.prod(self.generated_shape))
            if nmap.shape != expected:
                raise InputError(
                    f"map has {nmap.shape[0]} x {nmap.shape[1]} numbers; the channel has {nb} bins and the generated axes "
                    f"{' x '.join(map(str, self.generated_shape))} bins", file=source.file, entry=name, field=f"{pre}channels[{i}].map",
                )
            self.maps[name] = map_histogram(nmap, reco, gen_axes, label=f"{name}: {norm.kind}")
            if norm.kind == "number-density":
                assert frac is not None and norm.sm_br is not None
                eps = efficiencies(nmap, frac, norm.sm_br, min_sm_fraction=norm.min_sm_fraction, physical=physical)
                sm = nmap.sum(axis=1)
            else:
                eps = np.where(physical.ravel()[None, :], nmap, 0.0)
                sm = None
            rows.append(eps)
            yields.append(sm if sm is not None else np.full(nb, np.nan))
            self.channel_of_cell += [name] * nb
            self._reco.append((tuple(r if isinstance(r, int) else r.size - 1 for _, r in reco), measured[:2] if measured else None))
        self.eps = np.concatenate(rows)
        self.sm_yield = np.concatenate(yields)

    # ------------------------------------------------------------------ set-up checks
    def _check_channels(self, cw: CompiledWorkspace) -> None:
        """Every configured channel and sample exists; a clone covers every channel with its parent."""
        src, pre, cfg = self.source, self.source.prefix, self.config
        seen: set[str] = set()
        for i, ch in enumerate(cfg.channels):
            if ch.name in seen:
                raise InputError("channel listed twice", file=src.file, entry=ch.name, field=f"{pre}channels[{i}].name")
            seen.add(ch.name)
            if ch.name not in cw.channels:
                raise InputError(f"no channel of that name in the workspace ({', '.join(cw.channels)})", file=src.file, entry=ch.name, field=f"{pre}channels[{i}].name")
            samples = [s for c, s in cw.samples if c == ch.name]
            if ch.sample not in samples:
                raise InputError(f"channel has no sample {ch.sample!r} ({', '.join(samples)})", file=src.file, entry=ch.name, field=f"{pre}channels[{i}].sample")
            sl = cw.channel_slices[ch.name]
            if ch.reconstructed:
                n = math.prod(a.size() for a in ch.reconstructed)
                if n != sl.stop - sl.start:
                    raise InputError(f"reconstructed axes make {n} bins, the channel has {sl.stop - sl.start}", file=src.file, entry=ch.name, field=f"{pre}channels[{i}].reconstructed")
            for k, a in enumerate(ch.reconstructed):
                if a.measures is not None and a.measures not in [g.name for g in cfg.generated]:
                    raise InputError(f"measures {a.measures!r}, not a generated axis", file=src.file, entry=ch.name, field=f"{pre}channels[{i}].reconstructed[{k}].measures")
            if sum(a.measures is not None for a in ch.reconstructed) > 1:
                raise InputError("at most one reconstructed axis may measure a generated axis", file=src.file, entry=ch.name, field=f"{pre}channels[{i}].reconstructed")
        params = set(cw.parameters)
        sig = cfg.signal
        if sig.mode == "clone":
            if sig.normfactor in params:
                raise InputError(f"{sig.normfactor!r} is already a parameter of the workspace; name the clone's normalisation otherwise", file=src.file, field=f"{pre}signal.normfactor")
            if any(s == sig.name for _, s in cw.samples):
                raise InputError(f"the workspace already has a sample {sig.name!r}", file=src.file, field=f"{pre}signal.name")
            for parent in {c.sample for c in cfg.channels}:
                missing = sorted({c for c, s in cw.samples if s == parent} - seen)
                if missing:
                    raise InputError(f"channel {missing[0]!r} also has sample {parent!r}: list it (a clone is added wherever its parent is)", file=src.file, field=f"{pre}channels")
        else:
            if len({c.sample for c in cfg.channels}) != 1:
                raise InputError("signal.mode replace: every channel must name the same sample", file=src.file, field=f"{pre}channels")
            for ch in cfg.channels:
                mods = {(m["name"], m["type"]) for c in self.published["channels"] if c["name"] == ch.name for s in c["samples"] if s["name"] == ch.sample for m in s["modifiers"]}
                if (sig.normfactor, "normfactor") not in mods:
                    raise InputError(f"signal.mode replace: sample {ch.sample!r} has no normfactor {sig.normfactor!r}", file=src.file, entry=ch.name, field=f"{pre}signal.normfactor")
        if cfg.sm_signal is not None:
            if cfg.sm_signal.parameter not in params:
                raise InputError(f"no parameter {cfg.sm_signal.parameter!r} in the workspace", file=src.file, field=f"{pre}sm_signal.parameter")
            if cfg.normalisation.sm_br is None:
                raise InputError("sm_signal needs normalisation.sm_br (its constraint is br_error / sm_br)", file=src.file, field=f"{pre}normalisation.sm_br")
        if cfg.line_resolution is not None and cfg.normalisation.kind != "number-density":
            raise InputError("line_resolution needs number-density maps (it spreads the SM efficiency)", file=src.file, field=f"{pre}line_resolution")

    def _measured(self, ch: ChannelMap) -> tuple[int, np.ndarray, np.ndarray] | None:
        """(reconstructed axis index, its edges, the generated bin centres on the measured axis, grid-shaped) or None."""
        for k, a in enumerate(ch.reconstructed):
            if a.measures is not None:
                g = [ax.name for ax in self.config.generated].index(a.measures)
                e = self.generated_edges[g]
                centres = 0.5 * (e[:-1] + e[1:])
                shape = [1] * len(self.generated_shape)
                shape[g] = centres.size
                grid = np.broadcast_to(centres.reshape(shape), self.generated_shape)
                return k, edges_of(a.edges or []), grid
        return None

    @staticmethod
    def _parent_cells(cw: CompiledWorkspace, channel: str, sample: str) -> np.ndarray:
        return np.flatnonzero(cw.cell_sample == cw.samples.index((channel, sample)))

    def _derived(self, sm_yield: np.ndarray, reco: list[tuple[str, np.ndarray | int]], measured: Any, frac: np.ndarray | None) -> np.ndarray:
        """Number densities from the SM sample's yields and ``line_resolution`` (no map file)."""
        cfg, src = self.config, self.source
        if frac is None or cfg.line_resolution is None:
            raise InputError("maps derived from the SM yields need number-density normalisation and line_resolution", file=src.file, field=f"{src.prefix}line_resolution")
        shape = tuple(r if isinstance(r, int) else r.size - 1 for _, r in reco)
        return resolution_number_density(sm_yield, shape, frac, measured=measured, sigma=cfg.line_resolution.sigma)

    # ------------------------------------------------------------------ signal templates
    def fold(self, br_generated: np.ndarray) -> np.ndarray:
        """Yields nu_i = sum_t eps_it B_t (events) per cell, (n_points, n_cells), from B (n_points, *generated shape) or flat."""
        return np.asarray(br_generated, float).reshape(-1, self.eps.shape[1]) @ self.eps.T

    def model_yields(self, hook: Callable[..., np.ndarray], params: Mapping[str, np.ndarray]) -> np.ndarray:
        """The model's yields per cell, (n_points, n_cells): its spectrum (a :class:`BinnedSpectrum`) in the generated bins, folded."""
        return self.fold(np.asarray(hook(params, *self.generated_edges), float))

    def line_yields(self, positions: np.ndarray, sigma: float | None = None) -> np.ndarray:
        """003's Gaussian-line treatment: yields per unit BR of a line at ``positions`` (generated-axis unit), (n, n_cells).

        Per channel: the SM efficiency of each bin (the map's SM yield / BR_SM) summed over the
        reconstructed axis that measures the line's variable, times the fraction of a Gaussian
        (width ``sigma``, default ``line_resolution.sigma``) in each of its bins; channels without
        such an axis keep their SM efficiency.
        """
        cfg = self.config
        if cfg.line_resolution is None or cfg.normalisation.sm_br is None:
            raise InputError("no line_resolution in the reinterpretation", file=self.source.file, field=f"{self.source.prefix}line_resolution")
        s = cfg.line_resolution.sigma if sigma is None else sigma
        x = np.atleast_1d(np.asarray(positions, float))
        out = np.zeros((x.size, self.eps.shape[0]))
        start = 0
        for reco_shape, measured in self._reco:
            nb = math.prod(reco_shape)
            y = self.sm_yield[start : start + nb] / cfg.normalisation.sm_br
            out[:, start : start + nb] = line_efficiencies(x, y, reco_shape, measured=measured, sigma=s)
            start += nb
        return out

    def yields_by_channel(self, yields: np.ndarray) -> dict[str, list[float]]:
        """NP yields per cell (:meth:`fold`) split into the channels that carry them."""
        out: dict[str, list[float]] = {}
        start = 0
        for ch in dict.fromkeys(self.channel_of_cell):
            nb = self.channel_of_cell.count(ch)
            out[ch] = [float(v) for v in yields[start : start + nb]]
            start += nb
        return out

    def parent_sample(self, channel: str) -> str:
        """The SM signal sample of ``channel`` (the one the NP sample copies or replaces)."""
        return next(c.sample for c in self.config.channels if c.name == channel)

    # ------------------------------------------------------------------ costs (minimised by fitkit.inference)
    def limits(self, br_max: float = 100.0) -> dict[str, tuple[float, float]]:
        """Bounds of the SM signal strength (YAML) and of the NP normalisation (+-br_max, template units)."""
        out: dict[str, tuple[float, float]] = {}
        if self.config.sm_signal is not None:
            lo, hi = self.config.sm_signal.bounds
            out[self.config.sm_signal.parameter] = (lo, hi)
        out[self.norm_parameter] = (-br_max, br_max)
        return out

    def sm_cost(self) -> WorkspaceCost:
        """-2 ln L without new physics (the NP sample empty; the SM signal strength free)."""
        return WorkspaceCost(self.workspace, nominal={self.np_sample: np.zeros(self.eps.shape[0])})

    def signal_cost(
        self,
        template: np.ndarray,
        *,
        data: np.ndarray | None = None,
        aux: np.ndarray | None = None,
        mu_centre: float | None = None,
        penalties: Sequence[tuple[float, float, float]] = (),
    ) -> WorkspaceCost:
        """-2 ln L with the NP sample ``template`` x ``norm_parameter``; the SM signal (clone) within its theory constraint.

        The SM strength is constrained to N(mu_centre, br_error / sm_br) (``mu_centre`` default:
        ``sm_signal.centre``); ``penalties``: Gaussian terms (mean, sigma below, sigma above) on the
        normalisation; ``data``/``aux`` replace the observation (toys).
        """
        pen: dict[str, Any] = {}
        sm = self.config.sm_signal
        if sm is not None:
            assert self.config.normalisation.sm_br is not None
            pen[sm.parameter] = (sm.centre if mu_centre is None else mu_centre, sm.br_error / self.config.normalisation.sm_br)
        if penalties:
            pen[self.norm_parameter] = list(penalties)
        return WorkspaceCost(self.workspace, nominal={self.np_sample: template}, data=data, aux=aux, penalties=pen or None)

    def patched_spec(self, yields: np.ndarray) -> dict[str, Any]:
        """The published workspace with ``yields`` (per cell) patched in as pyhf sees it (``fitkit export``).

        Clone: a sample sharing the SM signal's modifiers (:func:`fitkit.likelihood.export.signal_patch`)
        with the free POI ``mu_np`` (signal strength relative to ``yields``), the SM strength
        constrained (pyhf's ``lumi``). Replace: the sample's nominal replaced
        (:func:`fitkit.likelihood.export.replace_patch`), POI its normfactor.
        """
        from fitkit.likelihood.export import (
            apply,
            constrain_normfactor_patch,
            replace_patch,
            signal_patch,
        )

        spec = dict(self.published)
        by_channel = self.yields_by_channel(np.asarray(yields, float))
        ops: list[dict[str, Any]] = []
        if self.config.signal.mode == "clone":
            for parent in sorted({self.parent_sample(ch) for ch in by_channel}):
                mine = {ch: y for ch, y in by_channel.items() if self.parent_sample(ch) == parent}
                ops += signal_patch(spec, parent, mine, name=self.np_sample, normfactor="mu_np")
            poi = "mu_np"
        else:
            ops += replace_patch(spec, self.np_sample, by_channel)
            poi = self.norm_parameter
        spec = apply(spec, ops)
        sm = self.config.sm_signal
        if sm is not None:
            assert self.config.normalisation.sm_br is not None
            sigma = sm.br_error / self.config.normalisation.sm_br
            spec = apply(spec, constrain_normfactor_patch(spec, sm.parameter, sigma=sigma, centre=sm.centre, bounds=(sm.bounds[0], sm.bounds[1])))
        for meas in spec["measurements"]:
            meas["config"]["poi"] = poi
        return spec


@dataclass
class ReinterpretationTerm:
    """A reinterpretation as a fit term: the model's parameters exposed, the workspace's nuisances profiled.

    With the model's spectrum hook (``spectrum`` in the YAML) the exposed parameters are the
    model's and its folded signal is the NP sample at its absolute normalisation; a model with
    only the SM signal-strength parameter (e.g. ``knunu-mu``'s ``mu``) gets the plain fit of the
    workspace. A :class:`fitkit.inference.profile.Profilable` (wrapped in a ProfiledCost by the fit).
    """

    likelihood: Reinterpretation
    model: Any
    exposed: list[str]
    hook: BinnedSpectrum | None
    #: -2 ln L of Poisson counts, not against the saturated model: no ndof or p-value (fitkit.inference.fit).
    poisson: bool = field(default=True, init=False)

    def __post_init__(self) -> None:
        self.ndata = self.likelihood.workspace.n_bins

    def _yields(self, values: Mapping[str, float]) -> np.ndarray:
        assert self.hook is not None
        pts = {k: np.array([float(values[k])]) for k in self.exposed}
        return self.likelihood.model_yields(self.hook, pts)[0]

    def nuisance_cost(self, values: Mapping[str, float]) -> tuple[WorkspaceCost, dict[str, float], dict[str, tuple[float, float]]]:
        """The full cost at the model point ``values``, what is fixed and the bounds."""
        lk = self.likelihood
        if self.hook is None:
            sm = lk.config.sm_signal
            assert sm is not None
            return lk.sm_cost(), {sm.parameter: float(values[sm.parameter]), lk.norm_parameter: 0.0}, {sm.parameter: (sm.bounds[0], sm.bounds[1])}
        return lk.signal_cost(self._yields(values)), {lk.norm_parameter: 1.0}, lk.limits()

    def pyhf_workspace(self, values: Mapping[str, float]) -> dict[str, Any]:
        """This term at the model point ``values`` as a pyhf workspace (``fitkit export``).

        Without the spectrum hook: the published workspace. Otherwise
        :meth:`Reinterpretation.patched_spec` of the model's folded signal.
        """
        if self.hook is None:
            return dict(self.likelihood.published)
        return self.likelihood.patched_spec(self._yields(values))

    def extras(self, point: Mapping[str, float], profile: Callable[[Mapping[str, float]], float]) -> dict[str, Any]:
        """``significance_local``: sqrt(-2 Delta ln L) between ``point`` and the model's SM point (one POI, Wilks)."""
        params = {k: float(point[k]) for k in self.exposed}
        sm = {**params, **{k: v for k, v in self.model.sm_point().items() if k in params}}
        delta = profile(sm) - profile(params)
        return {"significance_local": float(np.sign(delta) * np.sqrt(abs(delta)))}


# ---------------------------------------------------------------------------------------------- term builder
def _stamp(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return str(path.resolve()), st.st_size, st.st_mtime_ns


@lru_cache(maxsize=4)
def _cached(stamps: tuple[tuple[str, int, int], ...], data_root: str | None) -> Reinterpretation:
    path = Path(stamps[0][0])
    source = ConfigSource(file=str(path), base=path.parent, data_root=Path(data_root) if data_root else None)
    return Reinterpretation(load_config(read_yaml(path), source), source)


def reinterpretation(path: str | Path, *, data_root: Path | None = None) -> Reinterpretation:
    """The reinterpretation described by a YAML file (cached while it and the files it names are unchanged).

    The files it names are verified (sha256 for registered ones) on every call, so each result
    records them in its provenance.
    """
    path = Path(path)
    source = ConfigSource(file=str(path), base=path.parent, data_root=data_root)
    cfg = load_config(read_yaml(path), source)
    files = [path, resolve_file(cfg.workspace, source, field="workspace")]
    for i, ch in enumerate(cfg.channels):
        if ch.map is not None:
            files.append(resolve_file(ch.map, source, entry=ch.name, field=f"channels[{i}].map"))
    return _cached(tuple(_stamp(f) for f in files), None if data_root is None else str(data_root))


def term_for(lk: Reinterpretation, model: Any, *, file: str | None) -> ReinterpretationTerm:
    """The fit term of ``lk`` for ``model``: its spectrum hook, else its SM signal-strength parameter."""
    hook = spectrum_hook(model, lk.config.spectrum)
    if hook is not None:
        return ReinterpretationTerm(lk, model, list(model.parameters), hook)
    sm = lk.config.sm_signal
    if sm is not None and sm.parameter in getattr(model, "parameters", {}):
        return ReinterpretationTerm(lk, model, [sm.parameter], None)
    wanted = f"a method {lk.config.spectrum!r}" + (f" or a parameter {sm.parameter!r}" if sm is not None else "")
    raise InputError(f"model {getattr(model, 'name', model)!r} has neither {wanted}", file=file, field="model")


def build_term(spec: Mapping[str, Any], model: Any, *, context: Any) -> ReinterpretationTerm:
    """Term builder ``type: reinterpretation``: ``config: <registered data set>/<file> | path`` or the fields inline."""
    file = getattr(context, "file", None)
    data_root = getattr(context, "data_root", None)
    body = {k: v for k, v in spec.items() if k != "type"}
    if "config" in body:
        extra = sorted(set(body) - {"config"})
        if extra:
            raise InputError("with 'config' the term takes no other field (put it in the YAML)", file=file, field=f"terms.{extra[0]}")
        ref = body["config"]
        if not isinstance(ref, str) or not ref:
            raise InputError("config must be a file name", file=file, field="terms.config")
        base = Path(file).parent if file else Path(getattr(context, "root", Path.cwd()))
        path = resolve_file(ref, ConfigSource(file=file, base=base, data_root=data_root, prefix="terms."), field="config")
        lk = reinterpretation(path, data_root=data_root)
    else:
        base = Path(file).parent if file else Path(getattr(context, "root", Path.cwd()))
        source = ConfigSource(file=file, base=base, data_root=data_root, prefix="terms.")
        lk = Reinterpretation(load_config(body, source), source)
    return term_for(lk, model, file=file)


TERMS = {"reinterpretation": build_term}
