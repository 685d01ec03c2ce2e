"""AppTest (no browser) of the lenses page: each view runs on the shipped checkpoints and shows its
numbers with a definition; the β checkpoints' KL falls as β rises."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from aeviz import lenses
from aeviz.checkpoints import load_model
from aeviz.ui.lens_data import BETAS, BOTTLENECK, KINDS

TIMEOUT = 300
SCRIPT = "from aeviz.ui.pages import lenses\nlenses.page()\n"
ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "checkpoints"


def _page(monkeypatch, section: str) -> AppTest:
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(SHIPPED))  # read-only use: nothing here saves
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    at.session_state["lens_section"] = section
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert not at.warning, [w.value for w in at.warning]  # every checkpoint the view needs is shipped
    assert all(m.help for m in at.metric)  # every number has its definition behind "?"
    return at


def _text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_every_checkpoint_the_lenses_use_is_shipped():
    names = [n for n, _ in KINDS] + [n for _, n in BOTTLENECK] + [n for _, n in BETAS]
    for name in names:
        assert (SHIPPED / name / "model.safetensors").exists(), name
    total = sum(f.stat().st_size for f in SHIPPED.rglob("*") if f.is_file())
    assert total < 30 * 2**20, f"checkpoints/ holds {total / 2**20:.1f} MB"


def test_pca_view(monkeypatch):
    at = _page(monkeypatch, "pca")
    labels = [m.label for m in at.metric]
    assert "PCA, 2 components" in labels and "Angle 1" in labels
    text = _text(at)
    assert "PCA's" in text and "°" in text
    # A simulated click on PCA's map decodes through the inverse projection.
    at.session_state["lens_click_pca"] = {"z": (1.0, -2.0), "row": None}
    at.run()
    assert any("z = (1.00, -2.00)" in h.proto.body for h in at.get("html"))


def test_kinds_view(monkeypatch):
    at = _page(monkeypatch, "kinds")
    links = [b.proto.url for b in at.get("link_button")]
    assert len(links) == len(KINDS)
    assert "explorer?dataset=mnist&ckpt_ae=mnist-sparse-ae" in links
    assert "explorer?dataset=mnist&ckpt_vae=mnist-vae" in links
    table = next(h.proto.body for h in at.get("html") if "aeviz-measures" in h.proto.body)
    assert "Empty area" in table and "Jumps" in table  # the explorer's measures, one row each
    assert "<th" in table and ">sparse AE</th>" in table and ">contractive AE</th>" in table  # one column per kind
    # Every value cell keeps its number on one line (a grid of columns broke "0.0422" into "0.0 / 422").
    assert table.count("aeviz-value") == table.count("white-space:nowrap") >= 6 * len(KINDS)


def test_bottleneck_view(monkeypatch):
    at = _page(monkeypatch, "bottleneck")
    assert [m.label for m in at.metric][:len(BOTTLENECK)] == [f"d = {d}" for d, _ in BOTTLENECK]
    text = _text(at)
    assert "2-D PCA" in text and "stops improving" in text
    assert any("2-D PCA of the 32-D codes" in c.value for c in at.caption)


def test_beta_view_switches_checkpoint(monkeypatch):
    at = _page(monkeypatch, "beta")
    assert "No posterior collapse at β = 1" in _text(at) or "Posterior collapse" in _text(at)
    # The table gives every row the same decimals (a rounded 0.0420 showed as 0.042 beside 0.0428).
    formats = {name: c["type_config"]["format"] for name, c in json.loads(at.dataframe[0].proto.columns).items()
               if "type_config" in c}
    assert formats == {"KL (nats)": "%.3f", "test MSE": "%.4f"}, formats
    at.select_slider(key="lens_beta").set_value(0.0).run()
    assert not at.exception
    assert any("noisy AE, not a plain one" in i.value for i in at.info)
    kl0 = next(m.value for m in at.metric if m.label == "KL (nats)")
    at.select_slider(key="lens_beta").set_value(16.0).run()
    kl16 = next(m.value for m in at.metric if m.label == "KL (nats)")
    assert float(kl16) < float(kl0)


def test_sample_view_resamples(monkeypatch):
    at = _page(monkeypatch, "sample")
    first = at.code[0].value
    at.button(key="lens_resample").click().run()
    second = at.code[0].value
    mu = [re.search(r"= (\([^)]*\))\n", f).group(1) for f in (first, second)]
    assert first != second and mu[0] == mu[1]  # a new ε, the same μ
    # The box shows the whole sum, one short line a term: on one line it was cut after σ at
    # 1366 px, and what was left on screen (μ + σ = z) was false. Its numbers add up.
    assert at.code[0].proto.wrap_lines and max(len(line) for line in second.splitlines()) <= 36, second
    m, s, e, z = (tuple(map(float, v)) for v in re.findall(r"\(([-+\d.]+), ([-+\d.]+)\)", second))
    assert all(abs(m[i] + s[i] * e[i] - z[i]) < 0.006 for i in (0, 1)), second


def test_the_lenses_pictures_are_named_in_the_pages_language(monkeypatch):
    """A picture's name (its alt, read by screen readers, and its title, the tooltip) comes from the
    page's catalogue: the sample lens named its images "input" and "AE reconstruction" in English on
    a Vietnamese page, and a click on the PCA lens's map "decoded"."""
    from aeviz.i18n import catalogue

    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(SHIPPED))
    vietnamese = set(catalogue("vi").values())
    for section, click in (("sample", None), ("pca", {"z": (1.0, -2.0), "row": None})):
        at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
        at.query_params["lang"] = "vi"
        at.session_state["lens_section"] = section
        if click:
            at.session_state["lens_click_pca"] = click
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        names = [n for h in at.get("html") for n in re.findall(r'<img [^>]*\balt="([^"]*)"', h.proto.body)]
        named = [n for n in names if n]
        assert len(named) >= (3 if section == "sample" else 1), names
        assert all(n in vietnamese for n in named), named


def test_beta_checkpoints_kl_falls_as_beta_rises(mnist):
    images = mnist.images("test")
    kls = [float(lenses.kl_per_dimension(load_model(SHIPPED / name), images).sum()) for _, name in BETAS]
    assert all(a > b for a, b in zip(kls, kls[1:])), list(zip([b for b, _ in BETAS], kls))
    for beta, name in BETAS:
        assert json.loads((SHIPPED / name / "config.json").read_text())["training"]["beta"] == beta
    assert np.isfinite(kls).all()


def test_explorer_opens_the_checkpoint_a_link_names(monkeypatch, checkpoint_copy):
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(checkpoint_copy))
    at = AppTest.from_string("from aeviz.ui.pages import explorer\nexplorer.page()\n", default_timeout=TIMEOUT)
    at.query_params["ckpt_ae"] = "mnist-linear-ae"
    at.run()
    assert not at.exception
    chosen = at.selectbox(key="explorer_ckpt_ae_mnist")
    assert chosen.options[chosen.index].startswith("mnist-linear-ae ")
