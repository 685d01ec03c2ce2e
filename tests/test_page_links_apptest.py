"""Teacher links and presentation mode on the anomaly, digit and lenses pages (AppTest, through
the router): a view's settings go into the URL and a fresh session opened on that URL shows the
same view; ``?present=1`` puts every setting into a container the presentation CSS hides, and
draws the charts larger."""
from __future__ import annotations

import json

from test_classroom_apptest import open_app

HIDDEN = '[class*="st-key-aeviz_settings_"]'


def link_of(at) -> dict[str, str]:
    """What "Copy link to this view" copies: the URL's query parameters."""
    return {k: (v[0] if isinstance(v, list) else v) for k, v in ((k, at.query_params[k]) for k in at.query_params)}


def css_of(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def inside(at, container: str, kind: str) -> set[str]:
    """Keys of the ``kind`` widgets inside the keyed container ``container``."""
    return {w.key for w in at.get_by_key(container).get(kind)}


def heights(at) -> dict[str, int]:
    """The height of each chart: plotly charts and canvas plots (latent maps included), by key."""
    out = {c.key: json.loads(c.proto.spec)["layout"].get("height") for c in at.get("plotly_chart")}
    for c in at.get("bidi_component"):
        if c.proto.component_name in ("aeviz_latent_map", "aeviz_canvas_plot"):
            out[c.proto.id.split("-", 2)[-1]] = json.loads(c.proto.json).get("height")
    return out


# ---- anomaly -------------------------------------------------------------------------------

def test_anomaly_view_survives_a_link():
    at = open_app("anomaly", {"lang": "vi"})
    at.session_state["anomaly_ood"] = "noise"
    at.run()
    at.slider(key="anomaly_percentile_slider").set_value(90.0).run()
    at.slider(key="anomaly_worst_k").set_value(9).run()
    assert not at.exception
    link = link_of(at)
    assert link["ood"] == "noise" and link["pct"] == "90" and link["worst"] == "9", link
    assert link["dataset"] == "mnist" and link["ckpt_ae"] == "mnist-ae" and link["ckpt_vae"] == "mnist-vae", link
    fresh = open_app("anomaly", link)
    assert fresh.selectbox(key="anomaly_ood").value == "noise"
    assert fresh.slider(key="anomaly_percentile_slider").value == 90.0
    assert fresh.slider(key="anomaly_worst_k").value == 9
    assert fresh.segmented_control(key="anomaly_dataset").value == "mnist"
    assert fresh.session_state["anomaly_threshold_percentile"] == 90.0  # the digit page's threshold too


def test_anomaly_link_names_the_models():
    at = open_app("anomaly", {"ckpt_ae": "mnist-linear-ae", "dataset": "mnist"})
    assert not at.exception
    ae = at.selectbox(key="anomaly_ae_mnist")
    assert ae.options[ae.index].startswith("mnist-linear-ae "), ae.options
    assert link_of(at)["ckpt_ae"] == "mnist-linear-ae"


def test_anomaly_presentation_hides_the_settings_and_enlarges_the_charts():
    plain, shown = open_app("anomaly"), open_app("anomaly", {"present": "1"})
    assert HIDDEN in css_of(shown) and HIDDEN not in css_of(plain)
    assert {"anomaly_ood"} <= inside(shown, "aeviz_settings_anomaly_controls", "selectbox")
    assert {"anomaly_percentile_slider"} <= inside(shown, "aeviz_settings_anomaly_controls", "slider")
    assert {"anomaly_ae_mnist", "anomaly_vae_mnist"} <= inside(shown, "aeviz_settings_anomaly_models", "selectbox")
    assert {"anomaly_worst_k"} <= inside(shown, "aeviz_settings_anomaly_worst", "slider")
    assert {"anomaly_uploads"} <= inside(shown, "aeviz_settings_anomaly_uploads", "file_uploader")
    big, small = heights(shown), heights(plain)
    assert big["anomaly_roc"] > small["anomaly_roc"] and big["anomaly_hist_ae"] > small["anomaly_hist_ae"]


# ---- digit ---------------------------------------------------------------------------------

def test_digit_view_survives_a_link():
    at = open_app("digit", {"src": "draw", "ckpt_vae": "mnist-vae-b4"})
    assert not at.exception
    assert at.segmented_control(key="digit_source").value == "draw"
    link = link_of(at)
    assert link["src"] == "draw" and link["ckpt_vae"] == "mnist-vae-b4" and link["ckpt_ae"] == "mnist-ae", link
    fresh = open_app("digit", link)
    assert fresh.segmented_control(key="digit_source").value == "draw"
    vae_names = [o for o in fresh.selectbox(key="digit_vae_mnist").options]
    assert "mnist-vae-b4" in vae_names[fresh.selectbox(key="digit_vae_mnist").index], vae_names


def test_digit_presentation_hides_the_settings():
    shown = open_app("digit", {"present": "1"})
    assert HIDDEN in css_of(shown)
    assert {"digit_source"} <= inside(shown, "aeviz_settings_digit_source", "segmented_control")
    assert {"digit_ae_mnist", "digit_vae_mnist"} <= inside(shown, "aeviz_settings_digit_models", "selectbox")
    assert shown.get_by_key("digit_upload") is not None  # the way the class gives its digit stays


# ---- lenses --------------------------------------------------------------------------------

def test_lens_and_beta_survive_a_link():
    at = open_app("lenses", {"lang": "vi", "lens": "beta"})
    assert not at.exception
    at.select_slider(key="lens_beta").set_value(4.0).run()
    assert not at.exception
    link = link_of(at)
    assert link["lens"] == "beta" and link["beta"] == "4", link
    fresh = open_app("lenses", link)
    assert fresh.segmented_control(key="lens_section").value == "beta"
    assert fresh.select_slider(key="lens_beta").value == 4.0
    assert any("mnist-vae-b4" in m.value for m in fresh.markdown)


def test_sample_lens_input_survives_a_link():
    at = open_app("lenses", {"lens": "sample"})
    at.number_input(key="lens_sample_row").set_value(17).run()
    at.toggle(key="lens_sample_zoom").set_value(False).run()
    assert not at.exception
    link = link_of(at)
    assert link["row"] == "17" and link["zoom"] == "0", link
    fresh = open_app("lenses", link)
    assert fresh.number_input(key="lens_sample_row").value == 17
    assert fresh.toggle(key="lens_sample_zoom").value is False


def test_lenses_presentation_hides_the_settings_and_enlarges_the_maps():
    plain, shown = open_app("lenses", {"lens": "beta"}), open_app("lenses", {"lens": "beta", "present": "1"})
    assert HIDDEN in css_of(shown)
    assert {"lens_section"} <= inside(shown, "aeviz_settings_lens_choice", "segmented_control")
    assert {"lens_beta"} <= inside(shown, "aeviz_settings_lens_beta", "select_slider")
    key = next(k for k in heights(plain) if k.startswith("lens_beta_map_"))
    assert heights(shown)[key] > heights(plain)[key]
    sample = open_app("lenses", {"lens": "sample", "present": "1"})
    assert ".st-key-lens_sample_row" in css_of(sample) and ".st-key-lens_sample_zoom" in css_of(sample)


# ---- /explorer -----------------------------------------------------------------------------

def test_the_explorer_path_opens_the_explorer_with_its_parameters():
    """Streamlit serves the default page at "/" only; "/explorer?lang=vi&..." (a link typed or
    shared by hand) reaches the explorer too, in the same state, not "Page not found"."""
    from aeviz.i18n import translate

    from streamlit.testing.v1 import AppTest

    from conftest import ROOT

    first = open_app("about")  # the router registers its pages; a page's hash comes from its url_path
    alias = [h for h, info in first._registered_pages.items() if info.get("url_pathname") == "explorer"]
    assert alias, "no page at /explorer"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)  # a fresh visitor at /explorer?...
    at.query_params["lang"], at.query_params["overlay"] = "vi", "empty"
    at._page_hash = alias[0]
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == translate("vi", "explorer.title")
    assert at.segmented_control(key="explorer_overlay").value == "empty"
    assert link_of(at)["lang"] == "vi"
