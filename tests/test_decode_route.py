"""The decoded panel's route (aeviz/ui/decode_route.py): the server's exact decode of a click, as
the panel's HTML, for registered panes only; and the route on a real ``streamlit run app.py``."""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import torch

from aeviz.checkpoints import load_model
from aeviz.ui import decode_route

ROOT = Path(__file__).resolve().parents[1]
AE = ROOT / "checkpoints" / "mnist-ae"


@pytest.fixture(scope="module")
def target():
    model = load_model(AE).requires_grad_(False)
    codes = np.array([[0.5, -1.0], [2.0, 3.0]], dtype=np.float32)
    token = decode_route.register(f"{AE}|test", lambda: decode_route.Target(model, codes, "mnist-ae <b>"))
    return model, codes, token


def image_src(body: str) -> str:
    return re.search(r'<img src="([^"]+)"', body).group(1)


def test_a_point_of_the_plane_decodes_as_the_model_does(target):
    model, _, token = target
    body = decode_route.answer({"t": token, "lang": "en", "seq": "7", "x": "1.25", "y": "-0.5"})
    with torch.inference_mode():
        expected = model.decode(torch.tensor([[1.25, -0.5]]))[0, 0].numpy()
    assert body == decode_route.answer_html("en", "mnist-ae <b>", expected, (1.25, -0.5), None, 7)
    assert 'data-aeviz-seq="7"' in body and "z = (1.25, -0.50)" in body
    assert "mnist-ae &lt;b&gt;" in body and body.count("<b>") == 1  # a checkpoint's name is text, not markup


def test_a_row_decodes_its_code_and_says_which_image(target):
    model, codes, token = target
    vi = decode_route.answer({"t": token, "lang": "vi", "seq": "3", "row": "1"})
    en = decode_route.answer({"t": token, "lang": "en", "seq": "3", "row": "1"})
    assert image_src(vi) == image_src(en) == image_src(decode_route.answer_html(
        "en", "x", decode_route.decode(model, codes[1]), codes[1], 1, 3))
    assert "z = (2.00, 3.00)" in en and vi != en  # the same answer, in the page's language


def test_the_same_z_gives_the_same_image_as_the_explorer(target):
    """The route and the fragment share decode(): the panel is repainted with the same pixels."""
    model, _, token = target
    body = decode_route.answer({"t": token, "lang": "en", "seq": "1", "x": "-2", "y": "0.75"})
    from aeviz.canvas_data import png_data_uri

    assert image_src(body) == png_data_uri(decode_route.decode(model, (-2.0, 0.75)))


def test_an_unknown_token_names_nothing():
    for token in ("", "nope", "../checkpoints/mnist-ae", str(AE)):
        assert decode_route.answer({"t": token, "lang": "en", "seq": "1", "x": "0", "y": "0"}) is None


@pytest.mark.parametrize("params", [
    {"lang": "fr", "seq": "1", "x": "0", "y": "0"},
    {"lang": "en", "seq": "1", "x": "nan", "y": "0"},
    {"lang": "en", "seq": "1", "x": "inf", "y": "0"},
    {"lang": "en", "seq": "1", "x": "1e9", "y": "0"},
    {"lang": "en", "seq": "1", "x": "0"},
    {"lang": "en", "seq": "x", "x": "0", "y": "0"},
    {"lang": "en", "seq": "1", "row": "2"},
    {"lang": "en", "seq": "1", "row": "-1"},
    {"lang": "en", "seq": "1", "row": "0.5"},
    {"lang": "en", "seq": "1", "x": "1" * 40, "y": "0"},
])
def test_malformed_requests_are_refused(target, params):
    with pytest.raises(decode_route.BadRequest):
        decode_route.answer({"t": target[2], **params})


def test_registration_is_shared_and_bounded():
    model = torch.nn.Identity()
    codes = np.zeros((1, 2), np.float32)
    target = decode_route.Target(model, codes, "a")
    a = decode_route.register("k|1", lambda: target)
    assert decode_route.register("k|1", lambda: target) == a  # every session showing it: one token
    for i in range(decode_route.MAX_TARGETS + 5):
        decode_route.register(f"filler|{i}", lambda: decode_route.Target(model, codes, "f"))
    assert len(decode_route._targets) <= decode_route.MAX_TARGETS


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_the_app_server_serves_the_route(app_server, checkpoint_copy):
    """``streamlit run app.py`` builds its server from app.py's ``st.App``: once a page has shown a
    pane, the route decodes with that pane's model; it refuses what it does not know, with no detail."""
    from aeviz.ui.explorer_data import pane_for
    from aeviz.ui.explorer_panes import route_key
    from aeviz.ui.launch import warm_page

    warm_page(app_server.url)  # one run of the default page (the explorer), as a browser's first
    folder = checkpoint_copy / "mnist-ae"
    token = decode_route.token_for(route_key(pane_for("ae", {"name": "mnist-ae", "path": str(folder), "kind": "ae"}),
                                             "mnist"))
    base = f"{app_server.url}{decode_route.PATH}"
    status, body = _get(f"{base}?t={token}&lang=en&seq=5&x=0.5&y=-1.5")
    assert status == 200, body
    model = load_model(folder)
    assert body == decode_route.answer_html("en", "mnist-ae", decode_route.decode(model, (0.5, -1.5)),
                                            (0.5, -1.5), None, 5)
    assert _get(f"{base}?t={token}&lang=en&seq=5&x=nan&y=0") == (400, "bad request")
    assert _get(f"{base}?t={token}&lang=en&seq=5&row=999999") == (400, "bad request")
    assert _get(f"{base}?t=unknown&lang=en&seq=1&x=0&y=0") == (404, "not found")
    assert _get(f"{base}?t={folder}&lang=en&seq=1&x=0&y=0") == (404, "not found")
