"""Hover-to-decode speed, in a real browser.

Starts ``streamlit run <app>`` on a free loopback port (shipped checkpoints, offline), opens it in
headless Chromium, and for each map (``latent_ae``, ``latent_vae``) moves the pointer along a
closed path over the plot area for ``--seconds``: real input events through the DevTools
protocol at ``--rate`` Hz like a mouse (Chromium coalesces them to at most one ``mousemove`` per
frame). The page's hover component
records, for every animation frame it drew, the pointer event's timestamp, the time the image
was drawn and the time just after that frame was painted (a task posted from inside the frame).

Prints new images per second (the hovered map's preview; with "same z in both" on, the other
preview is redrawn too and counted separately), event-to-paint p50/p95, and the page load with
and without the component (``?hover=0``), alternating, fresh browser context each time. The last
line is one JSON object with ``images_per_second`` and ``p95_ms``.

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/hover_fps.py [--seconds 5] [--loads 3] [--rate 250] [--app app.py]

Targets: >= 55 images/s, p95 <= 20 ms, page load no more than 1 s slower than without it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import CHROMIUM, CHROMIUM_ARGS, map_drawn, plot_area, start_server, stop_server  # noqa: E402
MAPS = ("ae", "vae")




async def load_once(browser, url: str, hover: bool) -> tuple[float, float | None]:
    """Seconds from navigation to both maps drawn and the script idle; and, with the component,
    to both previews ready to decode."""
    context = await browser.new_context(viewport={"width": 1600, "height": 1200})
    page = await context.new_page()
    t0 = time.perf_counter()
    await page.goto(url if hover else f"{url}/?hover=0")
    for slot in MAPS:
        await page.wait_for_selector(map_drawn(slot), timeout=120_000)
    await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
    maps = time.perf_counter() - t0
    ready = None
    if hover:
        await page.wait_for_function(READY, timeout=60_000)
        ready = time.perf_counter() - t0
        MOUNT_MS.append(await page.evaluate("aevizHover.mountMs"))
    await context.close()
    return maps, ready


MOUNT_MS: list[float] = []  # time the component's JavaScript spent mounting (parse + copy weights)


# Counts every animation frame the page produces (its frame rate, whatever the component does).
FRAME_COUNTER = """() => { window.__aevizFrames = 0; window.__aevizMoves = 0;
  if (!window.__aevizCounting) { window.__aevizCounting = true;
    document.addEventListener('mousemove', () => { window.__aevizMoves++; }, {capture: true, passive: true});
    const tick = () => { window.__aevizFrames++; requestAnimationFrame(tick); }; requestAnimationFrame(tick); } }"""
READY = "window.aevizHover && aevizHover.info('hover_ae') && aevizHover.info('hover_vae')"


async def sweep(page, cdp, slot: str, seconds: float, rate_hz: float) -> dict:
    """Move the pointer along a Lissajous path over one map for ``seconds``, one event every
    1/rate_hz s like a real mouse (sent without waiting for Chromium's acknowledgement, which comes
    only at the next frame); the component's per-frame records for that time."""
    box = await page.locator(plot_area(slot)).bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    ax, ay = 0.42 * box["width"], 0.42 * box["height"]
    await page.mouse.move(cx, cy)
    await page.wait_for_timeout(300)
    await page.evaluate("aevizHover.stats(true)")
    await page.evaluate(FRAME_COUNTER)
    sent, pending, t0 = 0, [], time.perf_counter()
    while (t := time.perf_counter() - t0) < seconds:
        # One lap every 2.5 s: about 1,000 px/s, a brisk sweep across the plane.
        a = 2 * math.pi * t / 2.5
        x, y = cx + ax * math.sin(a), cy + ay * math.sin(2 * a + 0.3)
        pending.append(asyncio.ensure_future(cdp.send("Input.dispatchMouseEvent",
                                                      {"type": "mouseMoved", "x": x, "y": y})))
        sent += 1
        await asyncio.sleep(max(0.0, t0 + sent / rate_hz - time.perf_counter()))
    elapsed = time.perf_counter() - t0
    frames_made, delivered = await page.evaluate("[window.__aevizFrames, window.__aevizMoves]")
    await asyncio.gather(*pending)
    await page.wait_for_timeout(100)  # the last frame's "painted" stamp
    stats = await page.evaluate("aevizHover.stats(true)")
    recs = [r for r in stats["records"] if r["painted"] == r["painted"]]  # drop NaN (not yet painted)
    return {"map": slot, "seconds": elapsed, "moves": sent, "frames": len(stats["records"]),
            "browser_fps": frames_made / elapsed, "delivered": delivered,
            "images_per_second": len(stats["records"]) / elapsed,
            "all_images_per_second": stats["images"] / elapsed,
            "latency": np.array([r["painted"] - r["ev"] for r in recs]),
            "drawn": np.array([r["drawn"] - r["ev"] for r in recs])}


