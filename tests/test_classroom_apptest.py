"""The classroom features without a browser (AppTest): every page in Vietnamese shows no English
catalogue string and no raw key; a view's settings survive a link (URL round trip); ?present=1
hides the controls; the lesson path visits every step."""
from __future__ import annotations

import json
import re
import string

import pytest
from streamlit.testing.v1 import AppTest

from aeviz.i18n import catalogue
from aeviz.ui.pages.lesson import STEPS
from aeviz.ui.studio_settings import URL_SETTINGS

from conftest import ROOT

TIMEOUT = 120
PAGES = ("explorer", "studio", "lenses", "anomaly", "digit", "lesson", "about")


def open_app(page: str, params: dict | None = None, run_page: bool = True) -> AppTest:
    """app.py at ``page`` (its url_path; "explorer" is the default page) with query ``params``.
    AppTest.switch_page takes files, and these pages are functions (st.Page(callable)): the page
    is chosen by its script hash, which st.navigation registers on the first run."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for k, v in (params or {}).items():
        at.query_params[k] = str(v)
    at.run()
    assert not at.exception, at.exception
    if page != "explorer":
        at._page_hash = page_hash(at, page)
        at.run()
        assert not at.exception, at.exception
    return at


def page_hash(at: AppTest, page: str) -> str:
    """The script hash st.navigation registered for ``page``. The Explorer is the default page,
    served at "/" ("explorer" is an alias that redirects there)."""
    path = "" if page == "explorer" else page
    hashes = [h for h, info in at._registered_pages.items() if info.get("url_pathname") == path]
    assert hashes, f"no page {page!r} registered"
    return hashes[0]


def chart_texts(spec: str) -> list[str]:
    """What a plotly chart shows as text: trace names (the legend), hover templates, titles, annotations."""
    fig = json.loads(spec)
    out = []
    for trace in fig.get("data", []):
        out += [str(trace[k]) for k in ("name", "hovertemplate") if trace.get(k)]
        if isinstance(trace.get("text"), list):
            out += [str(v) for v in trace["text"]]
    layout = fig.get("layout", {})
    for k, v in layout.items():
        if isinstance(v, dict) and isinstance(v.get("title"), dict) and v["title"].get("text"):
            out.append(str(v["title"]["text"]))  # axis and legend titles
    if isinstance(layout.get("title"), dict) and layout["title"].get("text"):
        out.append(str(layout["title"]["text"]))
    out += [str(a["text"]) for a in layout.get("annotations", []) if a.get("text")]
    return out


def canvas_texts(data: dict) -> list[str]:
    """What a canvas plot or latent map shows as text: titles, legends, class names, notes, labels."""
    out = [str(data.get(k)) for k in ("title", "legend", "note", "label", "xlabel", "ylabel") if data.get(k)]
    out += [str(c["name"]) for c in data.get("classes", [])]
    out += [str(name) for name, _ in data.get("keys", [])]
    for panel in data.get("panels", []):
        out += [str(panel.get("title", ""))] + [str(s.get("name", "")) for s in panel.get("series", [])]
    return out


def shown_texts(at: AppTest) -> list[str]:
    """Every string the page shows: text elements, widget labels, help, options, links, chart text."""
    out = []
    for el in at.get("plotly_chart"):
        out += chart_texts(el.proto.spec)
    for el in at.get("bidi_component"):
        if el.proto.component_name in ("aeviz_latent_map", "aeviz_canvas_plot"):
            out += canvas_texts(json.loads(el.proto.json))
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                 "text", "latex"):
        out += [e.value for e in at.get(kind) if isinstance(getattr(e, "value", None), str)]
    for el in at.get("progress"):
        out.append(el.proto.text)
    for kind in ("button", "selectbox", "radio", "slider", "select_slider", "toggle", "checkbox", "number_input",
                 "text_input", "segmented_control", "download_button", "page_link", "expander", "metric", "tabs"):
        for el in at.get(kind):
            proto = el.proto
            for field in ("label", "help", "body"):
                if isinstance(getattr(proto, field, None), str):
                    out.append(getattr(proto, field))
            out += [str(o) for o in getattr(el, "options", []) or []]
    return [s for s in out if s]


def literal_chunks(template: str) -> list[str]:
    return [lit.strip() for lit, *_ in string.Formatter().parse(template) if lit and len(lit.strip()) >= 14]


def english_only() -> list[str]:
    """Literal pieces of the English catalogue that differ from the Vietnamese ones."""
    en, vi = catalogue("en"), catalogue("vi")
    vi_text = "\n".join(vi.values())
    return sorted({c for k, v in en.items() if v != vi[k] for c in literal_chunks(v) if c not in vi_text})


def english_class_names() -> list[str]:
    """Class names that differ between the languages (Fashion-MNIST's): short words that
    ``english_only`` (long pieces only) would not catch, matched as whole words."""
    en, vi = catalogue("en"), catalogue("vi")
    return sorted({v for k, v in en.items() if k.startswith("common.classes.") and v != vi[k]})


def english_leaks(blob: str) -> list[str]:
    leaks = [c for c in english_only() if c in blob]
    return leaks + [n for n in english_class_names() if re.search(rf"(?<![\w/]){re.escape(n)}(?![\w/])", blob)]


KEY_RE = re.compile(r"\b(?:" + "|".join(sorted({k.split(".")[0] for k in catalogue("en")})) + r")\.[a-z_][\w.-]*\b")


@pytest.mark.parametrize("page,extra", [pytest.param(p, {}, id=p) for p in PAGES]
                         + [pytest.param("explorer", {"dataset": "fashion-mnist"}, id="explorer-fashion-mnist")])
def test_every_page_in_vietnamese_shows_no_english_and_no_raw_key(page, extra):
    at = open_app(page, {"lang": "vi", **extra})
    texts = shown_texts(at)
    assert texts, "nothing shown"
    blob = "\n".join(texts)
    leaks = english_leaks(blob)
    assert leaks == [], f"English catalogue strings on the Vietnamese {page} page: {leaks}"
    keys = set(catalogue("en"))
    raw = [m for m in KEY_RE.findall(blob) if m in keys]
    assert raw == [], f"raw catalogue keys shown: {raw}"
    assert at.session_state["lang"] == "vi" and at.query_params["lang"] == ["vi"] or at.query_params["lang"] == "vi"


def test_studio_settings_survive_a_link():
    """Set a view, take its URL (what "Copy link" copies), open it in a new session: same view."""
    at = open_app("studio", {"lang": "vi"})
    at.radio(key="studio_mode").set_value("vae").run()
    at.slider(key="studio_epochs").set_value(7).run()
    at.select_slider(key="studio_lr").set_value(0.01).run()
    at.slider(key="studio_beta").set_value(2.5).run()
    at.selectbox(key="studio_recon").set_value("mse").run()
    assert not at.exception
    link = {k: at.query_params[k] for k in at.query_params}
    link = {k: v[0] if isinstance(v, list) else v for k, v in link.items()}
    assert link["s_mode"] == "vae" and link["s_epochs"] == "7" and link["lang"] == "vi", link
    fresh = open_app("studio", link)
    assert fresh.radio(key="studio_mode").value == "vae"
    assert fresh.slider(key="studio_epochs").value == 7
    assert fresh.select_slider(key="studio_lr").value == 0.01
    assert fresh.slider(key="studio_beta").value == 2.5
    assert fresh.selectbox(key="studio_recon").value == "mse"
    assert fresh.session_state["lang"] == "vi"
    assert fresh.title[0].value == catalogue("vi")["studio.title"]


def visit(at: AppTest, page: str) -> None:
    """Go to ``page`` the way the sidebar does: Streamlit's page switch drops the query string."""
    at.query_params.clear()
    at._page_hash = page_hash(at, page)
    at.run()
    assert not at.exception, at.exception


def test_the_studios_settings_survive_a_visit_to_another_page():
    """Streamlit drops a widget's value when a run does not draw it: without persist_state, a look at
    the lesson left the studio at its defaults, beside the run its settings had started."""
    at = open_app("studio")
    at.radio(key="studio_mode").set_value("vae").run()
    at.slider(key="studio_epochs").set_value(7).run()
    at.select_slider(key="studio_lr").set_value(0.01).run()
    at.selectbox(key="studio_recon").set_value("mse").run()
    visit(at, "lesson")
    visit(at, "studio")
    assert at.radio(key="studio_mode").value == "vae"
    assert at.slider(key="studio_epochs").value == 7
    assert at.select_slider(key="studio_lr").value == 0.01
    assert at.selectbox(key="studio_recon").value == "mse"
    assert _param(at, "s_epochs") == "7" and _param(at, "s_mode") == "vae"  # the address names it again


def test_the_explorer_the_anomaly_page_and_the_lesson_keep_their_settings_across_pages():
    at = open_app("explorer", {"section": "sampling"})
    at.slider(key="explorer_prior_n").set_value(32).run()
    visit(at, "anomaly")
    at.slider(key="anomaly_worst_k").set_value(9).run()
    visit(at, "lesson")
    at.selectbox(key="lesson_step").set_value(3).run()
    visit(at, "about")
    visit(at, "explorer")
    assert at.segmented_control(key="explorer_section").value == "sampling"
    assert at.slider(key="explorer_prior_n").value == 32
    visit(at, "anomaly")
    assert at.slider(key="anomaly_worst_k").value == 9
    visit(at, "lesson")
    assert at.selectbox(key="lesson_step").value == 3


def test_the_studios_settings_reach_the_url_as_one_change(monkeypatch):
    """Each write to st.query_params is one message to the browser (which replaces its history
    entry for it); the studio's settings go into the URL together, on the rerun after the first
    visit (a teacher's first press of Start), not one message per setting."""
    from streamlit.runtime.state.query_params import QueryParams

    sent = []
    send = QueryParams._send_query_param_msg

    def counted(self):
        sent.append(dict(self._query_params))
        send(self)

    monkeypatch.setattr(QueryParams, "_send_query_param_msg", counted)
    at = open_app("studio")
    sent.clear()
    at.run()
    assert not at.exception
    with_settings = [q for q in sent if any(k.startswith("s_") for k in q)]
    assert len(with_settings) == 1, sent
    shown = set(URL_SETTINGS) - {"s_noise"}  # the noise slider is there for the denoising AE only
    assert shown <= set(with_settings[0]), with_settings[0]
    assert _param(at, "s_epochs") == "10" and _param(at, "s_mode") == "both"


def test_a_batch_of_url_writes_is_read_back_inside_and_sent_once_at_the_end():
    def script():
        import streamlit as st
        from streamlit.runtime.state.query_params import QueryParams

        from aeviz.ui import url_state

        sent, send = [], QueryParams._send_query_param_msg
        QueryParams._send_query_param_msg = lambda self: (sent.append(dict(self._query_params)), send(self))[1]
        try:
            st.session_state.update({"a_key": 3, "b_key": True})
            with url_state.batched():
                url_state.bind("a", "a_key", int)
                url_state.bind("b", "b_key", bool)
                with url_state.batched():  # an inner block adds to the outer one
                    url_state.set_param("gone", None)
                    url_state.set_param("c", 1.5)
                st.session_state["inside"] = (url_state.read_param("a", int), url_state.read_param("gone"),
                                              "a" in st.query_params, len(sent))
                url_state.bind("a", "a_key", int)  # bound again in the block: still its session value
        finally:
            QueryParams._send_query_param_msg = send
        st.session_state["sent"] = sent

    at = AppTest.from_function(script, default_timeout=TIMEOUT)
    at.query_params["gone"] = "x"
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["inside"] == (3, None, False, 0)
    # one message for the removal, one for every value written
    assert at.session_state["sent"] == [{}, {"a": "3", "b": "1", "c": "1.5"}], at.session_state["sent"]
    assert at.session_state["a_key"] == 3


def _param(at, name):
    v = at.query_params[name]
    return v[0] if isinstance(v, list) else v


def test_explorer_view_survives_a_link():
    """Dataset, checkpoints, overlay, a click on each map (one on a test image), the open section
    and its settings: into the URL, and back in a new session."""
    # The overlay and the section start from a link: AppTest cannot change a segmented control whose
    # labels come from t() (it formats the value outside the script run, where the language is unknown).
    at = open_app("explorer", {"lang": "vi", "overlay": "empty", "section": "sampling"})
    at.session_state["explorer_click_ae"] = {"z": (1.5, -2.0), "row": None}
    at.session_state["explorer_click_vae"] = {"z": (0.25, 0.5), "row": 7}
    at.run()
    at.slider(key="explorer_prior_n").set_value(32).run()
    at.toggle(key="explorer_prior_fitted").set_value(False).run()
    assert not at.exception
    link = {k: _param(at, k) for k in at.query_params}
    assert link["c_ae"] == "1.5000_-2.0000" and link["c_vae"] == "0.2500_0.5000_7", link
    assert link["overlay"] == "empty" and link["section"] == "sampling" and link["p_n"] == "32", link
    assert link["left"] == "mnist-ae" and link["right"] == "mnist-vae" and link["dataset"] == "mnist", link
    fresh = open_app("explorer", link)
    assert fresh.session_state["explorer_click_ae"] == {"z": (1.5, -2.0), "row": None}
    assert fresh.session_state["explorer_click_vae"] == {"z": (0.25, 0.5), "row": 7}
    assert fresh.segmented_control(key="explorer_overlay").value == "empty"
    assert fresh.segmented_control(key="explorer_section").value == "sampling"
    assert fresh.slider(key="explorer_prior_n").value == 32
    assert fresh.toggle(key="explorer_prior_fitted").value is False
    assert "z = (1.50, -2.00)" in "\n".join(h.proto.body for h in fresh.get("html"))
    # The export buttons are there (their files are made on click; tests/test_export.py checks them).
    keys = {b.proto.id.split("-")[-1] if False else b.key for b in fresh.get("download_button")}
    assert {"explorer_png_ae", "explorer_png_vae", "explorer_csv_ae", "explorer_csv_vae"} <= keys, keys


def test_explorer_codes_csv_has_one_row_per_test_image():
    from aeviz import export
    from aeviz.ui import explorer_data as data

    at = open_app("explorer")  # loads the caches the page uses
    assert not at.exception
    pane = data.pane_for("ae", data.list_entries("mnist")[data.default_index("mnist", data.list_entries("mnist"), "ae")])
    d, sub = data.map_data(pane.path, pane.mtime, "mnist"), data.test_subset("mnist")
    text = export.codes_csv(d["codes"], sub["labels"], sub["class_names"], sub["index"])
    assert len(text.strip().splitlines()) == 1 + len(sub["labels"])


def test_a_bad_link_value_is_ignored():
    at = open_app("studio", {"s_epochs": "9999", "s_mode": "nonsense", "s_lr": "abc", "step": "x"})
    assert not at.exception
    assert at.slider(key="studio_epochs").value == 10 and at.radio(key="studio_mode").value == "both"


def test_present_mode_hides_the_controls():
    at = open_app("studio", {"present": "1"})
    css = "\n".join(h.proto.body for h in at.get("html"))
    assert '[data-testid="stSidebar"]' in css and '[class*="st-key-aeviz_settings_"]' in css
    # The settings are inside the container that the CSS hides.
    settings = at.get_by_key("aeviz_settings_studio_settings") if hasattr(at, "get_by_key") else None
    assert settings is not None
    assert at.button(key="aeviz_leave_present")
    at.button(key="aeviz_leave_present").click().run()
    assert not any('[data-testid="stSidebar"]' in h.proto.body for h in at.get("html"))
    assert "present" not in at.query_params
    explorer = open_app("explorer", {"present": "1"})
    css = "\n".join(h.proto.body for h in explorer.get("html"))
    assert ".st-key-explorer_overlay" in css and ".st-key-explorer_checkpoints" in css
    for other in ("anomaly", "digit", "about"):  # every page, through the router
        html = "\n".join(h.proto.body for h in open_app(other, {"present": "1"}).get("html"))
        assert '[data-testid="stSidebar"]' in html, other
    plain = open_app("studio")
    assert not any('[data-testid="stSidebar"]' in h.proto.body for h in plain.get("html"))


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_lesson_path_visits_every_step(lang):
    at = open_app("lesson", {"lang": lang})
    seen = []
    for n in range(1, len(STEPS) + 1):
        assert not at.exception
        assert at.session_state["lesson_step"] == n
        assert at.subheader[0].value.startswith(f"{n}. ")
        assert len(at.latex) >= 1, f"step {n} has no formula"
        # Words stay out of KaTeX, which mis-draws Vietnamese letters with two marks (ố, ữ): a
        # formula's symbols are explained in Markdown below it.
        assert all(e.value.isascii() for e in at.latex), [e.value for e in at.latex]
        seen.append(at.subheader[0].value)
        if n < len(STEPS):
            at.button(key="lesson_next").click().run()
            q = at.query_params["step"]
            assert (q[0] if isinstance(q, list) else q) == str(n + 1)
    assert at.button(key="lesson_next").disabled
    assert len(set(seen)) == len(STEPS)
    at.button(key="lesson_back").click().run()
    assert at.session_state["lesson_step"] == len(STEPS) - 1
    # A link to a step opens it.
    linked = open_app("lesson", {"lang": lang, "step": 4})
    assert linked.subheader[0].value.startswith("4. ")
    assert "BCEWithLogits" in "\n".join(e.value for e in linked.latex)


# Number words an introduction could use to count what its page holds.
COUNT_WORDS = {"en": ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
               "vi": ("hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười")}


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("page, intro_of, parts", [
    ("lenses", lambda at: at.markdown[0].value, "lenses"),
    ("lesson", lambda at: at.caption[0].value, "steps"),
])
def test_a_pages_introduction_counts_what_the_page_holds(lang, page, intro_of, parts):
    """The lenses page once opened with "Four claims" above its five lenses: a count written into
    a sentence goes stale when a part is added, so the introductions take theirs from the code."""
    from aeviz.ui.pages.lenses import SECTIONS

    count = len(SECTIONS) if parts == "lenses" else len(STEPS)
    intro = intro_of(open_app(page, {"lang": lang}))
    assert f"({count} " in intro, intro
    words = re.findall(r"\w+", intro.split(".")[0].lower())
    assert not set(words) & set(COUNT_WORDS[lang]), intro


def test_the_lessons_sampling_formula_is_the_gaussian_the_explorer_draws_from():
    """The lesson wrote the AE's stand-in prior as N(z̄, Σ_z), a full covariance, while the explorer
    draws each dimension on its own (analysis.prior_samples): the formula now says so."""
    import numpy as np

    from aeviz.analysis import prior_samples

    step = next(s for s in STEPS if s.id == "sampling")
    ae_formula = next(f for f in step.formulas if f.startswith(r"\mathrm{AE}"))
    assert r"\operatorname{diag}(s_z^2)" in ae_formula and r"\Sigma" not in ae_formula, ae_formula
    assert step.symbols  # z̄ and s_z are explained in words
    codes = np.random.default_rng(0).multivariate_normal([1.0, -2.0], [[4.0, 3.0], [3.0, 4.0]], size=5000)
    z = prior_samples(20000, seed=1, mean=codes.mean(0), std=codes.std(0))
    assert abs(np.corrcoef(codes.T)[0, 1]) > 0.7 and abs(np.corrcoef(z.T)[0, 1]) < 0.05
    assert np.allclose(z.std(0), codes.std(0), rtol=0.05) and np.allclose(z.mean(0), codes.mean(0), atol=0.1)
