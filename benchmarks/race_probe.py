"""The lost-click race, measured: protocol sessions click one map and then the other 0-60 ms later
(a student clicking both maps quickly), without click.js's resend, and count clicks never answered.

Runs the app twice, with Streamlit's race fixed (``aeviz/ui/streamlit_fixes.py``, the default) and
without (``AEVIZ_STREAMLIT_FIX=0``), the same seeded clicks each time. The last line is one JSON
object: ``{"fixed": {"pairs": N, "lost": n}, "unfixed": {...}}``.

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/race_probe.py [--sessions 6] [--pairs 40]
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
from harness import start_server, stop_server  # noqa: E402
from protocol import ExplorerSession, trigger_id  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402


async def session(url: str, k: int, pairs: int, seed: int) -> tuple[int, int]:
    rng = random.Random(seed * 100 + k)
    s = ExplorerSession(url, timeout=180)
    await s.open()
    lost = 0
    try:
        for _ in range(pairs):
            seqs = []
            for slot in ("ae", "vae"):
                s.seq += 1
                seqs.append(s.seq)
                lis = s.listeners[slot]
                value = {"x": rng.uniform(-2, 2), "y": rng.uniform(-2, 2), "row": None, "seq": s.seq}
                state = WidgetState(id=trigger_id(lis.component_id),
                                    json_trigger_value=json.dumps([{"event": "click", "value": value}]))
                await s.rerun([state], fragment_id=lis.fragment_id)  # sent once: no resend here
                await asyncio.sleep(rng.uniform(0.0, 0.06))
            deadline = time.monotonic() + 10
            while not all(q in s.answers for q in seqs) and time.monotonic() < deadline:
                try:
                    s._watch(await s.next_message(deadline - time.monotonic()))
                except asyncio.TimeoutError:
                    break
            lost += sum(q not in s.answers for q in seqs)
            await asyncio.sleep(rng.uniform(0.1, 0.4))
    finally:
        await s.close()
    return pairs * 2, lost


async def probe(url: str, args) -> dict:
    results = await asyncio.gather(*[session(url, k, args.pairs, args.seed) for k in range(args.sessions)])
    return {"clicks": sum(r[0] for r in results), "lost": sum(r[1] for r in results)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=6)
    ap.add_argument("--pairs", type=int, default=40, help="click pairs per session")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    out = {}
    for name, fix in (("unfixed", "0"), ("fixed", "1")):
        os.environ["AEVIZ_STREAMLIT_FIX"] = fix
        log = tempfile.NamedTemporaryFile("w", prefix=f"race-{name}-", suffix=".log", delete=False)
        proc, url = start_server(log)
        try:
            out[name] = asyncio.run(probe(url, args))
        finally:
            stop_server(proc)
        print(f"{name}: {out[name]['lost']} of {out[name]['clicks']} clicks never answered", flush=True)
    os.environ.pop("AEVIZ_STREAMLIT_FIX", None)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
