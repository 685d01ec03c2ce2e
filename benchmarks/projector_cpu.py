"""What class mode's projector costs the teacher's machine while a class answers.

Starts the app as ``make run`` does (SQLite class store in a temporary folder), opens the teacher's
page in headless Chromium, starts a class and opens a question; then measures, over ``--seconds``
each, the CPU the server and the browser use (in cores: CPU seconds per second) first with no
answers and then with ``--students`` students answering (through ``aeviz.classroom``, the calls
the student page makes), one answer every ``--every`` seconds. The teacher's page polls every
second, as in class. The last line is one JSON object.

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/projector_cpu.py [--seconds 20] [--students 30] [--every 0.2]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--every", type=float, default=0.2, help="seconds between two answers")
    args = ap.parse_args()
    os.environ["AEVIZ_DATA_DIR"] = tempfile.mkdtemp(prefix="aeviz-projector-")
    os.environ["AEVIZ_CLASS_STORE"] = ""  # SQLite in that folder, shared with the server

    from playwright.sync_api import sync_playwright

    from aeviz.class_store import open_store
    from aeviz.classroom import Classroom
    from harness import CHROMIUM, CHROMIUM_ARGS, cpu_seconds, cpu_seconds_of, start_server, stop_server

    log = tempfile.NamedTemporaryFile("w", prefix="projector-", suffix=".log", delete=False)
    proc, url = start_server(log, warm=True)
    result = {"seconds": args.seconds, "students": args.students, "answer_every_s": args.every}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            teacher = browser.new_page(viewport={"width": 1600, "height": 1200})
            teacher.goto(f"{url}/class?lang=en")
            teacher.locator(".st-key-class_start button").click(timeout=120_000)
            teacher.wait_for_selector(".aeviz-class-code", timeout=60_000)
            code = teacher.locator(".aeviz-class-code").inner_text().strip()
            teacher.locator(".st-key-class_ask button").click()
            teacher.wait_for_selector(".st-key-class_open button:not([disabled])", timeout=30_000)
            teacher.locator(".st-key-class_open button").click()
            teacher.wait_for_function("() => document.querySelector('.aeviz-class-count')?.dataset.answers === '0'",
                                      timeout=30_000)
            room = Classroom(open_store(""))
            qid = room.get(code)["current"]
            students = [room.join(code, f"student {i}") for i in range(args.students)]
            rng = np.random.default_rng(0)

            def measure(answering: bool) -> dict:
                stop = threading.Event()

                def answer():
                    while not stop.is_set():
                        me = students[int(rng.integers(len(students)))]
                        room.answer(me, qid, z=(float(rng.uniform(-2, 2)), float(rng.uniform(-2, 2))))
                        time.sleep(args.every)

                worker = threading.Thread(target=answer, daemon=True)
                before, t0 = (cpu_seconds(proc.pid), cpu_seconds_of("chrom")), time.monotonic()
                if answering:
                    worker.start()
                time.sleep(args.seconds)
                stop.set()
                after, dt = (cpu_seconds(proc.pid), cpu_seconds_of("chrom")), time.monotonic() - t0
                shown = int(teacher.locator(".aeviz-class-count").first.get_attribute("data-answers") or 0)
                return {"server_cores": round((after[0] - before[0]) / dt, 3),
                        "browser_cores": round((after[1] - before[1]) / dt, 3), "answers_shown": shown}

            result["idle"] = measure(False)
            print("no answers:", result["idle"], flush=True)
            result["answering"] = measure(True)
            print("answering:", result["answering"], flush=True)
            browser.close()
    finally:
        stop_server(proc)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
