"""Click -> decoded image latency of the latent explorer, in a real browser.

Starts the app the way ``make run`` does (``python -m aeviz.ui.launch``: the server warms its
caches in the background) on a free loopback port (shipped checkpoints, offline) and waits until
it is warm; then the first visit: headless Chromium opens the explorer and the time until both
maps are on screen is printed (``first_visit_s``). Then it clicks each map N times (default 20) at
seeded random spots, one click every ``--gap`` seconds, and measures in the page from the
``mousedown`` to the animation frame in which the decoded panel under the map shows the answer to
that click (the server decoded the clicked z; the panel echoes the click's number) in the DOM, the
frame it is painted in. It also times the hover preview beside the map, which shows the same z
decoded in the browser: the first image of the clicked z a student sees. Prints one line per click,
p50/p95 per map and overall; the last line is one JSON object with ``p50_ms``, ``p95_ms`` (the
server's panel), ``preview_p50_ms``, ``preview_p95_ms``, ``first_visit_s`` and
``page_language_ms_per_click`` (what the watcher that puts Streamlit's own words in the page's
language spent per click; ``--lang vi`` for a page where it rewrites them).

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/click_latency.py [--clicks 20] [--gap 1.0] [--no-warm] [--lang vi]

``--no-warm`` starts plain ``streamlit run app.py`` instead (the first visit then pays for torch's
import and every cache), for comparison.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (CHROMIUM, CHROMIUM_ARGS, PREVIEW_PROBE_JS, PROBE_JS, map_drawn, percentile,  # noqa: E402
                     plot_area, start_server, stop_server)

# The time the page's language watcher (aeviz/ui/web/page_language.js) has spent so far, in ms.
LANGUAGE_MS = "() => (window.__aevizPageLanguage || {spentMs: 0}).spentMs"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clicks", type=int, default=20, help="clicks per map")
    ap.add_argument("--gap", type=float, default=1.0, help="seconds between clicks")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lang", choices=("en", "vi"), default=None,
                    help="the page's language (default: the browser's, English)")
    ap.add_argument("--no-warm", dest="warm", action="store_false",
                    help="start plain `streamlit run app.py` (no warm-up) to compare the first visit")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    rng = np.random.default_rng(args.seed)
    log = tempfile.NamedTemporaryFile("w", prefix="click-latency-", suffix=".log", delete=False)
    t_start = time.time()
    proc, url = start_server(log, warm=args.warm)
    ready_s = time.time() - t_start
    times: dict[str, list[float]] = {"ae": [], "vae": []}
    previews: list[float] = []
    reruns: list[float] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            t = time.time()
            page.goto(f"{url}/?lang={args.lang}" if args.lang else url)
            for slot in times:
                page.wait_for_selector(map_drawn(slot), timeout=120_000)
            first_visit = time.time() - t
            print(f"server ready{' and warm' if args.warm else ''} {ready_s:.1f} s after start; first visit: "
                  f"both maps on screen {first_visit:.2f} s after the page was opened")
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
            page.wait_for_timeout(1500)
            language_ms = page.evaluate(LANGUAGE_MS)
            for i in range(args.clicks):
                for slot in times:
                    box = page.locator(plot_area(slot)).bounding_box()
                    # Seeded spots in the inner 80 % of the plot area: empty space and data points alike.
                    fx, fy = rng.uniform(0.1, 0.9, 2)
                    page.evaluate(PROBE_JS, slot)
                    page.evaluate(PREVIEW_PROBE_JS, f"hover_{slot}")
                    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
                    try:
                        page.wait_for_function("() => window.__aevizLat.t1 !== null", timeout=10_000)
                    except Exception:  # noqa: BLE001 - a click that decoded nothing is reported, not timed
                        print(f"{slot} click {i + 1}: no new image within 10 s")
                        continue
                    ms = page.evaluate("() => window.__aevizLat.t1 - window.__aevizLat.t0")
                    times[slot].append(ms)
                    try:
                        page.wait_for_function("() => window.__aevizLat.t2 !== null", timeout=10_000)
                        reruns.append(page.evaluate("() => window.__aevizLat.t2 - window.__aevizLat.t0"))
                    except Exception:  # noqa: BLE001 - reported below as fewer rerun answers than clicks
                        print(f"{slot} click {i + 1}: no rerun answer within 10 s")
                    preview = page.evaluate("() => window.__aevizPreview.t === null ? null"
                                            " : window.__aevizPreview.t - window.__aevizLat.t0")
                    if preview is not None:
                        previews.append(preview)
                    print(f"{slot} click {i + 1}: {ms:.1f} ms" + (f" (preview {preview:.1f} ms)" if preview is not None else ""))
                    page.wait_for_timeout(int(args.gap * 1000))
            final_language_ms = page.evaluate(LANGUAGE_MS)
            browser.close()
    finally:
        stop_server(proc)
    everything = np.array(times["ae"] + times["vae"])
    for slot, values in times.items():
        if values:
            print(f"{slot}: n={len(values)} p50 {np.percentile(values, 50):.1f} ms, "
                  f"p95 {np.percentile(values, 95):.1f} ms")
    print(json.dumps({"page_language_ms_per_click": round((final_language_ms - language_ms) / max(1, everything.size), 3),
                      "p50_ms": percentile(everything, 50), "p95_ms": percentile(everything, 95),
                      "rerun_p50_ms": percentile(reruns, 50), "rerun_p95_ms": percentile(reruns, 95),
                      "rerun_answers": len(reruns),
                      "preview_p50_ms": percentile(previews, 50), "preview_p95_ms": percentile(previews, 95),
                      "clicks": int(everything.size), "gap_s": args.gap, "first_visit_s": round(first_visit, 2),
                      "warm": args.warm, "cpu_count": os.cpu_count()}))


if __name__ == "__main__":
    main()
