"""The Belle II B+ -> K+ nu nubar likelihood (arXiv:2311.14647): a configuration of the generic reinterpretation.

Everything Belle II-specific is data: ``data/hepdata/belle2_knunu_2023/reinterpretation.yaml``
(registered with the published workspace and number-density maps of HEPData record
10.17182/hepdata.166082 in ``data/registry.yaml``, data set :data:`DATASET`) names the channels,
the SM signal samples, the maps, the true-q^2 axis, the ITA's BDT x q^2_rec structure, BR_SM and
003's Gaussian-line resolution; :mod:`fitkit.likelihood.reinterpret` does the physics
(eps_it = N_it / (BR_SM w_t), nu_i = sum_t eps_it B_t). Fit definitions use
``{type: reinterpretation, config: belle2-knunu-2023/reinterpretation.yaml}``.

This module keeps what is not the reinterpretation: :class:`Belle2Knunu` (the reinterpretation
read from a folder, or offline on the simplified card with maps derived from its SM yields and
003's resolution model), the simplified card itself (:func:`simplified_spec`,
:func:`load_simplified`) and the term ``type: belle2-knunu`` (``likelihood: full | simplified``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from fitkit.constants import SM_BR_KNUNU
from fitkit.data.catalog import read_yaml
from fitkit.data.registry import data_file, dataset_dir
from fitkit.errors import InputError
from fitkit.likelihood.histfactory import CompiledWorkspace
from fitkit.likelihood.reinterpret import (
    DEFAULT_NORMFACTOR,
    DEFAULT_SAMPLE,
    ConfigSource,
    Reinterpretation,
    ReinterpretationTerm,
    load_config,
    term_for,
)
from fitkit.likelihood.workspace import validate_workspace

__all__ = [
    "BR_SM",
    "BR_SM_ERROR",
    "DATASET",
    "CONFIG_FILE",
    "Belle2Knunu",
    "NP_NORM",
    "NP_SAMPLE",
    "SIMPLIFIED_CARD",
    "simplified_spec",
    "load_simplified",
    "build_term",
    "TERMS",
]

#: SM BR(B+ -> K+ nu nubar) behind mu = 1 (HPQCD arXiv:2207.13371; 003 ref. [67]) and its error
#: (the same numbers as ``normalisation.sm_br`` and ``sm_signal.br_error`` of the YAML; a test checks).
BR_SM: float = SM_BR_KNUNU["K"]
BR_SM_ERROR: float = 0.37e-6

#: Name of the data set in ``data/registry.yaml`` (and of ``fitkit data pull``), and its reinterpretation YAML.
DATASET: str = "belle2-knunu-2023"
CONFIG_FILE: str = "reinterpretation.yaml"

NP_SAMPLE = DEFAULT_SAMPLE  # the new-physics sample (a clone of the SM signal)
NP_NORM = DEFAULT_NORMFACTOR  # its normalisation, in the unit its template is per


class Belle2Knunu(Reinterpretation):
    """The Belle II likelihood with an injectable new-physics sample (a :class:`Reinterpretation`).

    Args:
        directory: folder with ``reinterpretation.yaml``, the workspace and the maps (files in the
            registered folder are sha256-verified); None: the simplified card, its number
            densities derived from the card's SM yields with 003's resolution model
            (:func:`fitkit.likelihood.efficiency_maps.resolution_number_density`).
        simplified: the simplified card to use with ``directory=None`` (default: the shipped one).
    """

    def __init__(self, directory: str | Path | None, simplified: str | Path | None = None) -> None:
        if directory is None:
            from fitkit.data.catalog import default_data_dir, load_yields_card

            path = data_file(DATASET, CONFIG_FILE)
            card_path = Path(simplified) if simplified else default_data_dir() / SIMPLIFIED_CARD
            spec: Mapping[str, Any] | None = validate_workspace(simplified_spec(load_yields_card(card_path)), file=str(card_path))
        else:
            path = Path(directory) / CONFIG_FILE
            spec = None
        self.directory = None if directory is None else Path(directory)
        source = ConfigSource(file=str(path), base=path.parent)
        super().__init__(load_config(read_yaml(path), source), source, workspace=spec, derived_maps=directory is None)

    def gaussian_line_yields(self, m_x: np.ndarray, sigma: float | None = None) -> np.ndarray:
        """003's treatment: yields per unit BR of a line at q^2 = m_X^2 (m_X in GeV), Gaussian in q^2_rec (sigma in GeV^2; default the YAML's 1.5)."""
        return self.line_yields(np.atleast_1d(np.asarray(m_x, float)) ** 2, sigma)


#: The simplified card, relative to the data folder (derived by scripts/derive_belle2_knunu_simplified.py).
SIMPLIFIED_CARD: str = "bknunu/yields/belle2_2023_simplified.yaml"
#: Its card id (fits ask the catalog for the current card standing for it).
SIMPLIFIED_CARD_ID: str = "belle2_2023_knunu_simplified"


def simplified_spec(card: Mapping[str, Any]) -> dict[str, Any]:
    """A pyhf workspace from the simplified Belle II card (observed, yields, normsys, MC stat).

    Each channel gets the card's samples with their normalisation uncertainties (``normsys``,
    relative hi/lo), the signal the normfactor ``mu`` and one ``staterror`` per bin carrying the
    card's MC-statistical uncertainty. No shape systematics: the difference to the full
    likelihood measures their effect (see :func:`fitkit.reproduce.paper003.rows`).
    """
    channels, observations = [], []
    for ch in card["channels"]:
        samples = []
        for k, smp in enumerate(ch["samples"]):
            mods: list[dict[str, Any]] = [
                {"name": name, "type": "normsys", "data": {"hi": hl[0], "lo": hl[1]}} for name, hl in smp.get("normsys", {}).items()
            ]
            unc = ch["mcstat"] if k == 0 else [0.0] * len(ch["mcstat"])
            mods.append({"name": f"mcstat_{ch['name']}", "type": "staterror", "data": list(unc)})
            if smp.get("signal"):
                mods.append({"name": "mu", "type": "normfactor", "data": None})
            samples.append({"name": smp["name"], "data": list(smp["yields"]), "modifiers": mods})
        channels.append({"name": ch["name"], "samples": samples})
        observations.append({"name": ch["name"], "data": [float(v) for v in ch["observed"]]})
    return {
        "channels": channels,
        "observations": observations,
        "measurements": [{"name": "simplified", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0",
    }


def load_simplified(path: str | Path | None = None) -> CompiledWorkspace:
    """The simplified Belle II likelihood (offline default), compiled; ``path`` default: the card in data/."""
    from fitkit.data.catalog import default_data_dir, load_yields_card

    card_path = Path(path) if path else default_data_dir() / SIMPLIFIED_CARD
    card = load_yields_card(card_path)
    try:
        spec = simplified_spec(card)
    except (KeyError, TypeError) as exc:
        raise InputError(f"malformed simplified card: {exc}", file=str(card_path)) from None
    return CompiledWorkspace(validate_workspace(spec, file=str(card_path)))


@lru_cache(maxsize=2)
def _cached_likelihood(directory: str | None, simplified: str | None = None) -> Belle2Knunu:
    return Belle2Knunu(None if directory is None else Path(directory), simplified=simplified)


def build_term(spec: Mapping[str, Any], model: Any, *, context: Any) -> ReinterpretationTerm:
    """Term builder ``type: belle2-knunu``: the Belle II reinterpretation, ``likelihood: full | simplified``.

    ``full`` (default) is ``{type: reinterpretation, config: belle2-knunu-2023/reinterpretation.yaml}``
    (the published workspace and maps of :data:`DATASET`, sha256-verified); ``simplified`` the
    approximate card ``data/bknunu/yields/belle2_2023_simplified.yaml`` (shape systematics
    dropped, mu error 0.99 instead of 1.33; maps from 003's resolution model; only on request,
    never as a fallback).
    """
    file = getattr(context, "file", None)
    unknown = sorted(set(spec) - {"type", "likelihood"})
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(unknown)}; a belle2-knunu term takes 'likelihood'", file=file, field=f"terms.{unknown[0]}")
    mode = spec.get("likelihood", "full")
    if mode not in ("full", "simplified"):
        raise InputError(f"likelihood must be full or simplified, got {mode!r}", file=file, field="terms.likelihood")
    directory = None if mode == "simplified" else dataset_dir(DATASET, root=getattr(context, "data_root", None))
    # simplified: the current card standing for the shipped one (it follows `supersedes`)
    simplified = None if directory is not None else str(context.catalog.card_path(SIMPLIFIED_CARD_ID))
    lk = _cached_likelihood(None if directory is None else str(directory), simplified)
    return term_for(lk, model, file=file)


TERMS = {"belle2-knunu": build_term}
