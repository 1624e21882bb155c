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
import builtins
import filecmp
import importlib
import importlib.util
import inspect
import json
import pkgutil
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


def submodules(package: str, skip: set[str] = frozenset()) -> list[str]:
    """Public modules under ``package`` (recursively), except ``skip`` (the packages that
    have their own page) and private ones (``_name``)."""
    module = importlib.import_module(package)
    found = []
    for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
        full = f"{package}.{info.name}"
        if info.name.startswith("_") or full in skip:
            continue
        found.append(full)
        if info.ispkg:
            found += submodules(full, skip)
    return found


def all_modules(packages: list[str]) -> list[str]:
    """The configured packages, then every public submodule of them (so a package's
    re-export is where an object is documented; its defining module lists only the rest)."""
    top = [m for m in packages if m != "lrlessons"]
    subs = [s for p in top for s in submodules(p, set(packages))]
    return top + subs + (["lrlessons"] if "lrlessons" in packages else [])


def public_names(modname: str) -> list[str]:
    """``__all__``, or else the functions and classes the module itself defines."""
    module = importlib.import_module(modname)
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [n for n, obj in vars(module).items() if not n.startswith("_") and _documentable(obj)
            and getattr(obj, "__module__", None) == modname]


def documented_objects(modules: list[str]) -> tuple[dict[int, str], dict[str, str]]:
    """``{id(obj): documented name}`` and ``{other name: documented name}``.

    ``modules`` is the configured list (``lrlessons_api_modules``); their public submodules
    are added after them (see ``all_modules``). An object's documented name is
    ``module.name`` for the first of these modules whose public names hold it (the
    top-level ``lrlessons`` only re-exports, so it comes last).
    """
    home: dict[int, str] = {}
    alias: dict[str, str] = {}
    pending = []
    for modname in all_modules(modules):
        module = importlib.import_module(modname)
        for name in public_names(modname):
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
    """The objects named by each prefix of ``dotted``, as Python finds them: an attribute
    first (``lrlessons.optimizers.adam`` is the function, not the module ``adam.py``), else
    a submodule, imported."""
    found = []
    obj = None
    for i, part in enumerate(dotted):
        if obj is not None and hasattr(obj, part):
            obj = getattr(obj, part)
        elif obj is None or inspect.ismodule(obj):
            try:
                obj = importlib.import_module(".".join(dotted[: i + 1]))
            except ImportError:
                return found
        else:
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
    modules = set(all_modules(config.lrlessons_api_modules))
    uses, taught, titles = {}, {}, {}
    for path in lesson_sources(config):
        docname = f"{LESSONS_DIR}/{path.stem}"
        titles[docname] = short_title(path)
        uses[docname] = lesson_uses(path, home)
        for name in uses[docname]:
            taught.setdefault(name, []).append(docname)
    app.lrlessons = {"home": home, "alias": alias, "modules": modules, "uses": uses, "taught": taught,
                    "titles": titles}


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


def canonical_name(dotted: str, data) -> str | None:
    """Where the object named ``dotted`` (any import path of it) is documented."""
    if dotted in data["alias"]:
        return data["alias"][dotted]
    parts = dotted.split(".")
    if parts[0] != "lrlessons":
        return None
    objs = _resolve(parts)
    for i in range(len(objs) - 1, -1, -1):
        obj, rest = objs[i], parts[i + 1:]
        if inspect.ismodule(obj):
            return ".".join([obj.__name__, *rest]) if obj.__name__ in data["modules"] else None
        if id(obj) in data["home"]:
            return ".".join([data["home"][id(obj)], *rest])
    return None


def _docstring_owner(node) -> str:
    """``lrlessons.widgets.App.image_format`` for a reference in that object's docstring."""
    while node is not None:
        m = re.search(r"docstring of ([\w.]+)", node.source or "")
        if m:
            return m.group(1)
        node = node.parent
    return ""


