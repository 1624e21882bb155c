"""Every notebook, run in real JupyterLab in a real browser (Debian's Chromium).

One JupyterLab server (127.0.0.1, a free port, a temporary config) and one headless
Chromium serve all notebooks. The server sees a mirror of the repository in a temporary
folder whose ``notebooks/`` is a *copy*, so nothing the browser does (autosave is off
anyway, checkpoints) can touch the committed notebooks. For each
``notebooks/*.ipynb`` (scratch ``99_*`` excepted) the test opens it, runs all cells, and asserts:

* every code cell ran (an execution count each) with no error output and no traceback on
  stderr, neither in the cells nor inside Output widgets, and no widget reports
  "Could not update" (lrlessons' in-widget error display);
* every widget view rendered (no "Error displaying widget"), every slider has its handle,
  every HTMLMath was typeset by MathJax (an ``mjx-container``, no raw ``$...$`` left);
* the optimizer race, where a notebook shows one, redraws its plot when a slider moves
  (its ``img`` source changes);
* the equation stepper, where a notebook shows one, changes the numbers shown when Step
  is pressed.

The race and the stepper are found by their CSS classes ``lrl-race`` and ``lrl-stepper``,
or else as the output of a cell whose source calls ``optimizer_race(`` /
``equation_stepper(`` (a notebook calling them without the widget showing up fails).

A screenshot per notebook goes to a temporary folder printed at the start (``pytest -s``
shows it; it is also in the failure report). Without ``/usr/bin/chromium`` (or the
``playwright`` package) the tests skip, unless ``LRLESSONS_REQUIRE_BROWSER=1`` (set by
``.ci/run``), where they fail. ``playwright install`` is never used: Playwright drives the
system browser.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every notebook but scratch ones (99_*, never committed: use one to develop this test).
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if not p.name.startswith("99_"))
CHROMIUM = os.environ.get("LRLESSONS_CHROMIUM", "/usr/bin/chromium")
REQUIRE = os.environ.get("LRLESSONS_REQUIRE_BROWSER") == "1"
RUN_TIMEOUT_MS = 180_000  # a whole notebook; lessons take seconds
WIDGET_TIMEOUT_MS = 30_000

CONFIG = """\
import tempfile
from jupyterlab.galata import configure_jupyter_server
# galata always creates folders and an rc file in the system temp folder: point it at ours.
tempfile.tempdir = {galata_tmp!r}
configure_jupyter_server(c)
tempfile.tempdir = None
c.ServerApp.terminals_enabled = False
# No "build is up to date?" check: it costs seconds per page load.
c.ServerApp.tornado_settings = {{"page_config_data": {{"buildAvailable": False, "buildCheck": False}}}}
c.LabApp.workspaces_dir = {workspaces!r}
c.LabApp.user_settings_dir = {settings!r}
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = {port}
c.ServerApp.root_dir = {root!r}
c.ServerApp.allow_root = {allow_root}
c.ServerApp.open_browser = False
"""

SETTINGS = {
    # The news toast covers the notebook (binder/overrides.json does the same on Binder).
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    # Never write into the served copies while the test runs.
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # Keep every cell in the DOM (JupyterLab 4 may detach off-screen cells).
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def unavailable(reason: str):
    if REQUIRE:
        pytest.fail(f"{reason}, and LRLESSONS_REQUIRE_BROWSER=1 requires the browser test")
    pytest.skip(f"{reason} (install it with: apt-get install -y chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="lrlessons-browser-"))
    print(f"\nbrowser test: screenshots and JupyterLab log in {path}")
    yield path


@pytest.fixture(scope="module")
def lab(workdir):
    """A JupyterLab server on a copy of notebooks/; yields its URL and stops it afterwards."""
    if not os.path.exists(CHROMIUM):
        unavailable(f"no Chromium at {CHROMIUM}")
    try:
        import playwright  # noqa: F401
        import jupyterlab.galata  # noqa: F401
    except ImportError as exc:
        unavailable(f"{exc.name} is not installed (pip install -e '.[test]')")
    # The served tree mirrors the repository (lessons read their reference data from the installed package): notebooks/
    # is a copy, everything else a symbolic link.
    root = workdir / "repo"
    root.mkdir()
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for entry in ROOT.iterdir():
        if entry.name not in {"notebooks", ".git"} and not entry.name.startswith(".venv"):
            (root / entry.name).symlink_to(entry)
    server = workdir / "server"
    for name, value in SETTINGS.items():
        path = server / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    (server / "workspaces").mkdir()
    (server / "galata-tmp").mkdir()
    port = free_port()
    config = server / "jupyter_lab_config.py"
    config.write_text(CONFIG.format(galata_tmp=str(server / "galata-tmp"), workspaces=str(server / "workspaces"), settings=str(server / "settings"),
                                    port=port, root=str(root), allow_root=os.geteuid() == 0))
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # kernels use the inline backend
    env.update(JUPYTERLAB_GALATA_ROOT_DIR=str(root), JUPYTER_CONFIG_DIR=str(server / "config"),
               JUPYTER_RUNTIME_DIR=str(server / "runtime"), PYTHONUNBUFFERED="1")
    log = open(workdir / "lab.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", f"--config={config}"], env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start (exit code {proc.poll()}); see {workdir / 'lab.log'}:\n"
                                + (workdir / "lab.log").read_text()[-3000:])
                time.sleep(0.25)
        print(f"JupyterLab answered after {time.monotonic() - started:.1f} s")
        yield url
    finally:
        proc.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(5)
        log.close()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(server, ignore_errors=True)


@pytest.fixture(scope="module")
def page(lab):
    """One headless Chromium and one JupyterLab page for all notebooks."""
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.problems = []
            page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
            page.on("console", lambda m: m.type == "error" and page.problems.append(f"console error: {m.text}"))
            page.goto(f"{lab}/lab", wait_until="domcontentloaded")
            page.wait_for_function("window.jupyterapp && window.jupyterapp.started", timeout=90_000)
            page.evaluate("window.jupyterapp.started")
            page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
            page.evaluate("window.jupyterapp.shell.collapseLeft()")  # more room for the screenshots
            print(f"Chromium showed JupyterLab after {time.monotonic() - started:.1f} s")
            yield page
        finally:
            browser.close()


# JavaScript run in the page. `app` is window.jupyterapp (galata's expose_app_in_browser).
OPEN = """async (path) => {
  const app = window.jupyterapp;
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await panel.context.ready;
  await panel.sessionContext.ready;
  window.lrlPanel = panel;
  return panel.content.widgets.length;
}"""

KERNEL_IDLE = """() => {
  const s = window.lrlPanel.sessionContext;
  return s.session && s.session.kernel && s.session.kernel.status === 'idle';
}"""

RUN_ALL = """async () => {
  const app = window.jupyterapp;
  app.shell.activateById(window.lrlPanel.id);
  await app.commands.execute('notebook:run-all-cells');
}"""

# 'running' while a cell is queued or running; 'done' when every non-empty code cell has a
# count; 'stopped' when run-all stopped at an error (the error is reported from the outputs).
STATUS = """() => {
  const panel = window.lrlPanel;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return 'running';
  const code = panel.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim());
  if (code.some(c => (c.node.querySelector('.jp-InputArea-prompt')?.textContent || '').includes('*'))) return 'running';
  if (code.every(c => c.model.executionCount !== null)) return 'done';
  const failed = code.some(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'));
  return failed ? 'stopped' : 'running';
}"""

# Per cell: source, outputs (as stored in the notebook) and a data attribute for locators.
CELLS = """() => window.lrlPanel.content.widgets.map((c, i) => {
  c.node.setAttribute('data-lrl-cell', String(i));
  return {index: i, type: c.model.type, source: c.model.sharedModel.getSource(),
          count: c.model.type === 'code' ? c.model.executionCount : null,
          outputs: c.model.type === 'code' ? c.model.outputs.toJSON() : []};
})"""

CLOSE = """async () => {
  const panel = window.lrlPanel;
  if (!panel) return;
  try { await panel.sessionContext.shutdown(); } catch (e) {}
  panel.dispose();
  window.lrlPanel = null;
}"""

# Raw TeX left in an HTMLMath widget means MathJax did not typeset it.
MATH_TYPESET = r"""(root) => {
  const nodes = [...(root || document).querySelectorAll('.widget-htmlmath')];
  return nodes.every(n => !/\$[^$]+\$|\\\(|\\\[/.test(n.textContent));
}"""

# What the stepper shows: its HTML/HTMLMath/labels/readouts (MathJax output included).
SHOWN = """(root) => [...root.querySelectorAll('.widget-htmlmath, .widget-html, .widget-label, .widget-readout')]
  .map(n => n.innerHTML).join('\\n')"""


def widget_root(page, css: str, call: str, cells) -> tuple[object, str] | None:
    """The element to test: a ``css``-classed widget, else the output of a cell calling ``call``."""
    if page.locator(css).count():
        return page.locator(css).first, css
    for cell in cells:
        if cell["type"] == "code" and call in cell["source"]:
            return page.locator(f'[data-lrl-cell="{cell["index"]}"] .jp-OutputArea').first, f"cell {cell['index']}"
    return None


def error_outputs(cells) -> list[str]:
    found = []
    for cell in cells:
        for out in cell["outputs"]:
            if out.get("output_type") == "error":
                found.append(f"cell {cell['index']}: {out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr" and "Traceback" in "".join(out.get("text", "")):
                found.append(f"cell {cell['index']}: traceback on stderr")
    return found


def check_race(page, root, where: str, shots: Path, stem: str):
    img = root.locator("img").first
    img.wait_for(timeout=WIDGET_TIMEOUT_MS)
    handle = root.locator(".widget-slider .noUi-handle").first
    assert handle.count(), f"optimizer race ({where}) shows no slider"
    src = "(el) => { const img = el.querySelector('img'); return img ? img.getAttribute('src') : null; }"
    before = root.evaluate(src)  # re-queried: an Output widget replaces its img, an Image widget swaps src
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    try:
        page.wait_for_function(f"([el, old]) => ({src})(el) !== old", arg=[root.element_handle(), before],
                               timeout=WIDGET_TIMEOUT_MS)
    except Exception:
        page.screenshot(path=str(shots / f"{stem}-race-failed.png"))
        raise AssertionError(f"optimizer race ({where}): moving a slider did not change the plot")


def check_stepper(page, root, where: str, shots: Path, stem: str):
    button = root.locator("button.lrl-step, .lrl-step button, button:has-text('Step')").first
    button.wait_for(timeout=WIDGET_TIMEOUT_MS)
    before = root.evaluate(SHOWN)
    assert before.strip(), f"equation stepper ({where}) shows no numbers"
    button.scroll_into_view_if_needed()
    button.click()
    try:
        page.wait_for_function(f"([el, old]) => ({SHOWN})(el) !== old", arg=[root.element_handle(), before],
                               timeout=WIDGET_TIMEOUT_MS)
    except Exception:
        page.screenshot(path=str(shots / f"{stem}-stepper-failed.png"))
        raise AssertionError(f"equation stepper ({where}): pressing Step did not change the numbers shown")


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebook in notebooks/"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(page, workdir, notebook):
    shots, stem = workdir, notebook.stem
    page.problems.clear()
    try:
        page.evaluate(OPEN, f"notebooks/{notebook.name}")
        page.wait_for_function(KERNEL_IDLE, timeout=90_000)
        page.wait_for_timeout(1_500)  # JupyterLab settles after the kernel first goes idle (jupyter.md 4)
        page.wait_for_function(KERNEL_IDLE, timeout=90_000)
        page.problems.clear()  # stale widget views of a freshly opened notebook are not errors
        page.evaluate(RUN_ALL)
        page.wait_for_function(f"() => ({STATUS})() !== 'running'", timeout=RUN_TIMEOUT_MS, polling=250)
        cells = page.evaluate(CELLS)
        unrun = [c["index"] for c in cells if c["type"] == "code" and c["source"].strip() and c["count"] is None]
        assert not error_outputs(cells), error_outputs(cells)
        assert not unrun, f"cells {unrun} did not run"

        has_views = any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                        for c in cells for o in c["outputs"])
        if has_views:
            page.wait_for_selector(".jp-Notebook .jupyter-widgets", timeout=WIDGET_TIMEOUT_MS)
            page.wait_for_function(MATH_TYPESET, timeout=WIDGET_TIMEOUT_MS)
            notebook_el = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first
            text = notebook_el.inner_text()
            assert "Error displaying widget" not in text, "a widget view did not render"
            assert "Could not update" not in text, "a widget shows an error: " + text[text.index("Could not update"):][:300]
            sliders = notebook_el.locator(".widget-slider").count()
            assert notebook_el.locator(".widget-slider .noUi-handle").count() >= sliders
            if notebook_el.locator(".widget-htmlmath").count():
                assert notebook_el.locator(".widget-htmlmath mjx-container").count(), "HTMLMath not typeset"

        race = widget_root(page, ".lrl-race", "optimizer_race(", cells)
        if race:
            check_race(page, *race, shots, stem)
        stepper = widget_root(page, ".lrl-stepper", "equation_stepper(", cells)
        if stepper:
            check_stepper(page, *stepper, shots, stem)

        # Errors raised inside widget callbacks land in Output widgets (stderr/error outputs).
        stderr = page.locator('.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        tracebacks = [t for t in stderr.all_inner_texts() if "Traceback" in t or "Error" in t.split("\n")[0]]
        assert not tracebacks, tracebacks[0][:2000]
        relevant = [p for p in page.problems if "favicon" not in p]
        assert not relevant, relevant

        # The screenshot shows the first widget (the race, the stepper, else any).
        first = race[0] if race else stepper[0] if stepper else page.locator(".jp-Notebook .jupyter-widgets").first
        if first.count():
            first.scroll_into_view_if_needed()
        page.screenshot(path=str(workdir / f"{stem}.png"))
    except BaseException:
        page.screenshot(path=str(workdir / f"{stem}-failed.png"))
        print(f"screenshot: {workdir / (stem + '-failed.png')}")
        raise
    finally:
        page.evaluate(CLOSE)
