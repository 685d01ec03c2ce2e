"""Safety: nothing is unpickled, the server's settings protect a classroom, and the models every
session shares are read-only, also when many sessions decode at once."""
from __future__ import annotations

import re
import threading
import tomllib
from pathlib import Path

import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".venv", ".git", "test-artifacts", "node_modules", "__pycache__"}


def project_sources() -> list[Path]:
    return [p for p in ROOT.rglob("*.py")
            if not SKIP_DIRS.intersection(p.relative_to(ROOT).parts) and p.name != Path(__file__).name]


def test_nothing_is_unpickled():
    """``torch.load`` only with ``weights_only=True``; no pickle, joblib or ``allow_pickle=True``."""
    offending = []
    for path in project_sources():
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"torch\.load\(", text):
            call = text[m.start(): text.find(")", m.end()) + 1]
            if "weights_only=True" not in call:
                offending.append(f"{path.relative_to(ROOT)}: {call}")
        for pattern in (r"\bpickle\.loads?\(", r"\bjoblib\.load\(", r"allow_pickle\s*=\s*True", r"\bdill\.load"):
            offending += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert not offending, "code that can unpickle: " + "; ".join(offending)


def test_streamlit_settings_protect_a_classroom():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    server, client, browser = config["server"], config["client"], config["browser"]
    assert 1 <= server["maxUploadSize"] <= 10  # megabytes: a checkpoint or an image, not a data set
    from aeviz.uploads import MAX_BYTES

    assert MAX_BYTES == server["maxUploadSize"] * 1024 * 1024  # the page's own check says the same limit
    assert server.get("maxMessageSize", 200) <= 200
    assert server["enableXsrfProtection"] is True
    assert server.get("enableCORS", True) is True  # never turned off: XSRF protection needs it
    assert client["showErrorDetails"] in ("type", "none")  # students never see a traceback
    assert browser["gatherUsageStats"] is False


def test_streamlit_reads_those_settings(monkeypatch):
    """The file is where Streamlit looks for it, and Streamlit parses it to the same values."""
    from streamlit import config as st_config

    monkeypatch.chdir(ROOT)
    st_config.get_config_options(force_reparse=True)
    try:
        assert st_config.get_option("server.maxUploadSize") <= 10
        assert st_config.get_option("server.enableXsrfProtection") is True
        assert st_config.get_option("client.showErrorDetails") in ("type", "none")
        assert st_config.get_option("browser.gatherUsageStats") is False
    finally:
        st_config.get_config_options(force_reparse=True)


@pytest.fixture(scope="module")
def shared_models():
    """The shipped pair as the app holds them: through ``st.cache_resource`` (no server needed)."""
    from aeviz.ui.state import ROOT as APP_ROOT, get_model

    paths = [APP_ROOT / "checkpoints" / "mnist-ae", APP_ROOT / "checkpoints" / "mnist-vae"]
    return {str(p): get_model(p) for p in paths}


def test_shared_models_are_frozen_in_eval_mode(shared_models):
    for model in shared_models.values():
        assert not model.training
        assert not any(p.requires_grad for p in model.parameters())


def test_sixteen_threads_decode_the_same_as_one(shared_models):
    """16 sessions clicking and sweeping at once get exactly what one session alone gets, and the
    cached models are unchanged afterwards."""
    from aeviz import analysis
    from aeviz.ui import explorer_data

    rng = np.random.default_rng(0)
    points = rng.normal(0, 2, size=(24, 2)).astype(np.float32)
    grid = rng.normal(0, 2, size=(64, 2)).astype(np.float32)
    images = torch.rand(16, 1, 28, 28)
    before = {p: {k: v.clone() for k, v in m.state_dict().items()} for p, m in shared_models.items()}
    expected = {p: ([explorer_data.decode_one(p, z) for z in points], analysis.decode_all(m, grid),
                    analysis.encode_all(m, images)) for p, m in shared_models.items()}

    failures: list[str] = []
    start = threading.Barrier(16)

    def session(i: int) -> None:
        try:
            start.wait()
            for round_ in range(3):
                for p, m in shared_models.items():
                    for j in range(i % 4, len(points), 4):  # each thread its own order of clicks
                        got = explorer_data.decode_one(p, points[j])
                        if not np.array_equal(got, expected[p][0][j]):
                            failures.append(f"thread {i}: click {j} on {p} differs")
                    if not np.array_equal(analysis.decode_all(m, grid), expected[p][1]):
                        failures.append(f"thread {i}: grid on {p} differs")
                    if not np.array_equal(analysis.encode_all(m, images), expected[p][2]):
                        failures.append(f"thread {i}: codes on {p} differ")
        except Exception as e:  # noqa: BLE001 - reported below, with the thread that raised it
            failures.append(f"thread {i}: {type(e).__name__}: {e}")

    threads = [threading.Thread(target=session, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    assert not failures, failures[:5]
    for p, m in shared_models.items():
        assert not m.training
        assert all(torch.equal(before[p][k], v) for k, v in m.state_dict().items())


def test_a_shared_model_refuses_to_be_trained(shared_models):
    """A page that tried to train a cached model would fail at once instead of changing it for all."""
    model = next(iter(shared_models.values()))
    with pytest.raises(RuntimeError):
        model.loss(torch.rand(2, 1, 28, 28), torch.rand(2, 1, 28, 28))["loss"].backward()
