"""Class mode under load: N simulated students join a class and answer three questions (where,
hole, which) through the same code paths as the pages (``aeviz.classroom.Classroom`` over the
configured store), while a teacher thread polls the answers the way the projector does
(``Classroom.teacher_answers`` every ``--poll`` seconds, 1 s like the page's fragment).

Per question: the teacher opens it; every student thinks a random 0-2 s, answers, and on the map
questions changes the answer once 0-1 s later (so writes race with reads and with each other);
the teacher closes it once every student has sent. Latency = from a student's call to the first
teacher poll that returns that exact answer (so it includes up to one poll interval, as on the
projector; the browser's repaint is not included: tests/browser/test_class_browser.py measures
click -> projector end to end). ``answers_sent`` counts every write (changes included);
``answers_stored`` the rows the store holds at the end (one per student per question: a change
replaces the row), so 3 x students when nothing is lost. ``lost`` counts students whose last answer is not what the store
holds at the end; ``errors`` counts refused or failed calls.

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/class_poll.py --students 60                   # SQLite
    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/class_poll.py --students 60 --store redis     # a fresh redis-server
    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/class_poll.py --store redis://host:6379/0    # an existing one

The last line is one JSON object: students, answers_sent, answers_stored, lost, errors, p50_ms,
p95_ms, store.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from aeviz.class_store import open_store  # noqa: E402
from aeviz.classroom import Classroom  # noqa: E402

MAPS = {"ae": (-20.0, 45.0, -22.0, 46.0), "vae": (-3.5, 3.5, -3.5, 3.5)}  # about the shipped maps' axes
QUESTIONS = (("where", "ae", {"target": 7}), ("hole", "vae", {}),
             ("which", "ae", {"model": "vae", "answer": 2,
                              "choices": [{"slot": s, "z": [0.0, 0.0]} for s in ("ae", "ae", "vae", "ae")]}))


def _key(value: dict) -> str:
    return json.dumps({k: v for k, v in value.items() if k != "t"}, sort_keys=True)


def run(store_url: str, students: int, poll_s: float, seed: int) -> dict:
    store = open_store(store_url)
    room = Classroom(store)
    code, token = room.start(MAPS)
    errors: list[str] = []
    sent: dict[tuple, float] = {}  # (qid, student, answer key) -> monotonic send time
    last: dict[tuple, str] = {}  # (qid, student) -> key of the last answer sent
    seen: dict[tuple, float] = {}
    lock = threading.Lock()
    members = []
    for i in range(students):
        try:
            members.append(room.join(code, f"student {i}"))
        except Exception as e:  # noqa: BLE001 - counted, the run goes on
            errors.append(f"join: {e!r}")

    def student(me, qid, kind, slot, rng, start):
        start.wait()
        writes = 2 if kind != "which" else 1
        for w in range(writes):
            time.sleep(rng.uniform(0, 2.0) if w == 0 else rng.uniform(0, 1.0))
            if kind == "which":
                value = {"choice": int(rng.integers(4))}
            else:
                x0, x1, y0, y1 = MAPS[slot]
                value = {"z": [float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))]}
            key = _key(value)
            t0 = time.monotonic()
            with lock:
                sent[(qid, me.id, key)] = t0
                last[(qid, me.id)] = key
            try:
                room.answer(me, qid, **value)
            except Exception as e:  # noqa: BLE001
                errors.append(f"answer: {e!r}")

    def teacher_poll(qid, stop):
        while True:
            try:
                rows = room.teacher_answers(code, token, qid)
            except Exception as e:  # noqa: BLE001
                errors.append(f"poll: {e!r}")
                rows = []
            now = time.monotonic()
            with lock:
                for a in rows:
                    k = (qid, a["student"], _key({x: v for x, v in a.items() if x not in ("student", "nickname")}))
                    if k in sent and k not in seen:
                        seen[k] = now
                pending = [k for k in sent if k[0] == qid and k not in seen
                           and last.get((qid, k[1])) == k[2]]
            if stop.is_set() and not pending:
                return
            time.sleep(poll_s)

    for n, (kind, slot, spec) in enumerate(QUESTIONS):
        qid = room.add_question(code, token, kind, slot, **spec)
        room.set_status(code, token, qid, "open")
        start, stop = threading.Event(), threading.Event()
        threads = [threading.Thread(target=student, args=(m, qid, kind, slot, np.random.default_rng(seed * 1000 + i + n * 7919), start))
                   for i, m in enumerate(members)]
        poller = threading.Thread(target=teacher_poll, args=(qid, stop))
        for th in threads:
            th.start()
        poller.start()
        start.set()
        for th in threads:
            th.join()
        stop.set()
        poller.join(60)
        room.set_status(code, token, qid, "closed")

    stored = lost = 0
    record = room.get(code)
    for q in record["questions"]:
        final = {a["student"]: _key({x: v for x, v in a.items() if x not in ("student", "nickname")})
                 for a in room.teacher_answers(code, token, q["id"])}
        stored += len(final)
        for m in members:
            if last.get((q["id"], m.id)) != final.get(m.id):
                lost += 1
    # Latency of the answers that stood (a replaced first answer may be overwritten before a poll).
    lat = [1000 * (seen[k] - t0) for k, t0 in sent.items() if k in seen]
    store.close()
    return {"students": len(members), "answers_sent": len(sent), "answers_stored": stored, "lost": lost,
            "errors": len(errors), "p50_ms": round(float(np.percentile(lat, 50)), 1) if lat else None,
            "p95_ms": round(float(np.percentile(lat, 95)), 1) if lat else None, "store": store.name,
            "poll_s": poll_s, "latencies_measured": len(lat), "first_errors": errors[:3]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=60)
    ap.add_argument("--store", default="", help="'' = SQLite in a temporary folder; 'redis' = a fresh "
                    "redis-server on a free port; or a redis:// or sqlite:/// URL")
    ap.add_argument("--poll", type=float, default=1.0, help="teacher poll interval, s (the page uses 1)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    random.seed(args.seed)
    if args.store == "redis":
        from redis_server import redis_server

        ctx = redis_server()
    else:
        ctx = nullcontext(args.store)
    with tempfile.TemporaryDirectory() as tmp, ctx as url:
        if url is None and args.store == "redis":
            sys.exit("redis-server is not installed (apt-get install redis-server)")
        url = url or str(Path(tmp) / "class.sqlite3")
        result = run(url, args.students, args.poll, args.seed)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
