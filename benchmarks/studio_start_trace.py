"""What pressing Start in the studio costs the browser: a Chromium trace of the page from just before
the press to ``--seconds`` after it, while the two trainings begin on the same cores.

Starts the app as ``make run`` does (``python -m aeviz.ui.launch``, warm), opens ``/studio`` in
headless Chromium (a fresh page each repeat), waits until it is idle, starts tracing, presses Start
with the default settings and stops tracing ``--seconds`` later. Per repeat it prints the
milliseconds the page's main thread was busy after the press (the sum of its top-level tasks) and
how many times the page's address was updated (each ``st.query_params`` write is one message to the
browser, which replaces its history entry for it). The last line is one JSON object with
``main_thread_ms`` (median) and its range, and ``url_updates``.

``--against DIR`` runs a second server from another checkout of aeviz (e.g. ``git worktree add
/tmp/before <commit>``) and alternates the repeats between the two, so drift on a shared machine
hits both alike; the JSON then also has ``against_main_thread_ms``, its range and ``against_url_updates``.

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/studio_start_trace.py [--repeats 5] [--seconds 1.2] [--against DIR]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import APP_IDLE, CHROMIUM, CHROMIUM_ARGS, ROOT, start_server, stop_server  # noqa: E402

CATEGORIES = ["devtools.timeline", "toplevel", "blink"]


def trace_summary(data: bytes) -> tuple[float, int]:
    """(ms of the renderer's main thread in top-level tasks from the press on, URL updates) of a trace."""
    trace = json.loads(data)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    main = {(e["pid"], e["tid"]) for e in events
            if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    presses = [e["ts"] for e in events if e.get("name") == "EventHandler::handleMousePressEvent"]
    if not presses:
        raise RuntimeError("the trace holds no mouse press: Start was not clicked inside it")
    # From the task that handles the press on (the mouse move before it belongs to the press too).
    since = min(presses) - 20_000
    busy = sum(e.get("dur", 0) for e in events
               if e.get("ph") == "X" and e.get("name") == "ThreadControllerImpl::RunTask"
               and (e["pid"], e["tid"]) in main and e["ts"] >= since)
    updates = sum(1 for e in events if e.get("ph") == "X"
                  and e.get("name") == "FrameLoader::updateForSameDocumentNavigation")
    return busy / 1000, updates


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--seconds", type=float, default=1.2, help="how long to trace after the press")
    p.add_argument("--against", type=Path, help="another aeviz checkout to alternate with")
    args = p.parse_args()

    from playwright.sync_api import sync_playwright

    roots = {"this": ROOT}
    if args.against:
        roots["against"] = args.against.resolve()
    servers = {}
    got: dict[str, dict[str, list]] = {k: {"ms": [], "updates": []} for k in roots}
    try:
        for name, root in roots.items():
            log = tempfile.NamedTemporaryFile("w", prefix=f"studio-start-{name}-", suffix=".log", delete=False)
            servers[name] = start_server(log, warm=True, root=root)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for r in range(args.repeats):
                for name in (list(roots) if r % 2 == 0 else list(roots)[::-1]):
                    page = browser.new_page(viewport={"width": 1600, "height": 1000})
                    page.goto(f"{servers[name][1]}/studio")
                    start = page.locator(".st-key-studio_start button")
                    start.wait_for(timeout=120_000)
                    page.wait_for_selector(APP_IDLE, timeout=60_000)
                    page.wait_for_timeout(1500)
                    browser.start_tracing(page=page, categories=CATEGORIES)
                    page.wait_for_timeout(300)
                    start.click()
                    page.wait_for_timeout(int(args.seconds * 1000))
                    ms, updates = trace_summary(browser.stop_tracing())
                    got[name]["ms"].append(ms)
                    got[name]["updates"].append(updates)
                    print(f"repeat {r + 1}, {name} ({roots[name]}): main thread busy {ms:.0f} ms in the "
                          f"{args.seconds:g} s after Start, {updates} URL updates", flush=True)
                    # Let the job end before the next repeat: the server trains one job at a time.
                    page.locator("[data-testid='stProgress']").get_by_text("Finished").wait_for(timeout=300_000)
                    page.close()
                    time.sleep(2)
            browser.close()
    finally:
        for proc, _ in servers.values():
            stop_server(proc)
    summary = {"repeats": args.repeats, "seconds": args.seconds}
    for name, values in got.items():
        prefix = "" if name == "this" else "against_"
        ms = values["ms"]
        print(f"{name}: main thread {statistics.median(ms):.0f} ms (median, {min(ms):.0f}-{max(ms):.0f}), "
              f"{statistics.median(values['updates']):.0f} URL updates")
        summary.update({f"{prefix}main_thread_ms": round(statistics.median(ms)),
                        f"{prefix}main_thread_ms_range": [round(min(ms)), round(max(ms))],
                        f"{prefix}url_updates": statistics.median(values["updates"])})
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
