"""The book site (``docs/``): built with warnings as errors, its links checked, opened in Chromium.

One Sphinx build per session (``python -m sphinx -W --keep-going -b html docs OUT``, as in the
README's maintainers section, into a temporary folder; ``docs/conf.py`` sets ``nitpicky``, so
a reference to a lrlessons name that does not exist is an error). Then, without a browser:

* every public function and class (each ``__all__`` of the documented modules) has an entry;
* every internal link and image of every page points at a file that exists, and a link's
  ``#anchor`` at an id on that page;
* no page loads a script, style sheet, font or image from another host (MathJax included);
* each lesson page links Binder for its own notebook, and each API entry it lists links
  back to it ("Taught in").

And in Debian's Chromium (Python Playwright, ``playwright install`` never used), the site
served over HTTP on 127.0.0.1 with every request to another host blocked and reported: every
lesson page, the start page and every API page load with no console error, MathJax typesets
every formula (no raw ``$...$`` or ``\\(...\\)`` left in the text), every image has pixels, and
the search page finds a lesson for "warmup".

Without Sphinx and its extensions (``pip install --group docs``) the tests skip, and without
``/usr/bin/chromium`` (or ``playwright``) the browser tests skip; with
``LRLESSONS_REQUIRE_BROWSER=1`` (set by ``.ci/run``) they fail instead.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import importlib
import importlib.util
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM = os.environ.get("LRLESSONS_CHROMIUM", "/usr/bin/chromium")
REQUIRE = os.environ.get("LRLESSONS_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SITE_MODULES = ("sphinx", "myst_nb", "sphinx_book_theme", "numpydoc", "mathjax")


def unavailable(reason: str):
    if REQUIRE:
        pytest.fail(f"{reason}, and LRLESSONS_REQUIRE_BROWSER=1 requires the site test")
    pytest.skip(reason)


def site_extension():
    """docs/_ext/lrlessons_site.py, the extension that decides what the site holds."""
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        return importlib.import_module("lrlessons_site")
    finally:
        sys.path.remove(str(DOCS / "_ext"))


def lesson_names() -> list[str]:
    """The lessons the site renders (the extension's ``LESSON`` pattern, read without importing
    it: this runs at collection, also where Sphinx is not installed)."""
    import ast

    tree = ast.parse((DOCS / "_ext" / "lrlessons_site.py").read_text(encoding="utf-8"))
    pattern = next(ast.literal_eval(node.value.args[0]) for node in tree.body if isinstance(node, ast.Assign)
                   and getattr(node.targets[0], "id", "") == "LESSON")
    lesson = re.compile(pattern)
    return [p.stem for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if lesson.match(p.name)]


# --- the build ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site():
    """The built site's folder (a temporary one, removed afterwards)."""
    missing = [m for m in SITE_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        unavailable(f"{', '.join(missing)} not installed (pip install --group docs -e .)")
    work = Path(tempfile.mkdtemp(prefix="lrlessons-site-"))
    out = work / "html"
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(work / "doctrees"), str(DOCS), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={k: v for k, v in os.environ.items() if k != "SPHINXOPTS"},
    )
    print(f"\nsite built in {time.monotonic() - started:.1f} s into {out}")
    try:
        if proc.returncode != 0:
            pytest.fail(f"sphinx-build failed (exit code {proc.returncode}):\n{proc.stderr[-6000:]}")
        yield out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def pages(site: Path) -> list[Path]:
    """The pages (not the themes' Jinja snippets under _static/)."""
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "_static")


