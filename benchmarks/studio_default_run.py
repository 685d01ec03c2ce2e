"""The Training studio's default run (MNIST sample, AE + VAE together, 10 epochs, MLP) through
``aeviz.jobs``, without the UI: the seconds a teacher waits after pressing Start.

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/studio_default_run.py [--repeats 3]

Each repeat is one whole job, as the studio runs it (the AE and the VAE in two threads, one torch
thread each). Besides the wall clock it gives the CPU seconds the job used: on a machine shared
with other work the wall clock grows, the CPU time barely moves. The last line is one JSON object
with ``seconds`` (median) and ``seconds_range``, ``cpu_seconds`` likewise, and ``samples_per_second``.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aeviz.data import load_dataset  # noqa: E402
from aeviz.jobs import Job, JobSpec  # noqa: E402


def one_run(dataset) -> tuple[float, float, float]:
    """(wall seconds as the job reports them, CPU seconds of the process meanwhile, samples/s)."""
    cpu = time.process_time()
    job = Job(JobSpec("mnist"), dataset, heartbeat_s=1e9).start()
    job.wait()
    view = job.view()
    if view.state != "finished":
        raise RuntimeError(f"the run ended {view.state}: {view.message}")
    return view.seconds, time.process_time() - cpu, view.samples_per_second


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    dataset = load_dataset("mnist", allow_download=False)
    walls, cpus, rates = [], [], []
    for r in range(args.repeats):
        wall, cpu, rate = one_run(dataset)
        walls.append(wall)
        cpus.append(cpu)
        rates.append(rate)
        print(f"run {r + 1}: {wall:.1f} s, {cpu:.1f} CPU s, {rate:,.0f} samples/s (both models)", flush=True)
    print(f"median of {args.repeats}: {statistics.median(walls):.1f} s ({min(walls):.1f}-{max(walls):.1f}), "
          f"{statistics.median(cpus):.1f} CPU s ({min(cpus):.1f}-{max(cpus):.1f})")
    print(json.dumps({"state": "finished", "repeats": args.repeats,
                      "seconds": round(statistics.median(walls), 2),
                      "seconds_range": [round(min(walls), 2), round(max(walls), 2)],
                      "cpu_seconds": round(statistics.median(cpus), 2),
                      "cpu_seconds_range": [round(min(cpus), 2), round(max(cpus), 2)],
                      "samples_per_second": round(statistics.median(rates), 1), "cpu_count": os.cpu_count()}))


if __name__ == "__main__":
    main()
