"""AppTest (no browser): every page runs, and a simulated click on a map decodes an image.

Relies on (streamlit-notes §5): AppTest reruns the whole script, fragments included; a click is
simulated by writing what the map's click listener leaves in ``session_state["explorer_click_<slot>"]``."""
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from conftest import latent_maps

TIMEOUT = 90
APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(checkpoint_copy, monkeypatch):
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(checkpoint_copy))
    monkeypatch.setenv("AEVIZ_OFFLINE", "1")
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def _html(at, needle: str) -> list[str]:
    return [h.proto.body for h in at.get("html") if needle in h.proto.body]


def _click(z, row=None) -> dict:
    """What the map's click listener leaves in session state (``explorer_panes.click_key``)."""
    return {"z": z, "row": row}


def test_explorer_is_the_landing_page_and_shows_both_maps(app):
    at = app.run()
    assert not at.exception
    maps = latent_maps(at)
    assert len(maps) == 2
    for m in maps:
        assert sum(len(c["xs"]) for c in m["classes"]) == 2000  # every test image of the sample
        assert len(m["classes"]) == 10 and all(len(c["rows"]) == len(c["xs"]) for c in m["classes"])
        assert m["grid"] is None
    assert not at.get("plotly_chart"), "no plotly chart on the first screen: its bundle delays the maps"
    assert _html(at, "Click anywhere on the map")


def test_the_measures_of_both_maps_have_a_meaning_and_a_definition(app):
    at = app.run()
    assert not at.exception
    table = _html(at, 'class="aeviz-measures"')
    assert len(table) == 1, "one table for the measures"
    rows = re.findall(r"<tr><td[^>]*><details><summary[^>]*>([^<]+)<span[^>]*>\?</span></summary>"
                      r'<div class="aeviz-definition"[^>]*>([^<]+)</div>', table[0])
    names = {name: definition for name, definition in rows}
    assert {"Empty area", "Jumps", "Decoder stretch"} <= set(names)  # behind each "?", the exact definition
    assert "64×64 grid" in names["Empty area"]
    assert "where no test image was encoded" in table[0]  # the one-line meaning
    assert len(re.findall(r'class="aeviz-value"', table[0])) == 2 * len(rows)  # both maps' values
    truth = [m.value for m in at.markdown if "central region" in m.value]
    assert truth, "the comparison of the two maps is missing"
    assert "%" in truth[0]  # written from the measured values


@pytest.mark.parametrize("overlay", ["empty", "stretch", "doubt"])
def test_each_overlay_draws_on_both_maps(app, overlay):
    at = app.run()
    at.segmented_control(key="explorer_overlay").set_value(overlay).run()
    assert not at.exception
    maps = latent_maps(at)
    assert len(maps) == 2
    for m in maps:
        assert m["grid"]["name"] == overlay and m["grid"]["nx"] * m["grid"]["ny"] == len(m["grid"]["values"])
        assert m["note"]  # what the shading means


def test_the_page_speaks_vietnamese(app):
    at = app.run()
    at.session_state["lang"] = "vi"
    at.run()
    assert not at.exception
    assert at.title[0].value.startswith("Khám phá không gian tiềm ẩn")
    assert "Vùng trống" in _html(at, 'class="aeviz-measures"')[0]
    assert any("vùng trung tâm" in m.value for m in at.markdown)


def test_a_simulated_click_sets_the_decoded_image(app):
    at = app.run()
    at.session_state["explorer_click_ae"] = _click((1.5, -2.0))
    at.run()
    assert not at.exception
    decoded = _html(at, "z = (1.50, -2.00)")
    assert decoded and "data:image/png;base64," in decoded[0] and "pixelated" in decoded[0]


def test_a_simulated_click_on_a_data_point_shows_both_reconstructions(app):
    at = app.run()
    at.session_state["explorer_click_vae"] = _click((0.1, 0.2), row=5)
    at.run()
    assert not at.exception
    assert _html(at, "test image #5")
    compare = _html(at, "Test image #5")
    assert compare and compare[0].count("<img") == 3  # original | AE | VAE


@pytest.mark.parametrize("module", ["studio", "about"])
def test_the_other_pages_run(module, checkpoint_copy, monkeypatch):
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(checkpoint_copy))
    script = f"from aeviz.ui.pages import {module}\n{module}.page()\n"
    at = AppTest.from_string(script, default_timeout=TIMEOUT).run()
    assert not at.exception


def test_the_explorer_says_so_when_a_dataset_has_no_checkpoints(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(tmp_path))  # empty: no pair at all
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("No MNIST checkpoints" in w.value for w in at.warning)
    assert not at.error


def test_a_dataset_without_its_pair_gets_a_clear_message(app):
    at = app.run()
    at.segmented_control(key="explorer_dataset").set_value("fashion-mnist").run()
    assert not at.exception
    messages = [m.value for m in (*at.warning, *at.error, *at.info)]
    # Either the system files are missing (an error naming the dataset) or no checkpoints yet.
    assert any("Fashion-MNIST" in m for m in messages) or len(latent_maps(at)) == 2, messages


@pytest.mark.parametrize("section, text", [("manifold", "Decode an evenly spaced"),
                                           ("interpolation", "Walk the straight line"),
                                           ("sampling", "Sampling is defined for the VAE")])
def test_each_section_below_the_maps_runs(app, section, text):
    at = app.run()
    at.session_state["explorer_section"] = section
    at.run()
    assert not at.exception
    assert any(text in m.value for m in at.markdown)


def test_an_unreadable_checkpoint_folder_is_named_and_the_page_still_works(checkpoint_copy, tmp_path, monkeypatch):
    import shutil

    root = tmp_path / "ckpts"
    shutil.copytree(checkpoint_copy, root)
    (root / "broken").mkdir()
    (root / "broken" / "config.json").write_text("{not json")
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(root))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("`broken` skipped" in c.value and "not readable JSON" in c.value for c in at.caption)
    assert len(latent_maps(at)) == 2  # both maps still there
