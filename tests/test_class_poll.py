"""benchmarks/class_poll.py runs end to end on a few students and its last line is the JSON the
README quotes (the figures themselves come from a full run, see the README)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from aeviz import class_plots
from aeviz.plots import CLASS_COLORS

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
    plot = class_plots.projector_map(codes, labels, (-3, 3, -3, 3), answers, verdicts=np.array([1, 1, 0, 0], bool),
                                     target=7)
    json.loads(json.dumps(plot, allow_nan=False))  # what the canvas gets is plain JSON
    assert plot["kind"] == "map" and plot["range"] == [-3, 3, -3, 3]
    kinds = [layer["type"] for layer in plot["layers"]]
    assert kinds == ["points", "points", "grid", "points"]  # grey codes, class 7, density, answers
    grey, truth, density, ans = plot["layers"]
    assert len(grey["xs"]) == 200 and len(truth["xs"]) == 20 and truth["palette"] == [CLASS_COLORS[7]]
    assert density["smooth"] and 0 < max(v for v in density["values"] if v is not None) <= 1
    assert ans["name"] == "answers" and ans["xs"] == [0, 0.1, 0, 1] and ans["outline"] == "#ffffff"
    assert [ans["palette"][i] for i in ans["labels"]] == [class_plots.RIGHT] * 2 + [class_plots.WRONG] * 2
    few = class_plots.projector_map(codes, labels, (-3, 3, -3, 3), answers[:2])
    assert [layer["type"] for layer in few["layers"]] == ["points", "points"]
    assert few["layers"][-1]["palette"] == [class_plots.PENDING] and "labels" not in few["layers"][-1]
    xs = np.linspace(-3, 3, 4)
    hole = class_plots.projector_map(codes, labels, (-3, 3, -3, 3), answers[:1],
                                     empty={"x": xs, "y": xs, "z": np.eye(4)})
    shade = hole["layers"][0]
    assert shade["type"] == "grid" and (shade["nx"], shade["ny"]) == (4, 4) and not shade["smooth"]
    assert shade["extent"] == [-4.0, 4.0, -4.0, 4.0]  # cell edges around the centres
    assert shade["scale"][-1][1] == [90.0, 90.0, 90.0, 0.45]


def test_density_peaks_where_answers_crowd():
    crowd = np.array([[1.0, 1.0]] * 8 + [[-2.0, -2.0]])
    xs, ys, d = class_plots.answer_density(crowd, (-3, 3, -3, 3))
    iy, ix = np.unravel_index(np.argmax(d), d.shape)
    assert abs(xs[ix] - 1) < 0.15 and abs(ys[iy] - 1) < 0.15 and d.max() <= 1
    lone = d[np.argmin(abs(ys + 2)), np.argmin(abs(xs + 2))]
    assert lone < 0.2 < d.max()


def test_student_map_has_no_class_colours_and_clicks_anywhere():
    m = class_plots.student_map(np.zeros((10, 2)), (-1, 1, -1, 1), map_id="ckpt|1")
    # One grey layer, no legend, no tooltip: nothing on the student's map says a dot's class.
    assert len(m["classes"]) == 1 and m["classes"][0]["color"] == "#9a9a9a" and m["classes"][0]["name"] == ""
    assert m["legend"] is False and m["tooltip"] is False
    assert m["classes"][0]["rows"] == list(range(10))  # a click on a dot names its test image
