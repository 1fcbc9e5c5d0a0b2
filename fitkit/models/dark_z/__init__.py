"""Dark photon / dark Z (Z_D) model of 002 (001 is its short version).

Modules: :mod:`.couplings` (app. B, eqs. (B.1)-(B.12)), :mod:`.wilson` (eqs. (2.9)-(2.12)),
:mod:`.widths` and :mod:`.hadrons` (eqs. (2.15)-(2.17)), :mod:`.g_minus_2` (eqs. (6.1)-(6.3)),
:mod:`.model` (Cases A, B, C of sec. 3). The registry (:func:`fitkit.models.get_model`) finds
``MODELS`` here.

Example:
    >>> sorted(MODELS)
    ['darkz-A', 'darkz-B', 'darkz-C']
"""

from fitkit.models.dark_z.model import MODELS, DarkZModel

__all__ = ["MODELS", "DarkZModel"]
