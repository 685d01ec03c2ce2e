"""The Training studio's default run (MNIST sample, AE + VAE together, 10 epochs, MLP) through
``aeviz.jobs``, without the UI: the seconds a teacher waits after pressing Start.

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/studio_default_run.py [--repeats 3] [--baseline] [--browser]

Each repeat is one whole job, as the studio runs it (the AE and the VAE in two threads, one torch
thread each). Besides the wall clock it gives the CPU seconds the job used: on a machine shared
with other work the wall clock grows, the CPU time barely moves. The last line is one JSON object
with ``seconds`` (median) and ``seconds_range``, ``cpu_seconds`` likewise, and ``samples_per_second``.

``--baseline`` alternates each repeat with one whose loss is torch's own
``F.binary_cross_entropy_with_logits`` instead of aeviz's (``aeviz.losses.summed_bce_with_logits``,
the same values without torch's unvectorised ``log1p``) and adds ``baseline_seconds`` and
``baseline_cpu_seconds``.

``--browser`` measures what the teacher sees instead: the app started as ``make run`` does, the
studio opened in headless Chromium, Start pressed with the default settings, and the seconds
until the page says "Finished: 10 of 10 epochs" (the page polls the job once a second and redraws
its plots meanwhile, on the same two cores), then until both finished maps are drawn
(``final_view_seconds``); then it moves the replay back five epochs, one key press at a time, and
times each press until the AE's map shows that epoch (``replay_ms``). Each repeat opens a fresh
session. With ``--baseline`` a second server draws the plots as plotly charts
(``AEVIZ_STUDIO_PLOTS=plotly``, rebuilt at every poll, as before the canvases) and the repeats
alternate between the two.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from aeviz import training  # noqa: E402
from aeviz.data import load_dataset  # noqa: E402
from aeviz.jobs import Job, JobSpec  # noqa: E402
from harness import APP_IDLE, cpu_seconds, cpu_seconds_of, torch_bce_as_loss  # noqa: E402


def one_run(dataset, baseline: bool = False) -> tuple[float, float, float]:
    """(wall seconds as the job reports them, CPU seconds of the process meanwhile, samples/s)."""
    cpu = time.process_time()
    with torch_bce_as_loss() if baseline else contextlib.nullcontext():
        job = Job(JobSpec("mnist"), dataset, heartbeat_s=1e9).start()
        job.wait()
    view = job.view()
    if view.state != "finished":
        raise RuntimeError(f"the run ended {view.state}: {view.message}")
    return view.seconds, time.process_time() - cpu, view.samples_per_second


# Both maps of the finished view drawn: the explorer's map widget, or (AEVIZ_STUDIO_PLOTS=plotly) plotly's.
FINAL_MAPS_JS = """() => ['ae', 'vae'].every((k) => {
  const el = document.querySelector(`.st-key-studio_map_${k}`);
  return el && (el.querySelector('canvas[data-points]') || el.querySelector('.js-plotly-plot .main-svg'));
})"""
# The AE's finished map shows epoch ``arg`` (its widget names the epoch in the canvas's label; plotly in its title).
AE_MAP_AT_EPOCH_JS = """(epoch) => {
  const el = document.querySelector('.st-key-studio_map_ae');
  const canvas = el && el.querySelector('canvas[data-points]');
  const title = el && el.querySelector('.gtitle');
  const text = canvas ? canvas.getAttribute('aria-label') || '' : title ? title.textContent : '';
  return text.endsWith(`epoch ${epoch}`);
}"""


def _replay_steps(page, epochs: int = 10, steps: int = 5) -> list[float]:
    """Milliseconds from a key press on the replay's slider (one epoch back) to the AE's map at that epoch."""
    thumb = page.locator("[class*='st-key-studio_epoch_'] input[type='range']")
    page.wait_for_selector(APP_IDLE, timeout=60_000)
    page.wait_for_timeout(1000)
    out = []
    for epoch in range(epochs - 1, epochs - 1 - steps, -1):
        thumb.focus()
        t0 = time.perf_counter()
        thumb.press("ArrowLeft")
        page.wait_for_function(AE_MAP_AT_EPOCH_JS, arg=epoch, timeout=60_000, polling=10)
        out.append((time.perf_counter() - t0) * 1000)
        page.wait_for_selector(APP_IDLE, timeout=60_000)
        page.wait_for_timeout(300)
    return out


def browser_runs(repeats: int, baseline: bool = False) -> dict[str, dict[str, list[float]]]:
    """Per way of drawing the plots ("canvas"; with ``baseline`` also "plotly"): the seconds from
    pressing Start to "Finished: 10 of 10 epochs" on the page (``finished``) and to both finished
    maps drawn (``final``), per repeat, and the milliseconds of each replay step (``replay_ms``)."""
    import tempfile

    from playwright.sync_api import sync_playwright

    from harness import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server

    servers = {}
    ways = ("canvas", "plotly") if baseline else ("canvas",)
    out = {w: {"finished": [], "final": [], "replay_ms": []} for w in ways}
    try:
        for way in ways:
            os.environ["AEVIZ_STUDIO_PLOTS"] = way
            log = tempfile.NamedTemporaryFile("w", prefix=f"studio-run-{way}-", suffix=".log", delete=False)
            servers[way] = start_server(log, warm=True)
        os.environ.pop("AEVIZ_STUDIO_PLOTS", None)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for r in range(repeats):
                for way in (ways if r % 2 == 0 else ways[::-1]):  # alternate, so drift hits both alike
                    proc, url = servers[way]
                    got = out[way]
                    page = browser.new_page(viewport={"width": 1600, "height": 1000})
                    page.goto(f"{url}/studio")
                    start = page.locator(".st-key-studio_start button")
                    start.wait_for(timeout=120_000)
                    page.wait_for_selector(APP_IDLE, timeout=60_000)
                    cpu0 = cpu_seconds(proc.pid), cpu_seconds_of("chrom")
                    t0 = time.perf_counter()
                    start.click()
                    done = page.locator("[data-testid='stProgress']").get_by_text("Finished: 10 of 10 epochs")
                    done.wait_for(timeout=300_000)
                    got["finished"].append(time.perf_counter() - t0)
                    page.wait_for_function(FINAL_MAPS_JS, timeout=120_000, polling=20)
                    got["final"].append(time.perf_counter() - t0)
                    cpu1 = cpu_seconds(proc.pid), cpu_seconds_of("chrom")
                    replay = _replay_steps(page)
                    got["replay_ms"] += replay
                    print(f"run {r + 1}, plots as {way}: Start -> 'Finished' on the page {got['finished'][-1]:.1f} s "
                          f"({done.inner_text()}), -> the finished maps drawn {got['final'][-1]:.1f} s; "
                          f"CPU s: server {cpu1[0] - cpu0[0]:.1f}, browser {cpu1[1] - cpu0[1]:.1f}; replay steps "
                          f"{', '.join(f'{ms:.0f}' for ms in replay)} ms", flush=True)
                    page.close()
                    time.sleep(2)  # the job's place is released by the registry
            browser.close()
    finally:
        for proc, _ in servers.values():
            stop_server(proc)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--baseline", action="store_true",
                   help="alternate with runs on torch's own BCE (with --browser: with plotly live plots)")
    p.add_argument("--browser", action="store_true", help="time Start -> 'Finished' in a real browser instead")
    args = p.parse_args()
    if args.browser:
        summary = {"state": "finished", "repeats": args.repeats, "browser": True, "cpu_count": os.cpu_count()}
        for way, got in browser_runs(args.repeats, args.baseline).items():
            secs, fin, replay = got["finished"], got["final"], got["replay_ms"]
            print(f"plots as {way}, median of {args.repeats}: 'Finished' {statistics.median(secs):.1f} s "
                  f"({min(secs):.1f}-{max(secs):.1f}), the finished maps {statistics.median(fin):.1f} s "
                  f"({min(fin):.1f}-{max(fin):.1f}); a replay step {statistics.median(replay):.0f} ms "
                  f"({min(replay):.0f}-{max(replay):.0f}, {len(replay)} steps)")
            prefix = "" if way == "canvas" else "baseline_"
            summary.update({f"{prefix}seconds": round(statistics.median(secs), 2),
                            f"{prefix}seconds_range": [round(min(secs), 2), round(max(secs), 2)],
                            f"{prefix}final_view_seconds": round(statistics.median(fin), 2),
                            f"{prefix}final_view_seconds_range": [round(min(fin), 2), round(max(fin), 2)],
                            f"{prefix}replay_ms": round(statistics.median(replay)),
                            f"{prefix}replay_ms_range": [round(min(replay)), round(max(replay))]})
        print(json.dumps(summary))
        return
    dataset = load_dataset("mnist", allow_download=False)
    training.warm_up()  # as the server's warm-up does before a teacher can press Start
    walls, cpus, rates = [], [], []
    base_walls, base_cpus = [], []
    for r in range(args.repeats):
        # With --baseline each repeat also runs on torch's BCE, alternately first and second, so
        # drift on a shared machine hits both alike.
        order = [False, True] if args.baseline else [False]
        for baseline in (order if r % 2 == 0 else order[::-1]):
            wall, cpu, rate = one_run(dataset, baseline=baseline)
            if baseline:
                base_walls.append(wall)
                base_cpus.append(cpu)
                print(f"run {r + 1}, torch's BCE: {wall:.1f} s, {cpu:.1f} CPU s", flush=True)
            else:
                walls.append(wall)
                cpus.append(cpu)
                rates.append(rate)
                print(f"run {r + 1}: {wall:.1f} s, {cpu:.1f} CPU s, {rate:,.0f} samples/s (both models)", flush=True)
    print(f"median of {args.repeats}: {statistics.median(walls):.1f} s ({min(walls):.1f}-{max(walls):.1f}), "
          f"{statistics.median(cpus):.1f} CPU s ({min(cpus):.1f}-{max(cpus):.1f})")
    extra = {}
    if base_walls:
        extra = {"baseline_seconds": round(statistics.median(base_walls), 2),
                 "baseline_seconds_range": [round(min(base_walls), 2), round(max(base_walls), 2)],
                 "baseline_cpu_seconds": round(statistics.median(base_cpus), 2)}
        print(f"with torch's BCE: {statistics.median(base_walls):.1f} s ({min(base_walls):.1f}-{max(base_walls):.1f}), "
              f"{statistics.median(base_cpus):.1f} CPU s")
    print(json.dumps({"state": "finished", "repeats": args.repeats,
                      "seconds": round(statistics.median(walls), 2),
                      "seconds_range": [round(min(walls), 2), round(max(walls), 2)],
                      "cpu_seconds": round(statistics.median(cpus), 2),
                      "cpu_seconds_range": [round(min(cpus), 2), round(max(cpus), 2)],
                      "samples_per_second": round(statistics.median(rates), 1), "cpu_count": os.cpu_count(), **extra}))


if __name__ == "__main__":
    main()
