"""Sphinx configuration: the documentation site built from docs/ (MyST Markdown).

Build (warnings are errors: a broken cross-reference, a missing page or a failing
example fails the build)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Preview: ``python -m http.server -d docs/_build/html 8000`` and open
http://127.0.0.1:8000.
"""

from __future__ import annotations

import libyaevents

project = "libyaevents"
author = "libyaevents maintainers"
copyright = "libyaevents maintainers"
release = libyaevents.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "matplotlib.sphinxext.plot_directive",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "README.md"]
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

# The API reference: numpydoc docstrings, read by napoleon; members as __all__ lists them.
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True  # dataclass fields are documented once, in their Attributes section
autodoc_default_options = {"members": True, "undoc-members": False}
autodoc_typehints = "description"
autodoc_member_order = "bysource"
autosummary_generate = False

# Examples run at build time (matplotlib's plot directive): a failing example fails the build.
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_rcparams = {"figure.autolayout": True}

html_theme = "pydata_sphinx_theme"
html_title = f"libyaevents {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": True,
    "icon_links": [],
}
html_show_sourcelink = False
html_context = {"default_mode": "auto"}  # the theme logs an error when no mode is set
html_favicon = "_static/favicon.svg"  # else browsers ask for /favicon.ico (a 404)
