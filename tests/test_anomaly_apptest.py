"""AppTest (no browser) of the anomaly page: histograms, threshold, ROC, worst images, uploads."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from digit_images import phone_photo

TIMEOUT = 300
SCRIPT = "from aeviz.ui.pages import anomaly\nanomaly.page()\n"


@pytest.fixture(scope="module")
def at():
    app = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT).run()
    assert not app.exception
    return app


def _text(at) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "warning", "error", "info")
                     for e in at.get(kind))


def test_default_view_shows_every_score_roc_and_worst_images(at):
    charts = at.get("plotly_chart")
    assert len(charts) == 5  # four histograms and the ROC chart
    text = _text(at)
    for name in ("AE reconstruction error", "VAE reconstruction error", "PCA (2 components) error", "VAE −ELBO"):
        assert name in text
    assert "Fashion-MNIST (the other dataset)" in text and "held-out test images" in text
    assert "bundled offline sample of real digits" in text  # the page says which data it shows
    assert text.count("| out of distribution | TP") == 4
    assert "separates them best (AUC" in text
    assert [m.label for m in at.metric][:3] == ["Precision", "Recall", "Threshold"]
    assert all(m.help for m in at.metric)  # every number has its definition behind "?"
    html = "".join(h.proto.body for h in at.get("html"))
    assert html.count("<img") == 3 * 6 * 2  # AE, VAE, PCA: 6 images and 6 reconstructions each


def test_noise_is_separated_perfectly_and_the_threshold_moves_the_counts(at):
    at.selectbox(key="anomaly_ood").set_value("noise").run()
    assert not at.exception
    assert "AUC 1.000" in _text(at)
    before = [m.value for m in at.metric if m.label == "Threshold"]
    at.slider(key="anomaly_percentile_slider").set_value(80.0).run()
    assert not at.exception
    after = [m.value for m in at.metric if m.label == "Threshold"]
    assert after != before and all(float(a) < float(b) for a, b in zip(after, before))
    assert at.session_state["anomaly_threshold_percentile"] == 80.0  # kept for the digit page


def test_uploads_are_marked_and_a_bad_one_is_one_message(at):
    at.file_uploader(key="anomaly_uploads").set_value([
        ("photo.jpg", phone_photo(), "image/jpeg"), ("notes.png", b"just text", "image/png")]).run()
    assert not at.exception
    text = _text(at)
    assert text.count("upload 1: score") == 4
    assert [w.value for w in at.warning] == [
        "notes.png: This file is not a PNG or JPEG image (perhaps a renamed file). Choose a photo or a "
        "drawing saved as PNG or JPEG."]


def test_fashion_models_and_vietnamese(at):
    at.session_state["lang"] = "vi"
    at.segmented_control(key="anomaly_dataset").set_value("fashion-mnist").run()
    assert not at.exception
    text = _text(at)
    assert "Lỗi tái tạo của AE" in text and "MNIST (bộ dữ liệu còn lại)" not in text  # the OOD set is noise
    assert "Fashion-MNIST" in text
