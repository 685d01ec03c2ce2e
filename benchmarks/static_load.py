"""A class's first visits through `make serve`'s proxy: what the page's own files cost.

Each student's first visit downloads Streamlit's page: ~100 files, ~3.3 MB of scripts, styles and
fonts, before the websocket carries the app itself. `classroom_load.py` drives its 29 sessions at
the protocol level, so it never asks for them. This benchmark starts `python -m aeviz.serve`
(REPLICAS warm replicas behind nginx, on a free loopback port) in a checkout, opens the explorer
once through the proxy in headless Chromium (its first-visit time, and the list of files it
fetched), then has N students (default 30) fetch those files at once, each over 6 keep-alive
connections and asking for compressed responses, as a browser does.

Prints, per run: the time until the last student has every file, the bytes on the wire per
student, and the CPU seconds the replicas and nginx spent on it. With ``--against DIR`` (another
checkout: ``git worktree add DIR REV``) the two alternate, ``--repeats`` times each. The last line
is one JSON object.

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/static_load.py [--students 30] [--replicas 2] [--repeats 3] [--against DIR]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import CHROMIUM, CHROMIUM_ARGS, cpu_seconds, cpu_seconds_of, free_port, map_drawn  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CONNECTIONS = 6  # what Chromium opens to one host over HTTP/1.1
ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # Chromium's


def start_cluster(root: Path, replicas: int, log) -> tuple[subprocess.Popen, str, list[int]]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "aeviz.serve", "--replicas", str(replicas), "--port", str(port),
                             "--host", "127.0.0.1"], cwd=root, env={**os.environ, "AEVIZ_OFFLINE": "1"},
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"aeviz.serve exited; see {log.name}")
        found = re.search(r"\(pids ([\d,]+)\)", Path(log.name).read_text(errors="replace"))
        if found:
            return proc, f"http://127.0.0.1:{port}", [int(p) for p in found.group(1).split(",")]
        time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"aeviz.serve did not start within 300 s; see {log.name}")


def first_visit(url: str) -> tuple[float, list[str]]:
    """A real browser's first visit through the proxy: seconds to both maps on screen, and the
    paths of every file the page fetched from the app (the websocket aside)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1200})
        t = time.time()
        page.goto(url)
        for slot in ("ae", "vae"):
            page.wait_for_selector(map_drawn(slot), timeout=120_000)
        seconds = time.time() - t
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
        page.wait_for_timeout(1500)
        urls = page.evaluate("() => [location.href, ...performance.getEntriesByType('resource').map(e => e.name)]")
        browser.close()
    host = urlsplit(url).netloc
    paths = []
    for u in urls:
        parts = urlsplit(u)
        if parts.netloc == host and "/_stcore/stream" not in parts.path:
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seconds, list(dict.fromkeys(paths))


def student(url: str, name: str, paths: list[str], out: dict) -> None:
    """One student's browser: the files over CONNECTIONS keep-alive connections."""
    netloc = urlsplit(url).netloc
    queue, lock, got = list(paths), threading.Lock(), []

    def connection() -> None:
        conn = http.client.HTTPConnection(netloc, timeout=120)
        while True:
            with lock:
                if not queue:
                    break
                path = queue.pop(0)
            conn.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING, "Cookie": f"aeviz_route={name}"})
            r = conn.getresponse()
            body = r.read()  # as sent: http.client does not decompress
            got.append((r.status, len(body), r.getheader("Content-Encoding")))
        conn.close()

    threads = [threading.Thread(target=connection) for _ in range(CONNECTIONS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    out[name] = (time.perf_counter(), got)


def class_arrives(url: str, paths: list[str], students: int) -> dict:
    results: dict = {}
    threads = [threading.Thread(target=student, args=(url, f"student-{i}", paths, results)) for i in range(students)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    done = sorted(v[0] - t0 for v in results.values())
    responses = [g for v in results.values() for g in v[1]]
    return {"all_files_s": round(done[-1], 2), "median_student_s": round(statistics.median(done), 2),
            "bytes_per_student": round(sum(n for _, n, _ in responses) / students),
            "compressed_responses": sum(1 for *_, enc in responses if enc) // students,
            "errors": sum(1 for s, *_ in responses if s >= 400)}


def run(root: Path, replicas: int, students: int) -> dict:
    log = tempfile.NamedTemporaryFile("w", prefix="static-load-", suffix=".log", delete=False)
    proc, url, pids = start_cluster(root, replicas, log)
    try:
        visit_s, paths = first_visit(url)
        replicas_cpu, nginx_cpu = sum(cpu_seconds(p) for p in pids), cpu_seconds_of("nginx")
        result = class_arrives(url, paths, students)
        result.update(replicas_cpu_s=round(sum(cpu_seconds(p) for p in pids) - replicas_cpu, 2),
                      nginx_cpu_s=round(cpu_seconds_of("nginx") - nginx_cpu, 2),
                      files=len(paths), first_visit_s=round(visit_s, 2))
        return result
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--against", type=Path, help="another checkout to compare with (git worktree add DIR REV)")
    args = ap.parse_args()
    roots = {"this": ROOT, **({"against": args.against.resolve()} if args.against else {})}
    runs: dict[str, list[dict]] = {k: [] for k in roots}
    for i in range(args.repeats):
        for name, root in (roots.items() if i % 2 == 0 else reversed(list(roots.items()))):
            r = run(root, args.replicas, args.students)
            runs[name].append(r)
            print(f"run {i + 1}, {name} ({root}): {args.students} students have all {r['files']} files in "
                  f"{r['all_files_s']:.2f} s (median student {r['median_student_s']:.2f} s), "
                  f"{r['bytes_per_student'] / 1e6:.2f} MB each on the wire ({r['compressed_responses']} responses "
                  f"compressed), {r['errors']} errors; CPU s: replicas {r['replicas_cpu_s']}, nginx {r['nginx_cpu_s']}; "
                  f"a browser's first visit before them {r['first_visit_s']:.2f} s", flush=True)
    summary = {"students": args.students, "replicas": args.replicas, "repeats": args.repeats}
    for name, rs in runs.items():
        summary[name] = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
        summary[name]["all_files_s_range"] = [min(r["all_files_s"] for r in rs), max(r["all_files_s"] for r in rs)]
        print(f"{name}, median of {len(rs)}: all files {summary[name]['all_files_s']:.2f} s "
              f"({summary[name]['all_files_s_range'][0]:.2f}-{summary[name]['all_files_s_range'][1]:.2f}), "
              f"{summary[name]['bytes_per_student'] / 1e6:.2f} MB a student, replicas {summary[name]['replicas_cpu_s']} CPU s, "
              f"nginx {summary[name]['nginx_cpu_s']} CPU s")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
