"""benchmarks/class_poll.py runs end to end on a few students and its last line is the JSON the
README quotes (the figures themselves come from a full run, see the README)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from aeviz import class_plots

ROOT = Path(__file__).resolve().parents[1]


def test_class_poll_small_run_loses_nothing():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "class_poll.py"), "--students", "5",
                          "--poll", "0.1"], capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"students", "answers_sent", "answers_stored", "lost", "errors", "p50_ms", "p95_ms", "store"} <= set(result)
    assert result["students"] == 5 and result["answers_stored"] == 15 and result["answers_sent"] == 25
    assert result["lost"] == 0 and result["errors"] == 0 and result["store"] == "sqlite"


def test_projector_map_draws_answers_density_and_truth():
    codes = np.random.default_rng(0).normal(size=(200, 2))
    labels = np.arange(200) % 10
    answers = np.array([[0, 0], [0.1, 0], [0, 0.1], [1, 1]], dtype=float)
    fig = class_plots.projector_map(codes, labels, (-3, 3, -3, 3), answers, verdicts=np.array([1, 1, 0, 0], bool),
                                    target=7)
    names = [tr.type for tr in fig.data]
    assert "contour" in names
    ans = next(tr for tr in fig.data if tr.name == "answers")
    assert len(ans.x) == 4 and list(ans.marker.color) == [class_plots.RIGHT] * 2 + [class_plots.WRONG] * 2
    few = class_plots.projector_map(codes, labels, (-3, 3, -3, 3), answers[:2])
    assert "contour" not in [tr.type for tr in few.data]


def test_density_peaks_where_answers_crowd():
    crowd = np.array([[1.0, 1.0]] * 8 + [[-2.0, -2.0]])
    xs, ys, d = class_plots.answer_density(crowd, (-3, 3, -3, 3))
    iy, ix = np.unravel_index(np.argmax(d), d.shape)
    assert abs(xs[ix] - 1) < 0.15 and abs(ys[iy] - 1) < 0.15 and d.max() <= 1
    lone = d[np.argmin(abs(ys + 2)), np.argmin(abs(xs + 2))]
    assert lone < 0.2 < d.max()


def test_student_map_has_no_class_colours_and_clicks_anywhere():
    fig = class_plots.student_map(np.zeros((10, 2)), (-1, 1, -1, 1))
    assert fig.layout.clickanywhere is True and len(fig.data) == 1 and fig.layout.showlegend is False
