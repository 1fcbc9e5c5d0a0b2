"""q^2-dependent Wilson coefficients C9 and C10 from Z_D exchange, 002 eqs. (2.9)-(2.12).

Normalisation (not printed in 002). Exchanging a Z_D of mass M and width Γ between the
flavour-changing vertex L ⊃ h(q^2) (s̄ γ^μ P_L b) Z_Dμ (see
:func:`~fitkit.models.dark_z.couplings.monopole_vertex`) and the lepton vertex
L ⊃ Z_Dα ℓ̄ γ^α (v + a γ5) ℓ gives, at tree level, L_eff = h (s̄ γ^μ P_L b)(ℓ̄ γ_μ (v + a γ5) ℓ)
/ (q^2 - M^2 + i M Γ). Matching onto 002 eq. (2.9),
H_eff = -N Σ C_i O_i with N = (4 G_F/√2)(e^2/16π^2) V_tb V_ts^*, O_9 = (s̄ γ^μ P_L b)(ℓ̄ γ_μ ℓ),
O_10 = (s̄ γ^μ P_L b)(ℓ̄ γ_μ γ5 ℓ), gives

    C9,ℓ(q^2)  = h(q^2) v_ℓ / [N (q^2 - M^2 + i M Γ)],                         (2.10)
    C10,ℓ(q^2) = h(q^2) a_ℓ / [N (q^2 - M^2 + i M Γ)],     C9' = C10' = 0,     (2.11)-(2.12)

i.e. the printed (2.10)-(2.11) (E x propagator x lepton coupling, in GeV^-2) divided by N
(GeV^-2): the WCs are dimensionless. Checks (tests/models/dark_z/test_wilson.py): with eps = 1
and M -> 0 the photon-like part gives C9 = -[D_0(x_t) - D_0(x_c)]-type photon penguin of the SM
(-D_0 in BBL); with eps_Z = 1, M = M_Z, q^2 -> 0 it gives C10 = -C_0(x_t)/s_W^2, the SM
Z-penguin part of C10 = -Y_0/s_W^2 (times the tree-level relation r_tree = 0.975 between G_F
and the scheme's alpha, see :mod:`~fitkit.models.dark_z.couplings`); for M^2 >> q^2 the WCs
tend to q^2-independent constants. One alpha (alpha_e(mu_b)) everywhere: vertices, lepton
couplings and N.

``convention="printed"`` evaluates eqs. (2.10)-(2.11) literally instead, with the appendix-B
couplings as printed and the lepton factors (e eps + g/c_W eps_Z g_V^ℓ + g_D) and
g/c_W eps_Z g_A^ℓ (g_V^ℓ = (-1 + 4 s_W^2)/2, g_A^ℓ = -1/2), divided by N. It differs from the
physical convention by the sign of the eps_Z-eps_Z and eps-eps terms and a factor 2 in the Z-type
lepton couplings; it is kept to quantify what the paper's printed formulas imply.

Example:
    >>> C9, C10 = wilson_coefficients(2.0, M_ZD=0.03, Gamma_ZD=0.0, eps=1e-4, eps_Z=1e-4, g_direct=0.033)
    >>> round(float(C9.real), 3), abs(float(C10.real)) < 1e-3
    (0.243, True)
"""

from __future__ import annotations

import math
from functools import cache
from typing import Literal

import numpy as np

from fitkit import constants as K
from fitkit.models.dark_z.couplings import (
    ALPHA_DARKZ,
    Transition,
    ckm_lambdas,
    lepton_couplings,
    monopole_vertex,
    penguin_couplings,
)
from fitkit.models.dark_z.inputs import electroweak

__all__ = ["Convention", "normalisation", "propagator", "wilson_coefficients"]

Convention = Literal["physical", "printed"]


@cache  # a constant of the scheme, needed at every evaluation of the coefficients
def normalisation(transition: Transition = "bs", *, alpha: float = ALPHA_DARKZ) -> complex:
    """N = (4 G_F/√2)(e^2/16π^2) λ_t of 002 eq. (2.9), in GeV^-2 (λ_t = V_tb V_ts^* for b -> s).

    ``alpha`` is the coupling of the effective Hamiltonian: alpha_e(mu_b) of the theory layer
    (:data:`~fitkit.models.dark_z.couplings.ALPHA_DARKZ`), the same e as in the couplings.

    Example:
        >>> f"{abs(normalisation()):.3e}"
        '8.160e-10'
    """
    lam_t = ckm_lambdas(transition)[2]
    return complex(4.0 * K.G_F / math.sqrt(2.0) * alpha / (4.0 * math.pi) * lam_t)


def propagator(q2: np.ndarray | float, M_ZD: np.ndarray | float, Gamma_ZD: np.ndarray | float) -> np.ndarray:
    """1 / (q^2 - M^2 + i M Γ) in GeV^-2, 002 eqs. (2.10)-(2.11)."""
    M = np.asarray(M_ZD, dtype=float)
    return 1.0 / (np.asarray(q2, dtype=float) - M**2 + 1j * M * np.asarray(Gamma_ZD, dtype=float))


def wilson_coefficients(
    q2: np.ndarray | float,
    *,
    M_ZD: np.ndarray | float,
    Gamma_ZD: np.ndarray | float,
    eps: np.ndarray | float,
    eps_Z: np.ndarray | float,
    g_direct: np.ndarray | float = 0.0,
    transition: Transition = "bs",
    convention: Convention = "physical",
    alpha: float = ALPHA_DARKZ,
) -> tuple[np.ndarray, np.ndarray]:
    """NP shifts (δC9,ℓ(q^2), δC10,ℓ(q^2)) of one charged lepton, complex, 002 eqs. (2.10)-(2.12).

    Args:
        q2: dilepton mass squared in GeV^2.
        M_ZD, Gamma_ZD: Z_D mass and total width in GeV.
        eps, eps_Z: kinetic and mass mixing.
        g_direct: direct vector coupling g_D^ℓ of the lepton, eqs. (3.1)-(3.2).
        transition: ``"bs"``, ``"bd"`` or ``"sd"``.
        convention: ``"physical"`` (default, module docstring) or ``"printed"``.
        alpha: the one electromagnetic coupling of the scheme (docs/conventions.md): e of the
            Z_D vertices and lepton couplings and e^2 of the normalisation (2.9).

    All array arguments broadcast: pass parameters as ``(n_points, 1)`` and q2 as ``(n_nodes,)``
    to get ``(n_points, n_nodes)``.
    """
    N = normalisation(transition, alpha=alpha)
    prop = propagator(q2, M_ZD, Gamma_ZD)
    if convention == "physical":
        h = monopole_vertex(q2, eps, eps_Z, transition=transition, alpha=alpha)
        v, a = lepton_couplings(eps, eps_Z, g_direct, alpha=alpha)
    elif convention == "printed":
        c = penguin_couplings(eps, eps_Z, transition=transition, alpha=alpha)
        q2a = np.asarray(q2, dtype=float)
        h = c.E0Z_L + (c.E2A_L + c.E2Z_L) * q2a
        e, g, s, cw = electroweak(alpha)
        gV, gA = (-1.0 + 4.0 * s**2) / 2.0, -0.5
        ez = np.asarray(eps_Z, dtype=float)
        v = e * np.asarray(eps, dtype=float) + g / cw * ez * gV + np.asarray(g_direct, dtype=float)
        a = g / cw * ez * gA
    else:
        raise ValueError(f"unknown convention {convention!r}; use 'physical' or 'printed'")
    common = h * prop / N
    return common * v, common * a
