"""Streamlit's own floor for a click that reruns a fragment, on this machine, in a real browser.

Runs ``benchmarks/apps/click_floor.py`` (a pad that reports clicks and a panel that echoes the
click's number, in one fragment: the explorer's click path without its model, maps or any other
element) and clicks it N times, timed as ``click_latency.py`` times the explorer (mousedown to the
frame in which the panel answers that click). The difference between the two is what the
explorer's page adds; this is what no change to the explorer can go below.

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/click_floor.py [--clicks 40] [--gap 0.7]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import CHROMIUM, CHROMIUM_ARGS, PROBE_JS, percentile, start_server, stop_server  # noqa: E402

APP = Path(__file__).resolve().parent / "apps" / "click_floor.py"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clicks", type=int, default=40)
    ap.add_argument("--gap", type=float, default=0.7, help="seconds between clicks")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    log = tempfile.NamedTemporaryFile("w", prefix="click-floor-", suffix=".log", delete=False)
    proc, url = start_server(log, app=str(APP))
    times: list[float] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            page.goto(url)
            page.wait_for_selector(".aeviz-floor-pad", timeout=60_000)
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
            page.wait_for_timeout(1500)
            for i in range(args.clicks):
                box = page.locator(".aeviz-floor-pad").bounding_box()
                page.evaluate(PROBE_JS, "floor")
                page.mouse.click(box["x"] + 20 + 9 * (i % 40), box["y"] + 150)
                page.wait_for_function("() => window.__aevizLat.t1 !== null", timeout=10_000)
                ms = page.evaluate("() => window.__aevizLat.t1 - window.__aevizLat.t0")
                times.append(ms)
                print(f"click {i + 1}: {ms:.1f} ms")
                page.wait_for_timeout(int(args.gap * 1000))
            browser.close()
    finally:
        stop_server(proc)
    print(json.dumps({"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "clicks": len(times)}))


if __name__ == "__main__":
    main()
