"""Class mode's shared pieces for both pages: the store (one per process), the two maps a class
answers on (the shipped ``mnist-ae`` / ``mnist-vae`` pair, as the explorer loads them), the
questions the teacher can ask, and the judging of answers with the real models.

Nothing here keeps per-class state: every page run reads the store, so several server processes
(``make serve``) behind one proxy see the same class."""
from __future__ import annotations

import numpy as np
import streamlit as st

from aeviz import analysis, classroom, measures
from aeviz.class_store import open_store
from aeviz.classroom import Classroom
from aeviz.ui import explorer_data as data
from aeviz.ui.explorer_data import Pane

DATASET = "mnist"
SLOTS = ("ae", "vae")
WHICH_CHOICES = 4  # images in a "which model made this?" question


@st.cache_resource(show_spinner=False)
def get_room() -> Classroom:
    """The class rules over the configured store (``AEVIZ_CLASS_STORE``, default SQLite)."""
    return Classroom(open_store())


def panes() -> dict[str, Pane]:
    """The maps a class answers on: ``mnist-ae`` and ``mnist-vae`` (else the first of each family)."""
    entries = data.list_entries(DATASET)
    out = {}
    for slot in SLOTS:
        i = data.default_index(DATASET, entries, slot)
        if i is not None:
            out[slot] = data.pane_for(slot, entries[i])
    return out


def bounds(pane: Pane) -> tuple[float, float, float, float]:
    return tuple(float(v) for v in data.map_data(pane.path, pane.mtime, DATASET)["axis_range"])


def which_question(ps: dict[str, Pane], seed: int) -> dict:
    """"Which model made this?": WHICH_CHOICES images decoded from z ~ N(0, I) scaled to each map's
    codes (so each decoder is asked for a typical point of its own map); one of them by the model
    asked about, the rest by the other. Returns the question's spec."""
    rng = np.random.default_rng(seed)
    model = str(rng.choice(list(ps)))
    other = next((s for s in ps if s != model), model)
    right = int(rng.integers(WHICH_CHOICES))
    choices = []
    for i in range(WHICH_CHOICES):
        slot = model if i == right else other
        codes = data.map_data(ps[slot].path, ps[slot].mtime, DATASET)["codes"]
        z = codes.mean(0) + rng.standard_normal(2) * codes.std(0)
        choices.append({"slot": slot, "z": [float(z[0]), float(z[1])]})
    return {"model": model, "answer": right, "choices": choices}


def choice_image(pane: Pane, z) -> np.ndarray:
    return data.decode_one(pane.path, z)


def judge(q: dict, pane: Pane, answers: list[dict]) -> np.ndarray:
    """Right (True) or not, per answer, measured on the loaded models: ``where`` by the 15 nearest
    test codes, ``hole`` by the empty-space measure and the reference classifier, ``which`` by the
    choice."""
    if q["kind"] == "which":
        return np.array([a.get("choice") == q["answer"] for a in answers], dtype=bool)
    z = np.array([a["z"] for a in answers], dtype=np.float32).reshape(-1, 2)
    codes = data.map_data(pane.path, pane.mtime, DATASET)["codes"]
    if q["kind"] == "where":
        return classroom.judge_where(z, codes, data.test_subset(DATASET)["labels"], int(q["target"]))
    return classroom.judge_hole(*hole_measures(pane, z))


def hole_measures(pane: Pane, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(emptiness in code spacings, the classifier's confidence in the decoded image) per z."""
    codes = data.map_data(pane.path, pane.mtime, DATASET)["codes"]
    empty = measures.emptiness(z, codes)
    classifier = data.get_classifier(DATASET)
    if classifier is None or len(z) == 0:
        return empty, np.zeros(len(z))
    decoded = analysis.decode_all(data.get_model(pane.path), z)
    return empty, analysis.classify(classifier, decoded).max(axis=1)
