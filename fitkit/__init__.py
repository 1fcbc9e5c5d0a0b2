"""fitkit: statistical fits of light new physics in rare b -> s decays.

The package is layered (see DESIGN.md): ``fitkit.data`` (validated cards) and
``fitkit.theory`` (SM + NP rates) feed ``fitkit.models`` (scenarios: parameters -> predictions),
which feed ``fitkit.likelihood`` (costs) and ``fitkit.inference`` (iminuit fits, scans).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