def _scopes(node) -> list[str]:
    """Where a name in this reference is looked up, innermost first: the page's current
    class and module, the object whose docstring holds it, and the module (and class) that
    object is defined in."""
    scopes = []
    module, cls = node.get("py:module"), node.get("py:class")
    if module and cls:
        scopes.append(f"{module}.{cls}")
    if module:
        scopes.append(module)
    owner = _docstring_owner(node)
    if owner.startswith("lrlessons"):
        parts = owner.split(".")
        scopes += [".".join(parts[:k]) for k in range(len(parts), 0, -1)]
        for obj in reversed(_resolve(parts)):
            if inspect.isclass(obj) or inspect.isroutine(obj):
                defined = getattr(obj, "__module__", "") or ""
                qual = getattr(obj, "__qualname__", "").split(".")
                scopes += [".".join([defined, *qual[:k]]) for k in range(len(qual) - (not inspect.isclass(obj)), 0, -1)]
                scopes.append(defined)
                break
    return list(dict.fromkeys(s for s in scopes if s))


def resolve_reference(app, env, node, contnode):
    """Resolve a Python reference Sphinx did not find, as Python would resolve the name.

    The name as written, then looked up in each scope of ``_scopes`` (the docstring's own
    module first of all: ``:func:`triangle``` in ``lrlessons/schedules/cyclical.py``), is
    mapped to where that object is documented (``lrlessons.schedules.base.Schedule`` is
    documented as ``lrlessons.schedules.Schedule``, ``lrlessons.run`` as
    ``lrlessons.training.run``). A name that Python finds outside lrlessons (``Figure``
    imported from matplotlib, ``numpy.where``) is accepted unlinked: it exists, but no
    inventory of the other projects is available offline. A name that exists nowhere
    (``numpy.wher``) still fails the build.
    """
    data = getattr(app, "lrlessons", None)
    if data is None or node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "").lstrip(".")
    candidates = [target] + [f"{scope}.{target}" for scope in _scopes(node)]
    domain = env.get_domain("py")
    for candidate in candidates:
        canonical = canonical_name(candidate, data)
        if canonical is not None:
            for reftype in dict.fromkeys([node["reftype"], "obj"]):
                found = domain.resolve_xref(env, node.get("refdoc") or env.docname, app.builder, reftype,
                                            canonical, node, contnode)
                if found is not None:
                    return found
        if _exists_outside(candidate):
            return contnode
    return None


def _exists_outside(dotted: str) -> bool:
    """``dotted`` names a module, class or function outside lrlessons (``numpy.where``,
    ``matplotlib.figure.Figure``, a builtin, or ``Figure`` as imported by lrlessons.viz)."""
    parts = dotted.split(".")
    if len(parts) == 1 and isinstance(getattr(builtins, parts[0], None), type):
        return True
    if parts[0] == "lrlessons" or len(parts) > 1:
        objs = _resolve(parts)
        return len(objs) == len(parts) and not _is_lrlessons(objs[-1])
    return False


