"""The low-energy constraints as a fit term."""

import pytest
from iminuit import Minuit

from fitkit.constraints.terms import build_constraints_term
from fitkit.errors import InputError
from fitkit.models import get_model


def test_case_a_term_fixes_g_mu_and_fits():
    cost = build_constraints_term({"constraints": ["apv", "bs_mixing"]}, get_model("darkz-A"))
    assert set(cost._parameters) == {"M_ZD", "eps", "eps_Z"}
    m = Minuit(cost, M_ZD=0.05, eps=1e-5, eps_Z=1e-4)
    m.fixed["M_ZD"] = True
    m.fixed["eps"] = True
    m.limits["eps_Z"] = (0.0, 1e-2)
    m.migrad()
    # the minimum sits at small eps_Z: the Cs pull of the SM (-0.98) is not made worse
    assert m.valid and m.values["eps_Z"] < 1e-4 and m.fval < 1.5


def test_unknown_constraint_and_model():
    with pytest.raises(InputError, match="unknown constraints"):
        build_constraints_term({"constraints": ["nope"]}, get_model("darkz-B"))
    with pytest.raises(InputError, match="darkz"):
        build_constraints_term({}, get_model("sm"))
