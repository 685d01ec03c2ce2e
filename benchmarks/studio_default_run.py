"""The Training studio's default run (MNIST sample, AE + VAE together, 10 epochs, MLP) through
``aeviz.jobs``, without the UI: the seconds a teacher waits after pressing Start.

    AEVIZ_OFFLINE=1 .venv/bin/python benchmarks/studio_default_run.py

The last line is one JSON object with ``seconds`` and ``samples_per_second``.
"""
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aeviz.data import load_dataset  # noqa: E402
from aeviz.jobs import Job, JobSpec  # noqa: E402

dataset = load_dataset("mnist", allow_download=False)
job = Job(JobSpec("mnist"), dataset, heartbeat_s=1e9).start()
job.wait()
view = job.view()
print(f"{view.state}: {view.seconds:.1f} s, {view.samples_per_second:,.0f} samples/s (both models)")
print(json.dumps({"state": view.state, "seconds": round(view.seconds, 2),
                  "samples_per_second": round(view.samples_per_second, 1), "cpu_count": os.cpu_count()}))