async def run(args) -> None:
    from playwright.async_api import async_playwright

    log = tempfile.NamedTemporaryFile("w", prefix="hover-fps-", suffix=".log", delete=False)
    proc, url = start_server(log, args.app)
    results, loads = [], {"on": [], "off": [], "ready": []}
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            await load_once(browser, url, True)  # warm the server's caches (models, maps) first
            for i in range(args.loads):
                for hover in ((False, True) if i % 2 == 0 else (True, False)):
                    maps, ready = await load_once(browser, url, hover)
                    loads["on" if hover else "off"].append(maps)
                    if ready is not None:
                        loads["ready"].append(ready)
                    print(f"load {'with' if hover else 'without'} the component: maps {maps:.2f} s"
                          + (f", previews ready {ready:.2f} s" if ready is not None else ""))
            page = await browser.new_page(viewport={"width": 1600, "height": 1200})
            await page.goto(url)
            await page.wait_for_function(READY, timeout=120_000)
            await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                                         timeout=120_000)
            await page.wait_for_timeout(1000)
            if args.one_map:
                await page.locator(".st-key-hover_same_z label").click()
                await page.wait_for_function("!aevizHover.info('hover_ae').linked")
                await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
            linked = await page.evaluate("aevizHover.info('hover_ae').linked")
            cdp = await page.context.new_cdp_session(page)
            for slot in MAPS:
                r = await sweep(page, cdp, slot, args.seconds, args.rate)
                results.append(r)
                print(f"{slot}: {r['moves']} pointer events in {r['seconds']:.1f} s; the page made "
                      f"{r['browser_fps']:.1f} frames/s and dispatched {r['delivered']} mousemove events "
                      f"to the page; {r['frames']} frames drew a new image: "
                      f"{r['images_per_second']:.1f} new images/s on this map's preview "
                      f"({r['all_images_per_second']:.1f}/s counting the other preview, same z in both={linked}); "
                      f"event->paint p50 {np.percentile(r['latency'], 50):.1f} ms, "
                      f"p95 {np.percentile(r['latency'], 95):.1f} ms; event->drawn p50 "
                      f"{np.percentile(r['drawn'], 50):.1f} ms, p95 {np.percentile(r['drawn'], 95):.1f} ms")
            await browser.close()
    finally:
        stop_server(proc)
    lat = np.concatenate([r["latency"] for r in results])
    on, off = float(np.median(loads["on"])), float(np.median(loads["off"]))
    print(f"page load (median of {args.loads}): {on:.2f} s with the component, {off:.2f} s without "
          f"(+{on - off:.2f} s, spread {min(loads['on']):.2f}-{max(loads['on']):.2f} s with, "
          f"{min(loads['off']):.2f}-{max(loads['off']):.2f} s without); previews ready "
          f"{np.median(loads['ready']):.2f} s; the component's JavaScript spent {np.median(MOUNT_MS):.1f} ms "
          f"mounting (parse + copy weights)")
    print(json.dumps({
        "images_per_second": round(min(r["images_per_second"] for r in results), 1),
        "p50_ms": round(float(np.percentile(lat, 50)), 1),
        "p95_ms": round(float(np.percentile(lat, 95)), 1),
        "per_map": {r["map"]: round(r["images_per_second"], 1) for r in results},
        "browser_fps": round(min(r["browser_fps"] for r in results), 1),
        "load_s": round(on, 2), "load_s_without": round(off, 2), "load_delta_s": round(on - off, 2),
        "previews_ready_s": round(float(np.median(loads["ready"])), 2),
        "mount_ms": round(float(np.median(MOUNT_MS)), 1),
        "same_z_in_both": linked, "pointer_hz": args.rate, "app": args.app, "cpu_count": os.cpu_count(),
    }))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--app", default="app.py", help="streamlit script whose page has both maps")
    ap.add_argument("--seconds", type=float, default=5.0, help="pointer sweep per map")
    ap.add_argument("--rate", type=float, default=250.0, help="pointer events per second (a mouse: 125-1000)")
    ap.add_argument("--loads", type=int, default=3, help="page loads with and without the component")
    ap.add_argument("--one-map", action="store_true", help="turn 'Same z in both' off: one decode per frame")
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()
