"""m_X scans of a template: each mass a pure task (the same numbers serially and on Dask workers)."""

from __future__ import annotations

import numpy as np
import pytest

from fitkit.analyses.paper003.light_x import scan_light_x
from fitkit.execution import session
from fitkit.likelihood.belle2_knunu import Belle2Knunu


@pytest.mark.slow
def test_mass_scan_is_the_same_serially_and_on_one_or_two_workers():
    lk = Belle2Knunu(None)  # the simplified card: fast
    masses = np.linspace(0.5, 4.0, 6)
    runs = []
    calls: list[int] = []
    for workers in (None, 1, 2):
        with session(workers=workers):
            s = scan_light_x(lk, masses, progress=lambda d, n: calls.append(d))
        runs.append(np.stack([s.br, s.br_error, s.delta]))
    assert np.all(np.isfinite(runs[0])) and calls[-1] == masses.size
    for other in runs[1:]:
        for a, b in zip(runs[0], other):  # BR, its error, -2 Delta ln L: each to 1e-10 of its scale
            assert np.allclose(a, b, rtol=0, atol=1e-10 * np.max(np.abs(a)))