class _Page(html.parser.HTMLParser):
    """ids, links (a/area href) and resources (script/img/link/source/iframe) of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag in ("a", "area") and a.get("href") is not None:
            self.links.append(a["href"])
        for key in ("src", "data-src"):
            if a.get(key):
                self.resources.append((tag, a[key]))
        if tag == "link" and a.get("href") and set((a.get("rel") or "").split()) & {"stylesheet", "preload", "icon", "prefetch", "modulepreload"}:
            self.resources.append((tag, a["href"]))


@functools.lru_cache(maxsize=None)
def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def is_external(url: str) -> bool:
    return bool(urllib.parse.urlsplit(url).scheme) or url.startswith("//")


def test_the_site_builds(site):
    assert (site / "index.html").exists()
    assert (site / "api" / "index.html").exists()
    for name in lesson_names():
        assert (site / "lessons" / f"{name}.html").exists(), f"no page for lesson {name}"


def test_every_public_function_and_class_is_documented(site):
    from sphinx.util.inventory import InventoryFile

    with open(site / "objects.inv", "rb") as f:
        inventory = InventoryFile.load(f, "", posixpath.join)
    documented = {name for entries in (inventory.data if hasattr(inventory, "data") else inventory).values()
                  for name in entries}
    modules = api_modules()
    home, _ = site_extension().documented_objects(modules)
    missing = sorted(set(home.values()) - documented)
    assert not missing, f"public names without an API entry: {missing}"
    assert len(home) > 100
    undocumented_modules = [m for m in modules if m not in documented]
    assert not undocumented_modules, f"modules without an API page: {undocumented_modules}"
    # every public module (and package) of lrlessons is in the list, so none is forgotten
    import lrlessons

    public = {"lrlessons"}
    for modname in modules:
        mod = importlib.import_module(modname)
        public |= {getattr(mod, n).__name__ for n in getattr(mod, "__all__", [])
                   if type(getattr(mod, n)).__name__ == "module"}
    assert public <= set(modules), f"public modules missing from lrlessons_api_modules: {sorted(public - set(modules))}"
    assert lrlessons.__version__


def api_modules() -> list[str]:
    """``lrlessons_api_modules`` of docs/conf.py, read without running conf.py."""
    import ast

    tree = ast.parse((DOCS / "conf.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "lrlessons_api_modules" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("docs/conf.py sets no lrlessons_api_modules")


def test_internal_links_and_images_resolve(site):
    broken = []
    for path in pages(site):
        page = parse(path)
        urls = [("a", u) for u in page.links] + page.resources
        for tag, url in urls:
            if not url or is_external(url) or url.startswith(("mailto:", "javascript:", "data:")):
                continue
            parts = urllib.parse.urlsplit(url)
            target = path if not parts.path else (path.parent / urllib.parse.unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(site)}: <{tag}> {url}"
            if not target.exists():
                broken.append(f"{where} (no file {target})")
            elif parts.fragment and target.suffix == ".html" and tag == "a":
                if urllib.parse.unquote(parts.fragment) not in parse(target).ids:
                    broken.append(f"{where} (no id {parts.fragment!r} in {target.relative_to(site)})")
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:40])


def test_nothing_is_loaded_from_another_host(site):
    found = []
    for path in pages(site):
        for tag, url in parse(path).resources:
            if is_external(url):
                found.append(f"{path.relative_to(site)}: <{tag}> {url}")
    assert not found, "pages load resources from other hosts:\n" + "\n".join(found[:20])
    assert (site / "_static" / "mathjax" / "tex-mml-chtml.js").exists()
    lesson = (site / "lessons" / f"{lesson_names()[0]}.html").read_text(encoding="utf-8")
    assert "_static/mathjax/tex-mml-chtml.js" in lesson


def test_lessons_and_api_link_each_other(site):
    for name in lesson_names():
        text = (site / "lessons" / f"{name}.html").read_text(encoding="utf-8")
        assert "mybinder.org/v2/gh/" in text and f"urlpath=lab/tree/notebooks/{name}.ipynb" in text, \
            f"{name}: no Binder link for its own notebook"
        start = text.find('class="lrl-lesson-api"')
        assert start > 0, f"{name}: no 'API used in this lesson'"
        block = text[start:text.find("</p>", start)]
        targets = [h for h in _hrefs(block) if h.startswith("../api/")]
        assert targets, f"{name}: the API list links nothing"
        for href in targets:
            page_path, _, anchor = href.partition("#")
            api = (site / "lessons" / page_path).resolve().read_text(encoding="utf-8")
            at = api.find(f'id="{anchor}"')
            assert at > 0, f"{name}: {href} has no entry"
            entry = api[at:_next_entry(api, at)]
            assert f"../lessons/{name}.html" in entry, f"{anchor}: its entry does not link back to {name} (Taught in)"


def _hrefs(fragment: str) -> list[str]:
    page = _Page()
    page.feed(fragment)
    return page.links


def _next_entry(text: str, at: int) -> int:
    """End of the API entry starting at ``at``: the next top-level (module member) entry."""
    candidates = [i for i in (text.find('<dl class="py function', at), text.find('<dl class="py class', at),
                              text.find('<dl class="py data', at)) if i > 0]
    return min(candidates) if candidates else len(text)


# --- in the browser --------------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(site):
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser_page(served):
    if not os.path.exists(CHROMIUM):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install --group test -e .)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.problems = []
            page.outside = []

            def route(r):
                url = r.request.url
                if url.startswith(served):
                    if urllib.parse.urlsplit(url).path == "/favicon.ico":
                        r.fulfill(status=204, body="")
                    else:
                        r.continue_()
                else:
                    page.outside.append(url)
                    r.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
            page.on("console", lambda m: m.type == "error" and page.problems.append(f"console error: {m.text} ({m.location.get('url')})"))
            page.on("requestfailed", lambda r: r.url.startswith(served) and page.problems.append(f"request failed: {r.url} {r.failure}"))
            page.on("response", lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}"))
            yield page
        finally:
            browser.close()


MATHJAX_DONE = """async () => {
  if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return 'no MathJax';
  await MathJax.startup.promise;
  return 'ok';
}"""

# Text of the page body outside code, signatures, outputs and typeset math: raw TeX left there means
# MathJax did not typeset it.
RAW_TEX = r"""() => {
  const root = document.querySelector('article') || document.body;
  const clone = root.cloneNode(true);
  clone.querySelectorAll('pre, code, .highlight, .sig, mjx-container, script, style, .output, .cell_output').forEach(n => n.remove());
  const text = clone.textContent;
  const found = text.match(/\$[^$\s][^$]*\$|\\\(|\\\[/);
  return found ? text.slice(Math.max(0, found.index - 60), found.index + 80) : null;
}"""

MATH_STATE = """() => ({
  spans: document.querySelectorAll('.math').length,
  untypeset: [...document.querySelectorAll('.math')].filter(n => !n.querySelector('mjx-container')).map(n => n.textContent.slice(0, 80)),
  containers: document.querySelectorAll('mjx-container').length,
})"""

IMAGES = """() => [...document.querySelectorAll('article img, .bd-article img')]
  .map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0}))"""


def browse(page, url: str) -> dict:
    page.problems.clear()
    page.outside.clear()
    page.goto(url, wait_until="load")
    mathjax = page.evaluate(MATHJAX_DONE)  # Sphinx loads MathJax only on pages with math
    math = page.evaluate(MATH_STATE)
    assert mathjax == "ok" or math["spans"] == 0, f"{url}: MathJax did not load"
    images = page.evaluate(IMAGES)
    raw = page.evaluate(RAW_TEX)
    # Whatever the page still loads (MathJax fonts and extensions) finishes here, so its
    # failures are this page's, and the next goto aborts nothing.
    page.wait_for_load_state("networkidle", timeout=30_000)
    return {"math": math, "images": images, "raw": raw, "problems": list(page.problems), "outside": list(page.outside)}


def check_page(result: dict, url: str, *, needs_math: bool):
    assert not result["problems"], f"{url}: {result['problems']}"
    assert not result["outside"], f"{url} requested other hosts: {result['outside']}"
    math = result["math"]
    assert not math["untypeset"], f"{url}: formulas not typeset by MathJax: {math['untypeset'][:5]}"
    if needs_math:
        assert math["containers"] > 0, f"{url}: no formula typeset (no mjx-container)"
    assert result["raw"] is None, f"{url}: raw TeX in the text: ...{result['raw']}..."
    broken = [i["src"] for i in result["images"] if not i["ok"]]
    assert not broken, f"{url}: images without pixels: {broken}"


@pytest.mark.parametrize("lesson", lesson_names())
def test_lesson_page_in_browser(browser_page, served, lesson):
    url = f"{served}/lessons/{lesson}.html"
    result = browse(browser_page, url)
    check_page(result, url, needs_math=True)
    assert result["images"], f"{url}: a lesson page with no figure"


def test_start_page_and_api_pages_in_browser(browser_page, served, site):
    urls = [f"{served}/index.html", f"{served}/api/index.html"]
    urls += [f"{served}/api/{p.name}" for p in sorted((site / "api").glob("*.html")) if p.name != "index.html"]
    typeset = 0
    for url in urls:
        result = browse(browser_page, url)
        check_page(result, url, needs_math=False)
        typeset += result["math"]["containers"]
    assert typeset > 0, "no formula typeset on any API page"
    api_index = browse(browser_page, f"{served}/api/index.html")
    assert api_index["problems"] == []


def test_search_finds_a_lesson_for_warmup(browser_page, served):
    page = browser_page
    page.problems.clear()
    page.goto(f"{served}/search.html?q=warmup", wait_until="load")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=30_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("lessons/" in (h or "") for h in hrefs), f"no lesson among the results: {hrefs}"
    assert not page.problems, page.problems
