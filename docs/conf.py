"""Sphinx configuration: the API reference, built from the numpydoc docstrings."""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

project = "metaopt"
author = "the metaopt developers"
copyright = "2026, the metaopt developers"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon"]
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"
autodoc_default_options = {"members": True, "show-inheritance": False}
exclude_patterns = ["_build", "ARCHITECTURE.md"]
html_theme = "alabaster"
