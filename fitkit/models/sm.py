"""The Standard Model as printed with the data: each measurement's SM expectation from its card."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from fitkit.data.schema import Measurement
from fitkit.errors import InputError
from fitkit.models.base import Model, as_points

__all__ = ["CardStandardModel", "MODELS"]


class CardStandardModel(Model):
    """Predicts each measurement by the SM expectation stored in its card (no parameters).

    This is how 002 Table 1 computes chi2_SM = 93.56 (all 27) and 84.30 (21 muon modes).
    """

    name = "sm"
    description = "SM expectations printed in the data cards"
    parameters = {}

    def check_measurements(self, measurements: Sequence[Measurement]) -> None:
        for m in measurements:
            if m.sm is None:
                raise InputError("the 'sm' model needs an SM expectation in the card", file=m.card, entry=m.id, field="sm")

    def predict(self, measurements: Sequence[Measurement], params: Mapping[str, np.ndarray]) -> np.ndarray:
        pts = as_points(params)
        n = len(next(iter(pts.values()))) if pts else 1
        self.check_measurements(measurements)
        sm = np.array([m.sm for m in measurements], dtype=float)
        return np.broadcast_to(sm, (n, len(measurements))).copy()


MODELS = {"sm": CardStandardModel}
