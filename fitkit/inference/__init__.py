"""Inference with iminuit: best fits, profile scans, contours."""

from fitkit.inference.fit import evaluate, fit, minimize
from fitkit.inference.results import FitResult, ScanResult
from fitkit.inference.scan import LEVELS_1D, LEVELS_2D, profile_scan

__all__ = ["fit", "evaluate", "minimize", "profile_scan", "FitResult", "ScanResult", "LEVELS_1D", "LEVELS_2D"]
