"""Low-energy constraints on the dark Z (Z_D) of 002 section 4, one module per observable.

Every constraint is a :class:`~fitkit.constraints.base.Constraint`: a vectorised prediction from
parameter points (``M_ZD`` [GeV], ``eps``, ``eps_Z``, ``g_mu``) and a case (``"A"``, ``"B"``,
``"C"``), the measurement or limit, the confidence level at which each point is excluded, and a
chi^2 usable as an iminuit cost (:meth:`~fitkit.constraints.base.Constraint.cost`).

``CONSTRAINTS`` maps the names used by ``fitkit constraints --json`` to instances:

=================  ==========================================  ============================
name               observable                                  002 equations
=================  ==========================================  ============================
bs_mixing          Δ_mix of B_s mixing                         (4.1)-(4.6)
bs_mumu            B(B_s -> μμ) with δC10                      (4.7)-(4.9)
b_knunu            B -> K(*) Z_D(-> νν̄)                        (4.10)-(4.18)
k_pinunu           K -> π Z_D(-> νν̄), NA62 / KOTO              (4.19)-(4.22)
delta_mk           ΔM_K^NP                                     (4.23)-(4.25)
k_munu_x           K+ -> μ+ ν Z_D(-> νν̄), NA62                 (4.26)-(4.31)
k_munu_ee          K+ -> μ+ ν Z_D(-> e+e-)                     (4.26)-(4.30), (4.32)
pi_munu_x          π+ -> μ+ ν Z_D(-> νν̄), PIENU                sec. 4.6
apv                Q_W(p), Q_W(Cs)                             (4.33)-(4.38)
trident            ν_μ N -> ν_μ N μμ, CCFR                     (4.39)
cevns              CEνNS, COHERENT CsI                         sec. 4.8
w_width            Γ(W -> μ ν Z_D)                             (4.40)-(4.42), (5.4)
lhcb_darkphoton    LHCb prompt A' -> μμ                        sec. 4.9
g_minus_2          Δa_μ                                        (6.1)-(6.3)
=================  ==========================================  ============================

Example:
    >>> sorted(CONSTRAINTS)[:3]
    ['apv', 'b_knunu', 'bs_mixing']
    >>> pts = {"M_ZD": [0.0103], "eps": [1e-4], "eps_Z": [1e-5], "g_mu": [0.28]}
    >>> bool(CONSTRAINTS["w_width"].excluded(pts, case="B")[0])
    True
"""

from __future__ import annotations

from fitkit.constraints.apv import APV
from fitkit.constraints.b_knunu import BKNuNu
from fitkit.constraints.base import CASE_DEFAULTS, PARAMETERS, Case, Constraint, ConstraintCost
from fitkit.constraints.bs_mixing import BsMixing
from fitkit.constraints.bs_mumu import BsMuMu
from fitkit.constraints.cevns import CEvNS
from fitkit.constraints.delta_mk import DeltaMK
from fitkit.constraints.g_minus_2 import GMinus2
from fitkit.constraints.k_munu_x import KMuNuEE, KMuNuX
from fitkit.constraints.k_pinunu import KPiNuNu
from fitkit.constraints.lhcb_darkphoton import LHCbDarkPhoton
from fitkit.constraints.pi_munu_x import PiMuNuX
from fitkit.constraints.trident import Trident
from fitkit.constraints.w_width import WWidth

__all__ = ["CONSTRAINTS", "CASE_DEFAULTS", "PARAMETERS", "Case", "Constraint", "ConstraintCost", "evaluate"]

#: The constraints by name, in the order of 002 section 4.
CONSTRAINTS: dict[str, Constraint] = {
    c.name: c
    for c in (
        BsMixing(),
        BsMuMu(),
        BKNuNu(),
        KPiNuNu(),
        DeltaMK(),
        KMuNuX(),
        KMuNuEE(),
        PiMuNuX(),
        APV(),
        Trident(),
        CEvNS(),
        WWidth(mode="total"),
        LHCbDarkPhoton(),
        GMinus2(),
    )
}


def evaluate(point: dict[str, float], case: Case = "A", names: list[str] | None = None) -> list[dict]:
    """The JSON rows of ``fitkit constraints`` (:meth:`Constraint.row`) at one point.

    Example:
        >>> rows = evaluate({"M_ZD": 0.0302, "eps": 1e-4, "eps_Z": 1e-4, "g_mu": 0.033}, "C", ["g_minus_2"])
        >>> rows[0]["name"], rows[0]["excluded"]
        ('g_minus_2', True)
    """
    return [CONSTRAINTS[n].row(point, case) for n in (names or list(CONSTRAINTS))]
