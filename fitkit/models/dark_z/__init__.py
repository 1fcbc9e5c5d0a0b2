"""Dark photon / dark Z (Z_D) model of 002 (001 is its short version)."""

MODELS: dict = {}
