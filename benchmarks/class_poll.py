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
import multiprocessing as mp
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
from aeviz.classroom import Classroom, Student  # noqa: E402

MAPS = {"ae": (-20.0, 45.0, -22.0, 46.0), "vae": (-3.5, 3.5, -3.5, 3.5)}  # about the shipped maps' axes
QUESTIONS = (("where", "ae", {"target": 7}), ("hole", "vae", {}),
             ("which", "ae", {"model": "vae", "answer": 2,
                              "choices": [{"slot": s, "z": [0.0, 0.0]} for s in ("ae", "ae", "vae", "ae")]}))


def _key(value: dict) -> str:
    return json.dumps({k: v for k, v in value.items() if k not in ("t", "student", "nickname")}, sort_keys=True)


def _students(store_url: str, members: list[tuple], qid: str, kind: str, slot: str, seed: int) -> dict:
    """Every member answers ``qid`` from its own thread; returns what was sent and what failed."""
    room = Classroom(open_store(store_url))
    sent, last, errors = [], {}, []
    lock = threading.Lock()
    start = threading.Event()

    def student(me, rng):
        start.wait()
        for w in range(2 if kind != "which" else 1):  # map questions: answer, then change it once
            time.sleep(rng.uniform(0, 2.0) if w == 0 else rng.uniform(0, 1.0))
            if kind == "which":
                value = {"choice": int(rng.integers(4))}
            else:
                x0, x1, y0, y1 = MAPS[slot]
                value = {"z": [float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))]}
            t0 = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process of the host
            try:
                room.answer(me, qid, **value)
                with lock:
                    sent.append((me.id, _key(value), t0))
                    last[me.id] = _key(value)
            except Exception as e:  # noqa: BLE001 - counted, the run goes on
                with lock:
                    errors.append(f"answer: {e!r}")

    threads = [threading.Thread(target=student, args=(Student(*m), np.random.default_rng([seed, i, int(qid[1:])])))
               for i, m in enumerate(members)]
    for th in threads:
        th.start()
    start.set()
    for th in threads:
        th.join()
    room.store.close()
    return {"sent": sent, "last": last, "errors": errors}


def _worker(store_url, members, jobs, results, seed):
    """One simulated server process (a replica of ``make serve``): its own store connection."""
    while (job := jobs.get()) is not None:
        results.put(_students(store_url, members, *job, seed))


def run(store_url: str, students: int, poll_s: float, seed: int, processes: int = 1) -> dict:
    store = open_store(store_url)
    room = Classroom(store)
    code, token = room.start(MAPS)
    errors: list[str] = []
    members = []
    for i in range(students):
        try:
            m = room.join(code, f"student {i}")
            members.append((m.code, m.id, m.secret))
        except Exception as e:  # noqa: BLE001
            errors.append(f"join: {e!r}")
    groups = [members[p::processes] for p in range(processes)]
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    workers = []
    if processes > 1:
        for p, group in enumerate(groups):
            jobs = ctx.Queue()
            proc = ctx.Process(target=_worker, args=(store_url, group, jobs, results, seed + p), daemon=True)
            proc.start()
            workers.append((proc, jobs))

    seen: dict[tuple, float] = {}
    sent: dict[tuple, float] = {}
    last: dict[tuple, str] = {}
    for n, (kind, slot, spec) in enumerate(QUESTIONS):
        qid = room.add_question(code, token, kind, slot, **spec)
        room.set_status(code, token, qid, "open")
        stop = threading.Event()

        def poll():  # the projector's query, every poll_s; first time each exact answer is readable
            while True:
                try:
                    rows = room.teacher_answers(code, token, qid)
                except Exception as e:  # noqa: BLE001
                    errors.append(f"poll: {e!r}")
                    rows = []
                now = time.monotonic()
                for a in rows:
                    seen.setdefault((qid, a["student"], _key(a)), now)
                if stop.is_set() and all((qid, s, k) in seen for (q, s), k in last.items() if q == qid):
                    return
                if stop.is_set() and time.monotonic() > stop_at + 30:
                    return
                time.sleep(poll_s)

        stop_at = float("inf")
        poller = threading.Thread(target=poll)
        poller.start()
        if processes > 1:
            for _, jobs in workers:
                jobs.put((qid, kind, slot))
            parts = [results.get() for _ in workers]
        else:
            parts = [_students(store_url, groups[0], qid, kind, slot, seed)]
        for part in parts:
            errors.extend(part["errors"])
            for sid, key, t0 in part["sent"]:
                sent[(qid, sid, key)] = t0
            for sid, key in part["last"].items():
                last[(qid, sid)] = key
        stop_at = time.monotonic()
        stop.set()
        poller.join()
        room.set_status(code, token, qid, "closed")
    for proc, jobs in workers:
        jobs.put(None)
        proc.join(30)

    stored = lost = 0
    for q in room.get(code)["questions"]:
        final = {a["student"]: _key(a) for a in room.teacher_answers(code, token, q["id"])}
        stored += len(final)
        lost += sum(last.get((q["id"], m[1])) != final.get(m[1]) for m in members)
    # Latency of the answers that were ever readable (a first answer replaced before the next poll
    # never is; the last answer of every student always is, or it counts as lost).
    lat = [1000 * (seen[k] - t0) for k, t0 in sent.items() if k in seen]
    store.close()
    return {"students": len(members), "answers_sent": len(sent) + sum(e.startswith("answer") for e in errors),
            "answers_stored": stored, "lost": lost, "errors": len(errors),
            "p50_ms": round(float(np.percentile(lat, 50)), 1) if lat else None,
            "p95_ms": round(float(np.percentile(lat, 95)), 1) if lat else None, "store": store.name,
            "poll_s": poll_s, "processes": processes, "latencies_measured": len(lat), "first_errors": errors[:3]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=60)
    ap.add_argument("--store", default="", help="'' = SQLite in a temporary folder; 'redis' = a fresh "
                    "redis-server on a free port; or a redis:// or sqlite:/// URL")
    ap.add_argument("--poll", type=float, default=1.0, help="teacher poll interval, s (the page uses 1)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--processes", type=int, default=1, help="server processes the students are spread over, "
                    "each with its own store connection (as behind `make serve REPLICAS=N`)")
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
        result = run(url, args.students, args.poll, args.seed, args.processes)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
