"""Sphinx glue for the lrlessons site: lessons in, links both ways, MathJax served locally.

What this extension does, in build order:

``config-inited``
    Copies the lessons (``notebooks/NN_*.ipynb``, NN from 00 to 89, the rule of
    ``tools/add_navigation.py``; 90-99 are scratch) into ``docs/lessons/`` (git-ignored), so the
    notebooks stay where students, nbval and Binder find them and the site renders the very
    same files with their committed outputs (myst-nb, ``nb_execution_mode = "off"``). A copy
    is only rewritten when it differs, and copies of removed lessons are deleted.
``builder-inited``
    Finds every documented object (the ``__all__`` of each module in ``lrlessons_api_modules``)
    and which lesson uses it: each lesson's code cells are parsed (never run) and every
    ``import lrlessons ...`` alias followed, so ``ll.run`` and ``schedules.warmup`` count.
``doctree-read``
    On a lesson page: a "Launch on Binder" link and "API used in this lesson", one
    cross-reference per object (checked by Sphinx like any other reference); the Binder
    badge image of the notebook's first cell is served from ``_static`` (the site needs no
    network); a widget's text repr (``VBox(children=(...``), which is all a static page can
    show of it, becomes a one-line note saying where the interactive version runs.
``autodoc-process-docstring``
    Appends "Taught in" with links to the lessons that use the object.
``missing-reference``
    A reference to an object by its defining module (``lrlessons.schedules.base.Schedule``)
    resolves to where it is documented (``lrlessons.schedules.Schedule``), and so does a
    top-level re-export (``lrlessons.run``).
``build-finished``
    Copies MathJax 3 from the ``django-static-mathjax`` wheel (a plain copy of MathJax's
    ``es5`` build; Django itself is not needed) into ``_static/mathjax``; ``conf.py`` sets
    ``mathjax_path`` to it, so no page loads anything from a CDN.

It also provides two directives for the API pages: ``lrlessons-api`` (a summary table and
an autodoc entry for each name in a module's ``__all__``) and ``lrlessons-reexports`` (where
each name of a re-exporting module is documented).
"""

from __future__ import annotations

import ast
import filecmp
import importlib
import importlib.util
import inspect
import json
import re
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.ext.autosummary import Autosummary, import_by_name
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

logger = logging.getLogger(__name__)

LESSON = re.compile(r"^([0-8]\d)_[A-Za-z0-9_]+\.ipynb$")
LESSONS_DIR = "lessons"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
LOCAL_BADGE = "/_static/binder-badge.svg"
# A widget's text/plain repr, e.g. "VBox(children=(Dropdown(description='schedule', ..."
WIDGET_REPR = re.compile(r"^(?:[A-Z]\w*|interactive)\((?:children|value|description|options)=")
# MathJax 3 (es5 build) parts the site needs: the combined TeX+MathML input / CommonHTML
# output file, the parts it loads on demand (TeX extensions, fonts, the menu and its
# accessibility tools, the speech rule engine's maps that the explorer reads).
MATHJAX_FILES = ["tex-mml-chtml.js", "input", "output", "ui", "a11y", "sre", "adaptors", "LICENSE"]


# --- lessons -----------------------------------------------------------------------------------


def lesson_sources(config) -> list[Path]:
    folder = Path(config.lrlessons_notebooks)
    return sorted(p for p in folder.glob("*.ipynb") if LESSON.match(p.name))


def copy_lessons(app, config):
    """Mirror the lesson notebooks into ``<srcdir>/lessons`` (only what changed)."""
    dest = Path(app.srcdir) / LESSONS_DIR
    dest.mkdir(exist_ok=True)
    sources = lesson_sources(config)
    if not sources:
        raise RuntimeError(f"no lesson notebooks in {config.lrlessons_notebooks}")
    names = {p.name for p in sources}
    for stale in dest.glob("*.ipynb"):
        if stale.name not in names:
            stale.unlink()
    for src in sources:
        target = dest / src.name
        if not target.exists() or not filecmp.cmp(src, target, shallow=False):
            shutil.copyfile(src, target)


