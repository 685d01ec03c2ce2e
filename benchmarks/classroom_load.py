"""A class at once: many protocol sessions clicking the explorer, and one real browser measuring
what a student sees.

A 2-core machine cannot render thirty pages, so ``--sessions`` (default 29) sessions speak
Streamlit's websocket protocol directly (``benchmarks/protocol.py``: Streamlit's own ``BackMsg`` /
``ForwardMsg`` classes, the rerun message a browser sends when the click listener fires, nothing
rendered). Each opens the explorer, then clicks a random spot of one map, then the other, about
once a second (``--gap``, jittered) for ``--duration`` seconds, and waits for the decoded panel that
answers that very click (``data-aeviz-seq``). A click not answered within ``--timeout`` seconds is
lost. One headless Chromium (Playwright) opens the explorer first and clicks at the same pace,
timing mousedown -> the frame in which the new decoded image is in the DOM (the decode route's
answer, aeviz/ui/decode_route.py), and -> the frame of the fragment rerun's answer, which must come
for the click to count as answered.

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/classroom_load.py [--sessions 29] [--duration 60]
    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/classroom_load.py --url http://127.0.0.1:8080 --pids 123,456

Without ``--url`` it starts ``streamlit run app.py`` on a free loopback port. With ``--url`` it
drives a running server (e.g. ``make serve REPLICAS=2``); ``--pids`` names the app processes whose
memory it reports. The last line is one JSON object: ``sessions`` (protocol sessions + the
browser), ``clicks``, ``lost_clicks``, ``errors``, ``p50_ms``/``p95_ms`` (the browser's
click-to-image latency), ``browser_rerun_p50_ms``/``browser_rerun_p95_ms`` (to the rerun's answer), ``protocol_p50_ms``/``protocol_p95_ms`` (click -> answer at the protocol
clients), ``rss_mb_per_session`` (server memory growth while the sessions opened, per session).
Targets: 0 lost, 0 errors, browser p95 <= 500 ms.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (CHROMIUM, CHROMIUM_ARGS, PROBE_JS, percentile, plot_area, rss_mb,  # noqa: E402
                     start_server, stop_server)
from protocol import ExplorerSession, ProtocolError  # noqa: E402

SLOTS = ("ae", "vae")


class Tally:
    def __init__(self) -> None:
        self.clicks = 0
        self.lost = 0
        self.errors: list[str] = []
        self.protocol_ms: list[float] = []
        self.browser_ms: list[float] = []
        self.browser_rerun_ms: list[float] = []
        self.browser_clicks = 0
        self.browser_lost = 0
        self.resent = 0  # protocol clicks sent again: unanswered after RESEND_S (dropped, or slow)
        self.browser_resent = 0


async def protocol_session(i: int, url: str, args, tally: Tally, opened: asyncio.Event,
                           start: asyncio.Event, open_times: list[float]) -> None:
    rng = random.Random(args.seed * 1000 + i)
    session = ExplorerSession(url, timeout=args.open_timeout)
    try:
        await asyncio.sleep(i * args.stagger)
        open_times.append(await session.open())
    except (OSError, ProtocolError, asyncio.TimeoutError) as e:
        tally.errors.append(f"session {i}: open failed: {type(e).__name__}: {e}")
        opened.set()
        await session.close()
        return
    opened.set()
    await start.wait()
    stop_at = time.monotonic() + args.duration
    await asyncio.sleep(rng.uniform(0, args.gap))  # students do not click in step
    n = 0
    try:
        while time.monotonic() < stop_at:
            t0 = time.monotonic()
            slot = SLOTS[n % 2]
            n += 1
            # Anywhere on the plane, mostly inside the codes (a student's click), as click.js sends it.
            x, y = rng.uniform(-3, 3), rng.uniform(-3, 3)
            tally.clicks += 1
            took = await session.click(slot, x, y, timeout=args.timeout)
            if took is None:
                tally.lost += 1
                print(f"session {i}: {slot} click {session.seq} not answered within {args.timeout} s", flush=True)
            else:
                tally.protocol_ms.append(took * 1000)
            await asyncio.sleep(max(0.0, args.gap * rng.uniform(0.8, 1.2) - (time.monotonic() - t0)))
    except (OSError, ProtocolError) as e:
        tally.errors.append(f"session {i}: {type(e).__name__}: {e}")
    finally:
        tally.resent += session.resent
        tally.errors.extend(f"session {i}: app exception {e}" for e in session.exceptions)
        await session.close()


async def browser_session(url: str, args, tally: Tally, ready: asyncio.Event, start: asyncio.Event,
                          out: dict) -> None:
    from playwright.async_api import async_playwright

    rng = random.Random(args.seed)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1600, "height": 1200})
        try:
            t = time.monotonic()
            await page.goto(url)
            for slot in SLOTS:
                await page.wait_for_selector(plot_area(slot), timeout=120_000)
            out["browser_maps_s"] = round(time.monotonic() - t, 2)
            await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                                         timeout=120_000)
            await page.wait_for_timeout(1000)
        except Exception as e:  # noqa: BLE001 - reported, the protocol sessions still run
            tally.errors.append(f"browser: page did not load: {e}")
            ready.set()
            await browser.close()
            return
        ready.set()
        await start.wait()
        stop_at = time.monotonic() + args.duration
        n = 0
        while time.monotonic() < stop_at:
            t0 = time.monotonic()
            slot = SLOTS[n % 2]
            n += 1
            box = await page.locator(plot_area(slot)).bounding_box()
            fx, fy = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)
            await page.evaluate(PROBE_JS, slot)
            await page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            tally.clicks += 1
            tally.browser_clicks += 1
            try:
                # Answered once the fragment rerun's answer is there (t2: it brings the URL and the
                # comparison row); timed to the first image of the click (t1: the decode route's).
                await page.wait_for_function("() => window.__aevizLat.t2 !== null", timeout=args.timeout * 1000)
                lat = await page.evaluate("() => [window.__aevizLat.t1 - window.__aevizLat.t0,"
                                          " window.__aevizLat.t2 - window.__aevizLat.t0]")
                tally.browser_ms.append(lat[0])
                tally.browser_rerun_ms.append(lat[1])
            except Exception:  # noqa: BLE001 - a click that decoded nothing is lost
                tally.lost += 1
                tally.browser_lost += 1
                print(f"browser: {slot} click {n} showed no new image within {args.timeout} s", flush=True)
            await asyncio.sleep(max(0.0, args.gap * rng.uniform(0.8, 1.2) - (time.monotonic() - t0)))
        tally.browser_resent = await page.evaluate("() => (window.__aevizClick || {}).resent || 0")
        shot = Path(args.screenshot) if args.screenshot else None
        if shot:
            shot.parent.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(shot))
        await browser.close()


async def drive(url: str, pids: list[int], args) -> dict:
    tally = Tally()
    start = asyncio.Event()
    out: dict = {}
    tasks = []
    if args.browser:
        ready = asyncio.Event()
        tasks.append(asyncio.create_task(browser_session(url, args, tally, ready, start, out)))
        await ready.wait()
    # One session opened and closed first, so the baseline holds what any session allocates once.
    first = ExplorerSession(url, timeout=args.open_timeout)
    try:
        await first.open()
    except (OSError, ProtocolError, asyncio.TimeoutError) as e:
        tally.errors.append(f"first session: open failed: {type(e).__name__}: {e}")
    await first.close()
    await asyncio.sleep(1.0)
    rss0 = rss_mb(pids)
    opened = [asyncio.Event() for _ in range(args.sessions)]
    open_times: list[float] = []
    t_open = time.monotonic()
    tasks += [asyncio.create_task(protocol_session(i, url, args, tally, opened[i], start, open_times))
              for i in range(args.sessions)]
    for ev in opened:
        await ev.wait()
    out["open_all_s"] = round(time.monotonic() - t_open, 1)
    await asyncio.sleep(1.0)
    rss1 = rss_mb(pids)
    print(f"{len(open_times)} protocol sessions open in {out['open_all_s']} s "
          f"(each {percentile(open_times, 50)} s median); server RSS {rss0:.0f} -> {rss1:.0f} MB", flush=True)
    start.set()
    await asyncio.gather(*tasks)
    rss2 = rss_mb(pids)
    n_sessions = args.sessions + (1 if args.browser else 0)
    result = {
        "sessions": n_sessions,
        "clicks": tally.clicks,
        "lost_clicks": tally.lost,
        "errors": len(tally.errors),
        "p50_ms": percentile(tally.browser_ms, 50),
        "p95_ms": percentile(tally.browser_ms, 95),
        "browser_rerun_p50_ms": percentile(tally.browser_rerun_ms, 50),
        "browser_rerun_p95_ms": percentile(tally.browser_rerun_ms, 95),
        "rss_mb_per_session": round((rss1 - rss0) / max(1, len(open_times)), 2) if pids else None,
        "browser_clicks": tally.browser_clicks,
        "browser_lost": tally.browser_lost,
        "resent": tally.resent,
        "browser_resent": tally.browser_resent,
        "protocol_p50_ms": percentile(tally.protocol_ms, 50),
        "protocol_p95_ms": percentile(tally.protocol_ms, 95),
        "server_rss_mb": [round(rss0), round(rss1), round(rss2)] if pids else None,
        "duration_s": args.duration,
        "replicas": len(pids) if pids else None,
        "cpu_count": os.cpu_count(),
        **out,
    }
    for e in tally.errors[:20]:
        print("error:", e)
    return result


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=29, help="protocol sessions (the browser comes on top)")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of clicking")
    ap.add_argument("--gap", type=float, default=1.0, help="seconds between one session's clicks")
    ap.add_argument("--timeout", type=float, default=10.0, help="a click not answered within this is lost")
    ap.add_argument("--open-timeout", type=float, default=180.0)
    ap.add_argument("--stagger", type=float, default=0.1, help="seconds between session arrivals")
    ap.add_argument("--no-browser", dest="browser", action="store_false")
    ap.add_argument("--url", help="drive this running server instead of starting one")
    ap.add_argument("--pids", default="", help="with --url: comma-separated app process ids (memory)")
    ap.add_argument("--screenshot", default="", help="save the browser page here at the end")
    ap.add_argument("--seed", type=int, default=0)
    return ap.parse_args(argv)


def run(args) -> dict:
    if args.url:
        pids = [int(p) for p in args.pids.split(",") if p.strip()]
        return asyncio.run(drive(args.url.rstrip("/"), pids, args))
    log = tempfile.NamedTemporaryFile("w", prefix="classroom-load-", suffix=".log", delete=False)
    proc, url = start_server(log)
    try:
        return asyncio.run(drive(url, [proc.pid], args))
    finally:
        stop_server(proc)


def main() -> None:
    args = parse_args()
    print(json.dumps(run(args)))


if __name__ == "__main__":
    main()
