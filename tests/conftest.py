"""Fixtures shared by the suite: the bundled data, shipped checkpoints, a real Streamlit server
on a free loopback port, and headless Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKPOINTS = ROOT / "checkpoints"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("AEVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

os.environ.setdefault("AEVIZ_OFFLINE", "1")


@pytest.fixture(scope="session")
def mnist():
    from aeviz.data import load_dataset

    return load_dataset("mnist", allow_download=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """``streamlit run <app>`` on a free port; ``url`` once /_stcore/health answers."""

    def __init__(self, checkpoints: Path, log: Path, extra_env: dict | None = None, app: str = "app.py"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "AEVIZ_OFFLINE": "1", "AEVIZ_CHECKPOINTS": str(checkpoints), **(extra_env or {})}
        self.log = open(log, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", app, "--server.headless=true",
             f"--server.port={self.port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {log}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"streamlit did not answer within 90 s; see {log}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def checkpoint_copy(tmp_path_factory) -> Path:
    """A writable copy of the shipped checkpoints, so tests that save never touch the repository."""
    dst = tmp_path_factory.mktemp("ckpts") / "checkpoints"
    shutil.copytree(CHECKPOINTS, dst)
    return dst


@pytest.fixture(scope="session")
def app_server(checkpoint_copy, artifacts):
    server = StreamlitServer(checkpoint_copy, artifacts / "streamlit-server.log")
    yield server
    server.stop()


def _require_browser() -> bool:
    return os.environ.get("AEVIZ_REQUIRE_BROWSER", "") not in ("", "0")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright. Skipped when absent, unless AEVIZ_REQUIRE_BROWSER=1
    (CI), where a missing browser fails the run instead."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if _require_browser():
            pytest.fail("playwright is not installed but browser tests are required")
        pytest.skip("playwright is not installed")
    if not Path(CHROMIUM).exists():
        if _require_browser():
            pytest.fail(f"{CHROMIUM} is missing but browser tests are required (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1100})
    pg = context.new_page()
    yield pg
    context.close()


def wait_for_app_idle(page, timeout_ms: int = 60000) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)


# The explorer panel's answer to the last click on map `slot` is the fragment rerun's: the decode
# route's earlier one (data-aeviz-fast) shows the same image, but the rerun then replaces it, and only
# the rerun brings the rest (the URL, the comparison row). A test that holds the panel's elements
# (their boxes, their attributes) waits for it.
RERUN_ANSWERED = ("(s) => { const t = window.__aevizClick && window.__aevizClick.targets[`latent_${s}`];"
                  " const el = document.querySelector(`.st-key-decoded_${s} [data-aeviz-seq]`);"
                  " return !!(t && t.lastSeq && el && Number(el.dataset.aevizSeq) === t.lastSeq"
                  " && !el.dataset.aevizFast); }")


def wait_for_rerun_answer(page, slot: str, timeout_ms: int = 30000) -> None:
    page.wait_for_function(RERUN_ANSWERED, arg=slot, timeout=timeout_ms)


# Elements whose text is cut short: an ellipsis or a hidden overflow (scrollWidth beyond clientWidth).
CUT_SHORT = """(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.innerText)"""


def cut_short(page, selector: str) -> list[str]:
    """The texts of the elements matching ``selector`` that the page cuts short."""
    return page.evaluate(CUT_SHORT, selector)


def boxes_overlap(a: dict, b: dict) -> bool:
    """Whether two boxes ({left, right, top, bottom}, as getBoundingClientRect gives) overlap by more
    than a pixel."""
    return a["left"] < b["right"] - 1 and b["left"] < a["right"] - 1 and a["top"] < b["bottom"] - 1 \
        and b["top"] < a["bottom"] - 1


def component_data(at, name: str) -> list[dict]:
    """The data each of an AppTest run's components called ``name`` was given (in page order)."""
    import json

    return [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name == name]


def latent_maps(at) -> list[dict]:
    """The latent maps of an AppTest run (aeviz/ui/latent_map.py), in page order."""
    return component_data(at, "aeviz_latent_map")


def map_area(key: str) -> str:
    """CSS selector of latent map ``key``'s plot area (aeviz/ui/web/latent_map.js): its client rect is
    the plot area, its events are the map's."""
    return f".st-key-{key} .aeviz-map-area"


def map_drawn(key: str) -> str:
    """CSS selector that matches once latent map ``key`` is drawn (latent_map.js sets data-points)."""
    return f".st-key-{key} canvas[data-points]"


def map_view(page, key: str) -> list[float]:
    """The [x0, x1, y0, y1] latent map ``key`` shows now (zoom and pan included)."""
    import json

    return json.loads(page.locator(f".st-key-{key} .aeviz-latent-map").get_attribute("data-view"))


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser/ is a browser test."""
    for item in items:
        if "browser" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (AEVIZ_REQUIRE_BROWSER=1) a skipped browser test is a failure, not a pass."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _require_browser() and item.get_closest_marker("browser"):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped but AEVIZ_REQUIRE_BROWSER=1: {report.longrepr}"
