"""Sphinx configuration of the lrlessons site (lessons + API reference).

Build (after ``pip install --group docs -e .``, see README "For maintainers")::

    python -m sphinx -W -b html docs docs/_build/html

The lessons are the committed notebooks, rendered with their stored outputs (never
re-executed); ``_ext/lrlessons_site.py`` copies them in and links lessons and API both ways.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Document the checkout this file belongs to, whatever else is installed.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))

import lrlessons  # noqa: E402

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
REPOSITORY = PYPROJECT["project"]["urls"]["Repository"].rstrip("/")

# -- Project -------------------------------------------------------------------------------------
project = "lrlessons"
author = ", ".join(a["name"] for a in PYPROJECT["project"]["authors"])
copyright = f"2026 {author}"  # as in LICENSE
version = release = lrlessons.__version__

# -- Extensions ----------------------------------------------------------------------------------
extensions = [
    "myst_nb",  # notebooks and Markdown pages (includes myst_parser)
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",  # every API entry links its source
    "lrlessons_site",  # docs/_ext: lessons copied in, lesson <-> API links, local MathJax
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "lessons/9*"]
templates_path = []
html_static_path = ["_static"]
html_css_files = ["lrlessons.css"]

# -- Lessons (myst-nb) ---------------------------------------------------------------------------
lrlessons_notebooks = str(ROOT / "notebooks")
lrlessons_repository = REPOSITORY
lrlessons_github = REPOSITORY.removeprefix("https://github.com/")
lrlessons_binder_ref = "HEAD"  # a course pins a tag here and in its links: see binder.md

nb_execution_mode = "off"  # render the committed outputs; nbval is what runs the notebooks
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

# -- API reference (autodoc + numpydoc) ----------------------------------------------------------
lrlessons_api_modules = [
    # Order matters: an object is documented under the first module whose __all__ holds it.
    "lrlessons.optimizers",
    "lrlessons.schedules",
    "lrlessons.training",
    "lrlessons.problems",
    "lrlessons.theory",
    "lrlessons.averaging",
    "lrlessons.noisy_quadratic",
    "lrlessons.sharpness",
    "lrlessons.noise_scale",
    "lrlessons.precision",
    "lrlessons.width",
    "lrlessons.viz",
    "lrlessons.widgets",
    "lrlessons.exercises",
    "lrlessons.frameworks",
    "lrlessons.frameworks.pytorch",
    "lrlessons.frameworks.tf1",
    "lrlessons.frameworks.keras",
    "lrlessons.frameworks.optax",
    "lrlessons.frameworks.optax.contrib",
    "lrlessons.frameworks.od_api",
    "lrlessons.reference",
    "lrlessons",  # re-exports only
]
# Class members: every public method and attribute, documented or not (module members are
# exactly each module's __all__, listed by the lrlessons-api directive).
autodoc_default_options = {"members": True, "undoc-members": True, "member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types, in words
autodoc_preserve_defaults = True
autosummary_generate = False  # tables only; the entries are on the module pages
add_module_names = False
toc_object_entries_show_parents = "hide"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# One numpydoc check, as a warning (so an error under -W): a documented parameter that the
# signature does not have. It catches renamed parameters, and prose or examples written
# after the parameter list without an "Examples" (or "Notes") header, which numpydoc would
# otherwise render as bogus parameters.
numpydoc_validation_checks = {"PR02"}

# Cross-references are checked (-n): a reference to a name that does not exist is an error.
# One that exists outside lrlessons (numpy.where, matplotlib.figure.Figure) is checked by
# importing it and shown unlinked (no intersphinx inventories offline): see
# resolve_reference in _ext/lrlessons_site.py.
nitpicky = True

# -- MathJax from the site itself ----------------------------------------------------------------
# lrlessons_site copies MathJax 3.2.2 (django-static-mathjax, Apache-2.0) to _static/mathjax.
mathjax_path = "mathjax/tex-mml-chtml.js"

# -- HTML ----------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "lrlessons"
html_baseurl = PYPROJECT["project"]["urls"]["Documentation"]
html_last_updated_fmt = None
html_copy_source = True  # the theme's download button offers each page's source (.ipynb, .md)
html_show_sourcelink = False
# pydata-sphinx-theme logs a console error on a visitor's first page without this.
html_context = {"default_mode": "auto"}
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": "main",
    "path_to_docs": "docs",
    "use_repository_button": True,
    "use_issues_button": True,
    "use_download_button": True,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    # No launch_buttons: the theme would point Binder at docs/lessons/, the site's copies;
    # every lesson page carries its own link to notebooks/ instead (lrlessons_site).
}