def _is_lrlessons(obj) -> bool:
    name = obj.__name__ if inspect.ismodule(obj) else getattr(obj, "__module__", None) or ""
    return name.split(".")[0] == "lrlessons" or not (inspect.ismodule(obj) or inspect.isclass(obj) or inspect.isroutine(obj))


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
    """``.. lrlessons-api:: module`` -- the module's public names, then its public submodules.

    First a summary table and an entry for each name in ``__all__``: ``autofunction`` /
    ``autoclass`` (with every public method) for functions and classes, ``autodata`` for the
    rest; subpackages with a page of their own are skipped. Then, for a package, a section
    per public submodule (``lrlessons/schedules/cyclical.py``, ...): its docstring, the names
    documented nowhere else (the formulas, helpers), and links to those it defines but the
    package documents. A name added to ``__all__`` or a new module appears on the next build,
    with no edit here.
    """

    required_arguments = 1

    def run(self):
        modname = self.arguments[0]
        data = self.env.app.lrlessons
        text = self.entries(modname, data, summary=True)
        subs = submodules(modname, set(self.config.lrlessons_api_modules))
        if subs:
            text += ["", "Modules", "-------", "",
                     f"Where each name of ``{modname}`` is defined, and what only the module has."]
        for sub in subs:
            title = f"``{sub}``"
            text += ["", title, "~" * len(title), "", f".. automodule:: {sub}", "   :no-members:"]
            if not _module_is_reachable(sub):
                # optimizers/adam.py is ``lrlessons.optimizers.adam``, but that name is the
                # function adam(), documented above: the module gets no index entry.
                text += ["   :no-index:"]
            text += [""]
            text += self.entries(sub, data, summary=False)
        container = nodes.container(classes=["lrl-api"])
        nested_parse_with_titles(self.state, StringList(text, source=f"<{modname}.__all__>"), container)
        return container.children

    @staticmethod
    def entries(modname: str, data, *, summary: bool) -> list[str]:
        module = importlib.import_module(modname)
        own, elsewhere = [], []
        for name in public_names(modname):
            obj = getattr(module, name)
            if inspect.ismodule(obj):
                continue
            home = data["home"].get(id(obj)) if _documentable(obj) else None
            if home is not None and home != f"{modname}.{name}":
                elsewhere.append(home)
            elif home is None and not _documentable(obj) and _bound_in_parent(modname, name, obj):
                continue  # data a package re-exports is documented there
            else:
                own.append(name)
        text = [f".. currentmodule:: {modname}", ""]
        if own and (summary or len(own) > 3):
            text += [".. rubric:: Summary", "", ".. lrlessons-autosummary::", ""] + [f"   {n}" for n in own] + [""]
        for name in own:
            obj = getattr(module, name)
            kind = "autoclass" if inspect.isclass(obj) else "autofunction" if inspect.isroutine(obj) else "autodata"
            text += [f".. {kind}:: {name}", ""]
        if elsewhere:
            refs = ", ".join(f":py:obj:`~{h}`" for h in elsewhere)
            text += [f"Defined here, documented above: {refs}.", ""]
        return text


def _module_is_reachable(modname: str) -> bool:
    parent, _, name = modname.rpartition(".")
    return getattr(importlib.import_module(parent), name, None) is importlib.import_module(modname)


def _bound_in_parent(modname: str, name: str, obj) -> bool:
    parent = importlib.import_module(modname.rpartition(".")[0])
    return getattr(parent, name, None) is obj


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


def fix_viewcode_backlinks(app, pagename, templatename, context, doctree):
    """Point each "[docs]" link of a source page at the entry it belongs to.

    ``sphinx.ext.viewcode`` builds every back link of one source file from the first
    module name under which something of that file was documented: objects of
    ``exercises/engine.py`` documented both as ``lrlessons.exercises.check`` and as
    ``lrlessons.exercises.engine.Case`` would get ``#lrlessons.exercises.Case`` (no such
    entry). Each broken link is mapped to where that object is documented; a link that
    still finds nothing is left for the site test to report.
    """
    data = getattr(app, "lrlessons", None)
    if data is None or not pagename.startswith("_modules/lrlessons") or "body" not in context:
        return
    modname = pagename.removeprefix("_modules/").replace("/", ".")
    objects = app.env.get_domain("py").objects

    def fix(match):
        anchor = match.group(2)
        if anchor in objects:
            return match.group(0)
        parts = anchor.split(".")
        for k in range(len(parts) - 1, 0, -1):
            canonical = canonical_name(".".join([modname, *parts[k:]]), data)
            if canonical in objects:
                entry = objects[canonical]
                return f'href="{app.builder.get_relative_uri(pagename, entry.docname)}#{entry.node_id}"'
        return match.group(0)

    context["body"] = re.sub(r'href="([^"#]*)#(lrlessons[\w.]*)"', fix, context["body"])


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
    app.connect("missing-reference", resolve_reference)
    app.connect("html-page-context", fix_viewcode_backlinks)
    app.connect("build-finished", copy_mathjax)
    app.add_directive("lrlessons-api", ModuleAPI)
    app.add_directive("lrlessons-autosummary", Summary)
    app.add_directive("lrlessons-reexports", Reexports)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
