"""Dark photon / dark Z (Z_D) model of 002 (001 is its short version).

Modules: :mod:`.couplings` (app. B, eqs. (B.1)-(B.12)), :mod:`.wilson` (eqs. (2.9)-(2.12)),
:mod:`.widths` and :mod:`.hadrons` (eqs. (2.15)-(2.17)), :mod:`.g_minus_2` (eqs. (6.1)-(6.3)),
:mod:`.model` (Cases A, B, C of sec. 3). The registry (:func:`fitkit.models.get_model`) finds
``MODELS`` here.

The names below are the model's declared interface for the layers that need its physics
beyond :class:`fitkit.models.base.Model` — the low-energy constraints of 002 sec. 4
(:mod:`fitkit.constraints`) import only these, never a submodule (a test checks it):

- couplings: :func:`monopole_vertex` (b -> s Z_D vertex h(q^2), eqs. (2.6), (B.3), (B.7)),
  :func:`penguin_couplings`, :func:`ckm_lambdas`, :func:`lepton_couplings` (eqs. (2.2)-(2.5));
- :func:`wilson_coefficients` (eqs. (2.9)-(2.12)), :func:`widths` (Z_D partial widths,
  eqs. (2.15)-(2.17)), :func:`delta_a_mu` (eqs. (6.1)-(6.3)), :func:`tuned_electron_coupling`;
- inputs: :func:`electroweak`, :func:`load_inputs`, :func:`paper_best_fits` (002's best fits,
  ``data/theory/darkz_paper002_best_fits.yaml``).

Example:
    >>> sorted(MODELS)
    ['darkz-A', 'darkz-B', 'darkz-C']
"""

from fitkit.models.dark_z.couplings import (
    ckm_lambdas,
    lepton_couplings,
    monopole_vertex,
    penguin_couplings,
)
from fitkit.models.dark_z.g_minus_2 import delta_a_mu
from fitkit.models.dark_z.inputs import electroweak, load_inputs, paper_best_fits
from fitkit.models.dark_z.model import MODELS, DarkZModel, tuned_electron_coupling
from fitkit.models.dark_z.widths import widths
from fitkit.models.dark_z.wilson import wilson_coefficients

__all__ = [
    "MODELS",
    "DarkZModel",
    "ckm_lambdas",
    "delta_a_mu",
    "electroweak",
    "lepton_couplings",
    "load_inputs",
    "monopole_vertex",
    "paper_best_fits",
    "penguin_couplings",
    "tuned_electron_coupling",
    "widths",
    "wilson_coefficients",
]
