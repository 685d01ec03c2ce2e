"""Where a click's and a first visit's time goes, in a real browser (what click_latency.py totals).

Starts the app warmed, as ``make run`` does, and opens the explorer in headless Chromium with
timestamps hooked into the page (``performance.now()``, relative to the click's mousedown or to
the page's navigation start):

- first visit: the websocket opened, its first and last message of the page's run, the plotly
  bundle's download if the page asked for it, and each map drawn;
- each click (N per map, seeded spots): the map's own click (latent_map.js); the decode route asked
  and its reply (aeviz/ui/decode_route.py); the new decoded image in the DOM and painted (the
  route's answer); the frame in which the hover preview beside the map shows the clicked z,
  decoded in the browser; the rerun message sent over the websocket (click.js sends it once the
  route's answer is painted; Streamlit flushes a component's trigger in a ``setTimeout(0)``); the
  first message back; and the fragment rerun's answer painted.

Prints the medians and p95 of each phase; the last line is one JSON object with them.

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/click_breakdown.py [--clicks 12]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (CHROMIUM, CHROMIUM_ARGS, PREVIEW_PROBE_JS, PROBE_JS, map_drawn, percentile,  # noqa: E402
                     plot_area, start_server, stop_server)

# Runs before the page's own scripts: wraps WebSocket to time its messages, listens to each
# latent map's click, and notes when each map is drawn.
HOOKS = """() => {
  const t = window.__aevizPhases = {visit: {}, click: []};
  const once = (k) => { if (!(k in t.visit)) t.visit[k] = performance.now(); };
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener('open', () => once('ws_open'));
    ws.addEventListener('message', () => {
      once('ws_first_message'); t.visit.ws_last_message = performance.now(); t.click.push(['recv', performance.now()]);
    });
    const send = ws.send.bind(ws);
    ws.send = (d) => { t.click.push(['send', performance.now()]); return send(d); };
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  const nativeFetch = window.fetch.bind(window);
  window.fetch = (url, opts) => {
    const p = nativeFetch(url, opts);
    if (String(url).includes('/aeviz/decode')) {
      t.click.push(['route_asked', performance.now()]);
      p.then(() => t.click.push(['route_reply', performance.now()]), () => {});
    }
    return p;
  };
  new MutationObserver(() => {
    for (const slot of ['ae', 'vae']) {
      if (document.querySelector(`.st-key-latent_${slot} canvas[data-points]`)) once(`map_${slot}_drawn`);
    }
    for (const root of document.querySelectorAll('.aeviz-latent-map')) {
      if (root.__aevizMap && !root.__aevizPhaseHook) {
        root.__aevizPhaseHook = true;
        root.__aevizMap.on('click', () => t.click.push(['map_click', performance.now()]));
      }
    }
  }).observe(document, {subtree: true, childList: true});
}"""


def _stats(values: list[float]) -> dict:
    v = [x for x in values if x is not None]
    return {"p50_ms": percentile(v, 50), "p95_ms": percentile(v, 95)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clicks", type=int, default=12, help="clicks per map")
    ap.add_argument("--gap", type=float, default=0.8, help="seconds between clicks")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    rng = np.random.default_rng(args.seed)
    log = tempfile.NamedTemporaryFile("w", prefix="click-breakdown-", suffix=".log", delete=False)
    proc, url = start_server(log, warm=True)
    phases: dict[str, list[float]] = {"map_click": [], "route_asked": [], "route_reply": [], "image_painted": [],
                                      "preview_pinned": [], "sent": [], "first_reply": [], "rerun_painted": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            page.add_init_script(f"({HOOKS})()")
            page.goto(url)
            for slot in ("ae", "vae"):
                page.wait_for_selector(map_drawn(slot), timeout=120_000)
            visit = page.evaluate("""() => {
                const v = window.__aevizPhases.visit;
                const plotly = performance.getEntriesByType('resource').find((e) => e.name.includes('PlotlyChart'));
                if (plotly) { v.plotly_bundle_requested = plotly.startTime; v.plotly_bundle_loaded = plotly.responseEnd; }
                return v; }""")
            visit = {k: round(v) for k, v in sorted(visit.items(), key=lambda kv: kv[1])}
            print("first visit, ms after navigation start:", visit)
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
            page.wait_for_timeout(1500)
            for _ in range(args.clicks):
                for slot in ("ae", "vae"):
                    box = page.locator(plot_area(slot)).bounding_box()
                    fx, fy = rng.uniform(0.1, 0.9, 2)
                    page.evaluate(PROBE_JS, slot)
                    page.evaluate("() => { window.__aevizPhases.click = []; }")
                    page.evaluate(PREVIEW_PROBE_JS, f"hover_{slot}")
                    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
                    page.wait_for_function("() => window.__aevizLat.t2 !== null", timeout=10_000)
                    page.wait_for_function("() => window.__aevizPreview.t !== null", timeout=10_000)
                    r = page.evaluate("() => ({t0: window.__aevizLat.t0, t1: window.__aevizLat.t1,"
                                      " t2: window.__aevizLat.t2,"
                                      " preview: window.__aevizPreview.t, events: window.__aevizPhases.click})")
                    first = {}
                    for name, at in r["events"]:
                        first.setdefault(name, at - r["t0"])
                    phases["map_click"].append(first.get("map_click"))
                    phases["route_asked"].append(first.get("route_asked"))
                    phases["route_reply"].append(first.get("route_reply"))
                    phases["rerun_painted"].append(r["t2"] - r["t0"])
                    phases["preview_pinned"].append(r["preview"] - r["t0"])
                    phases["sent"].append(first.get("send"))
                    phases["first_reply"].append(first.get("recv"))
                    phases["image_painted"].append(r["t1"] - r["t0"])
                    page.wait_for_timeout(int(args.gap * 1000))
            browser.close()
    finally:
        stop_server(proc)
    summary = {name: _stats(values) for name, values in phases.items()}
    for name, s in summary.items():
        print(f"mousedown -> {name}: p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms")
    print(json.dumps({"clicks": len(phases["image_painted"]), "click_phases": summary, "first_visit_ms": visit}))


if __name__ == "__main__":
    main()