def binder_url(config, notebook: str) -> str:
    return f"https://mybinder.org/v2/gh/{config.lrlessons_github}/{config.lrlessons_binder_ref}?urlpath=lab/tree/notebooks/{notebook}"


# --- what is documented, and where ---------------------------------------------------------------


def _documentable(obj) -> bool:
    return inspect.isclass(obj) or inspect.isroutine(obj)


def documented_objects(modules: list[str]) -> tuple[dict[int, str], dict[str, str]]:
    """``{id(obj): documented name}`` and ``{other name: documented name}``.

    An object's documented name is ``module.name`` for the first module of ``modules`` whose
    ``__all__`` holds it (the top-level ``lrlessons`` only re-exports, so it comes last).
    """
    home: dict[int, str] = {}
    alias: dict[str, str] = {}
    pending = []
    for modname in modules:
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if not _documentable(obj):
                continue
            full = f"{modname}.{name}"
            if id(obj) not in home and modname != "lrlessons":
                home[id(obj)] = full
            pending.append((full, obj))
    for full, obj in pending:
        canonical = home.get(id(obj))
        if canonical is None:
            continue
        for other in (full, f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"):
            if other != canonical:
                alias.setdefault(other, canonical)
    return home, alias


def _code_cells(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        # IPython magics and shell escapes are not Python: blank them out, keep line numbers.
        lines = ["" if re.match(r"\s*[%!]", line) else line for line in source.splitlines()]
        yield "\n".join(lines)


def _dotted(node) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def _resolve(dotted: list[str]):
    """The objects named by each prefix of ``dotted`` (a module path, then attributes)."""
    found = []
    obj = None
    for i, part in enumerate(dotted):
        if obj is None or inspect.ismodule(obj):
            try:
                obj = importlib.import_module(".".join(dotted[: i + 1]))
                found.append(obj)
                continue
            except ImportError:
                if obj is None:
                    return found
        try:
            obj = getattr(obj, part)
        except AttributeError:
            return found
        found.append(obj)
    return found


def lesson_uses(path: Path, home: dict[int, str]) -> list[str]:
    """Documented names a lesson's code uses, in order of first use."""
    used: list[str] = []
    aliases: dict[str, list[str]] = {}  # imports in one cell serve the cells after it
    for source in _code_cells(path):
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == "lrlessons":
                        if a.asname:
                            aliases[a.asname] = a.name.split(".")
                        else:
                            aliases["lrlessons"] = ["lrlessons"]
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "lrlessons":
                for a in node.names:
                    aliases[a.asname or a.name] = node.module.split(".") + [a.name]
        chains = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute | ast.Name) and not isinstance(getattr(node, "ctx", None), ast.Store):
                chain = _dotted(node)
                if chain and chain[0] in aliases:
                    chains.append((node.lineno, node.col_offset, aliases[chain[0]] + chain[1:]))
        for _, _, chain in sorted(chains):
            for obj in reversed(_resolve(chain)):
                name = home.get(id(obj))
                if name:
                    if name not in used:
                        used.append(name)
                    break
    return used


def short_title(path: Path) -> str:
    """``06 · Warmup`` from the lesson's first ``# 06 · Warmup: start slowly, ...`` heading."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            m = re.search(r"^# (.+)$", "".join(cell["source"]), re.MULTILINE)
            if m:
                return m.group(1).split(":")[0].strip()
    return path.stem


def collect(app):
    config = app.config
    home, alias = documented_objects(config.lrlessons_api_modules)
    uses, taught, titles = {}, {}, {}
    for path in lesson_sources(config):
        docname = f"{LESSONS_DIR}/{path.stem}"
        titles[docname] = short_title(path)
        uses[docname] = lesson_uses(path, home)
        for name in uses[docname]:
            taught.setdefault(name, []).append(docname)
    app.lrlessons = {"home": home, "alias": alias, "uses": uses, "taught": taught, "titles": titles}


# --- lesson pages ------------------------------------------------------------------------------


def _xref(name: str):
    short = name.removeprefix("lrlessons.")
    ref = addnodes.pending_xref("", refdomain="py", reftype="obj", reftarget=name, refexplicit=True,
                                refwarn=True, **{"py:module": None, "py:class": None})
    ref += nodes.literal(short, short, classes=["xref", "py", "py-obj"])
    return ref


def lesson_page(app, doctree):
    docname = app.env.docname
    if not docname.startswith(f"{LESSONS_DIR}/"):
        return
    notebook = docname.split("/", 1)[1] + ".ipynb"
    for image in doctree.findall(nodes.image):
        if image.get("uri") == BINDER_BADGE:
            image["uri"] = LOCAL_BADGE
    for block in list(doctree.findall(nodes.literal_block)):
        if "output" in block.get("classes", []) and WIDGET_REPR.match(block.astext()):
            note = nodes.paragraph(classes=["lrl-widget-note"])
            note += nodes.emphasis(text="An interactive widget is shown here when the notebook runs: ")
            note += nodes.reference("", "launch this lesson on Binder", refuri=binder_url(app.config, notebook))
            note += nodes.Text(" or open it in JupyterLab.")
            block.replace_self(note)

    box = nodes.container(classes=["lrl-lesson-links"])
    launch = nodes.paragraph()
    launch += nodes.reference("", "Launch this lesson on Binder", refuri=binder_url(app.config, notebook),
                              classes=["lrl-binder"])
    launch += nodes.Text(" (JupyterLab in the browser, widgets live), or ")
    source = f"{app.config.lrlessons_repository}/blob/{app.config.lrlessons_binder_ref}/notebooks/{notebook}"
    launch += nodes.reference("", "view the notebook on GitHub", refuri=source)
    launch += nodes.Text(".")
    box += launch
    names = app.lrlessons["uses"].get(docname, [])
    if names:
        api = nodes.paragraph(classes=["lrl-lesson-api"])
        api += nodes.strong(text="API used in this lesson: ")
        for i, name in enumerate(names):
            if i:
                api += nodes.Text(", ")
            api += _xref(name)
        box += api
    title = next(iter(doctree.findall(nodes.title)), None)
    if title is None:
        logger.warning("lesson %s has no title", docname, location=docname)
        return
    section = title.parent
    section.insert(section.index(title) + 1, box)


# --- API pages ---------------------------------------------------------------------------------


def taught_in(app, what, name, obj, options, lines):
    data = getattr(app, "lrlessons", None)
    if data is None or what not in {"function", "class", "exception"}:
        return
    home = data["home"].get(id(obj))
    lessons = data["taught"].get(home, [])
    if lessons:
        titles = data["titles"]
        links = ", ".join(f":doc:`{titles[doc]} </{doc}>`" for doc in lessons)
        lines.extend(["", f"**Taught in:** {links}"])


def resolve_alias(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    canonical = getattr(app, "lrlessons", {}).get("alias", {}).get(target)
    if canonical is None:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(env, node.get("refdoc") or env.docname, app.builder, node["reftype"],
                               canonical, node, contnode)


class Summary(Autosummary):
    """autosummary whose summary is the docstring's whole first paragraph.

    (autosummary keeps the first sentence, found by a regular expression that cuts
    ``t = 0 .. T`` in the middle of a literal.)
    """

    def get_items(self, names):
        items = []
        for display, sig, summary, real in super().get_items(names):
            try:
                _, obj, _, _ = import_by_name(real)
            except ImportError:
                obj = None
            doc = inspect.getdoc(obj) if obj is not None and _documentable(obj) else None
            if doc:
                summary = " ".join(doc.split("\n\n", 1)[0].split())
            items.append((display, sig, summary, real))
        return items


class ModuleAPI(SphinxDirective):
    """``.. lrlessons-api:: module`` -- a summary table, then an entry for each name in ``__all__``.

    Functions and classes get ``autofunction`` / ``autoclass`` (with their documented
    methods), other objects ``autodata``; submodules are skipped (each has its own page). A
    name added to ``__all__`` appears on the next build, with no edit here.
    """

    required_arguments = 1

    def run(self):
        modname = self.arguments[0]
        module = importlib.import_module(modname)
        names = [n for n in module.__all__ if not inspect.ismodule(getattr(module, n))]
        text = [f".. currentmodule:: {modname}", "", ".. rubric:: Summary", "", ".. lrlessons-autosummary::", ""]
        text += [f"   {n}" for n in names]
        for name in names:
            obj = getattr(module, name)
            kind = "autoclass" if inspect.isclass(obj) else "autofunction" if inspect.isroutine(obj) else "autodata"
            text += ["", f".. {kind}:: {name}"]
        container = nodes.container(classes=["lrl-api"])
        nested_parse_with_titles(self.state, StringList(text, source=f"<{modname}.__all__>"), container)
        return container.children


class Reexports(SphinxDirective):
    """``.. lrlessons-reexports:: module`` -- each name of ``__all__`` and where it is documented."""

    required_arguments = 1
    option_spec = {"exclude": directives.unchanged}

    def run(self):
        modname = self.arguments[0]
        module = importlib.import_module(modname)
        home = self.env.app.lrlessons["home"]
        exclude = set((self.options.get("exclude") or "").split())
        items = nodes.bullet_list()
        for name in module.__all__:
            if name in exclude:
                continue
            obj = getattr(module, name)
            para = nodes.paragraph()
            para += nodes.literal(text=f"{modname}.{name}")
            if inspect.ismodule(obj):
                para += nodes.Text(": the module ")
                ref = addnodes.pending_xref("", refdomain="py", reftype="mod", reftarget=obj.__name__,
                                            refexplicit=True, refwarn=True)
                ref += nodes.literal(obj.__name__, obj.__name__, classes=["xref", "py", "py-mod"])
                para += ref
            elif id(obj) in home:
                para += nodes.Text(" is ")
                para += _xref(home[id(obj)])
            else:
                continue
            items += nodes.list_item("", para)
        return [items]


# --- MathJax, served by the site ---------------------------------------------------------------


def mathjax_source() -> Path:
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("MathJax not found: install the docs dependencies (pip install --group docs)")
    es5 = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax" / "es5"
    if not (es5 / "tex-mml-chtml.js").exists():
        raise RuntimeError(f"no MathJax es5 build in {es5} (is the 'mathjax' package django-static-mathjax?)")
    return es5


def check_mathjax(app, config):
    if not config.mathjax_path.startswith("mathjax/"):
        raise RuntimeError(f"mathjax_path must be local (mathjax/...), not {config.mathjax_path!r}")
    mathjax_source()  # fail at the start of a build, not at its end


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    es5 = mathjax_source()
    dest = Path(app.outdir) / "_static" / "mathjax"
    for name in MATHJAX_FILES:
        src = es5 / name if (es5 / name).exists() else es5.parent / name  # LICENSE is one level up
        target = dest / name
        if src.is_dir():
            shutil.copytree(src, target, dirs_exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)


def setup(app):
    app.add_config_value("lrlessons_notebooks", "", "env")
    app.add_config_value("lrlessons_api_modules", [], "env")
    app.add_config_value("lrlessons_repository", "", "env")
    app.add_config_value("lrlessons_github", "", "env")
    app.add_config_value("lrlessons_binder_ref", "HEAD", "env")
    app.connect("config-inited", copy_lessons)
    app.connect("config-inited", check_mathjax)
    app.connect("builder-inited", collect)
    app.connect("doctree-read", lesson_page, priority=400)  # before the image collector (500)
    app.connect("autodoc-process-docstring", taught_in, priority=900)  # after numpydoc (500)
    app.connect("missing-reference", resolve_alias)
    app.connect("build-finished", copy_mathjax)
    app.add_directive("lrlessons-api", ModuleAPI)
    app.add_directive("lrlessons-autosummary", Summary)
    app.add_directive("lrlessons-reexports", Reexports)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
