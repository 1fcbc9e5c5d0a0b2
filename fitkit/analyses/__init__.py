"""Paper analyses built on the generic layers (likelihood, inference): one subpackage per paper.

Here live the choices of one paper — its models' signals as templates, its scans and their
combinations, its derived numbers — so that :mod:`fitkit.likelihood` and :mod:`fitkit.inference`
stay free of any concrete model or paper.
"""
