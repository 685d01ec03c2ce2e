"""What the browser benchmarks share: Debian's Chromium and a real ``streamlit run`` server on a
free loopback port (the same set-up as the browser tests, tests/conftest.py)."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The app's page has finished its script run (Streamlit's attribute on the app's root element).
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHROMIUM = os.environ.get("AEVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(log, app: str = "app.py", port: int | None = None, warm: bool = False,
                 timeout: float = 180.0, root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """Start the app server (offline, shipped checkpoints) on a free loopback port; returns
    (process, url) once /_stcore/health answers. ``warm``: start it the way ``make run`` does
    (``python -m aeviz.ui.launch``, which warms the caches in the background) and also wait for
    its "warm" line in ``log``, so a first visit finds the server as a class would. ``root``: the
    checkout of aeviz to serve (another one, to compare two commits in one run)."""
    port = port or free_port()
    env = {**os.environ, "AEVIZ_OFFLINE": "1"}
    head = ["-m", "aeviz.ui.launch"] if warm else ["-m", "streamlit", "run", app]
    proc = subprocess.Popen([sys.executable, *head, "--server.headless=true",
                             f"--server.port={port}", "--server.address=127.0.0.1",
                             "--browser.gatherUsageStats=false"], cwd=root, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    healthy = False
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early; see {log.name}")
        if not healthy:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    healthy = True
            except OSError:
                time.sleep(0.3)
                continue
        if not warm or "aeviz: warm" in Path(log.name).read_text(errors="replace"):
            return proc, url
        time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"streamlit did not answer (or warm up) within {timeout:.0f} s; see {log.name}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def rss_mb(pids) -> float:
    """Resident memory of these processes (MB), from /proc (Linux)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds_of(name: str) -> float:
    """CPU seconds so far of every process whose command name starts with ``name``."""
    total = 0.0
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if (d / "comm").read_text().startswith(name):
                    total += cpu_seconds(int(d.name))
            except OSError:
                pass
    return total


@contextlib.contextmanager
def torch_bce_as_loss():
    """Inside: aeviz trains on torch's own ``F.binary_cross_entropy_with_logits`` (summed over
    pixels, batch-averaged) instead of ``aeviz.losses.summed_bce_with_logits``: the baseline that
    the BCE benchmarks compare with."""
    import torch

    from aeviz import losses

    def torch_bce(logits, target):
        return torch.nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="sum") / logits.shape[0]

    own = losses.summed_bce_with_logits
    losses.summed_bce_with_logits = torch_bce
    try:
        yield
    finally:
        losses.summed_bce_with_logits = own


def cpu_jiffies() -> tuple[int, int] | None:
    """(stolen, total) CPU time of the whole machine so far, from Linux's /proc/stat (None
    elsewhere). On a virtual machine "stolen" is time the host gave the VM's cores to others."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def steal_pct(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share of the CPU time between two ``cpu_jiffies()`` that the host took, in %."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return round(100.0 * (after[0] - before[0]) / (after[1] - before[1]), 1)


def percentile(values, q: float) -> float | None:
    if not len(values):
        return None
    import numpy as np

    return round(float(np.percentile(np.asarray(values, dtype=float), q)), 1)


# In the page: timestamps the mousedown (capture phase, before the map sees it) and the first
# animation frame after the decoded panel of map `slot` answers the click: the panel echoes the
# number of the click it shows (data-aeviz-seq, see click.js), and each click's number is larger
# than any before. Any other change inside the panel does not count: when a rerun starts,
# Streamlit marks the old answer stale (data-stale, a class), which is not the new image.
# t1: the first answer painted (the decode route's, or the rerun's where there is no route);
# t2: the fragment rerun's answer painted (not marked data-aeviz-fast), which follows it.
PROBE_JS = """
(slot) => {
  const answerEl = () => document.querySelector(`.st-key-decoded_${slot} [data-aeviz-seq]`);
  const seqOf = () => { const el = answerEl(); return el ? Number(el.dataset.aevizSeq) : 0; };
  const state = window.__aevizLat = {t0: null, t1: null, t2: null, seq: seqOf()};
  document.addEventListener('mousedown', () => { if (state.t0 === null) state.t0 = performance.now(); },
                            {capture: true, once: true});
  const before = state.seq;
  let seen1 = false, seen2 = false;
  const check = () => {
    const el = document.querySelector(`.st-key-decoded_${slot}`);
    if (!el || seqOf() <= before || !el.querySelector('img')) return;
    if (!seen1) { seen1 = true; requestAnimationFrame(() => { state.t1 = performance.now(); }); }
    if (!seen2 && !answerEl().dataset.aevizFast) {
      seen2 = true;
      requestAnimationFrame(() => { state.t2 = performance.now(); });
      obs.disconnect();
    }
  };
  const obs = new MutationObserver(check);
  obs.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}
"""


# In the page: the first animation frame after hover preview `key` (web/hover.js, its test hook)
# pins a new z, which the click on its map does: the clicked z decoded in the browser, beside the map.
PREVIEW_PROBE_JS = """(key) => {
  const state = window.__aevizPreview = {t: null};
  const pinned = () => JSON.stringify((window.aevizHover && window.aevizHover.info(key) || {}).pinned || null);
  const before = pinned();
  const watch = () => {
    if (pinned() !== before) requestAnimationFrame(() => { state.t = performance.now(); });
    else requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
}"""

def map_drawn(slot: str) -> str:
    """CSS selector that matches once explorer map `slot` is drawn (latent_map.js sets data-points)."""
    return f".st-key-latent_{slot} canvas[data-points]"


def plot_area(slot: str) -> str:
    """CSS selector of explorer map `slot`'s plot area (latent_map.js: its client rect is the plot area)."""
    return f".st-key-latent_{slot} .aeviz-map-area"
