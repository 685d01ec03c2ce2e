"""The decoded panel's fast answer: an HTTP route on the app's own server that decodes one click.

Why: a click answered by a fragment rerun waits for Streamlit's frontend to render the whole page
around the panel three times (marking it stale, the new elements, the run's end), which on a
2-core laptop costs more than the decode itself. Here ``click.js`` asks this route first, with the
clicked z; the server decodes it with the same cached model, under ``torch.inference_mode()``, and
returns the panel's HTML, built by the same function the fragment uses (``answer_html``). The
fragment rerun still follows every click: it owns the URL, the exports, the comparison row and the
ring in the other map, and it repaints the panel with the same HTML. Without the route (AppTest,
an old launcher) the rerun alone answers, as before.

Safety: the request names nothing on disk. A page registers each pane it shows (``register``,
from the script thread) and hands the browser an opaque token; the route only decodes with a
registered model. Coordinates must be finite and inside a generous box, rows inside the map's
test images, the language one of the catalogues'. Anything else is a 400 or 404, with no detail.
"""
from __future__ import annotations

import hashlib
import html
import math
import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from aeviz.i18n import LANGUAGES, translate
from aeviz.ui.image_html import img_tag

PATH = "/aeviz/decode"
DECODED_PX = 180  # the decoded image's width: readable from the back of a classroom
Z_LIMIT = 1e4  # no model's map reaches this far; beyond it is not a click
MAX_TARGETS = 256  # registered panes kept (every checkpoint a server has shown, with room to spare)


@dataclass(frozen=True)
class Target:
    """What a token decodes with: a shared, read-only model, the map's codes (a row's z) and the
    checkpoint's display name."""

    model: torch.nn.Module
    codes: np.ndarray
    name: str


_targets: dict[str, Target] = {}
_lock = threading.Lock()


def token_for(key: str) -> str:
    """The token of ``key``: the same for every session, and no path for the browser to read."""
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def register(key: str, target: Callable[[], Target]) -> str:
    """Make a pane decodable through the route; returns its token. ``key`` identifies the
    checkpoint version (path and mtime), so every session showing it shares one token; ``target``
    is called only when the key is not registered yet (a click's rerun then costs one lookup)."""
    token = token_for(key)
    with _lock:
        known = token in _targets
    if not known:
        built = target()
        with _lock:
            if len(_targets) >= MAX_TARGETS and token not in _targets:
                _targets.pop(next(iter(_targets)))
            _targets[token] = built
    return token


def lookup(token: str) -> Target | None:
    with _lock:
        return _targets.get(token)


@torch.inference_mode()
def decode(model: torch.nn.Module, z) -> np.ndarray:
    """One z -> (28, 28) image in [0, 1]."""
    zt = torch.as_tensor(np.asarray(z, dtype=np.float32)).reshape(1, -1)
    return model.decode(zt)[0, 0].numpy()


def answer_html(lang: str, name: str, image: np.ndarray, z, row: int | None, seq: int | None) -> str:
    """The decoded panel's answer: whose decoder, the image, the z readout, and where the click
    was. It echoes ``seq`` (data-aeviz-seq): click.js and the benchmarks see which click it answers."""
    where = (translate(lang, "explorer.where_row", row=row) if row is not None
             else translate(lang, "explorer.where_empty"))
    return (f'<div style="font-size:0.95rem;color:#333;margin-bottom:4px" class="aeviz-answer"'
            f' data-aeviz-seq="{seq if seq is not None else 0}">'
            f'{translate(lang, "explorer.decoded_by", name=html.escape(name))}</div>'
            f'{img_tag(image, width=f"{DECODED_PX}px", title=translate(lang, "explorer.decoded_image"))}'
            f'<div class="aeviz-z" style="font:600 1.1rem monospace;margin-top:6px;white-space:nowrap">'
            f'z = ({z[0]:.2f}, {z[1]:.2f})</div>'
            f'<div style="font-size:0.9rem;color:#555">{where}</div>')


class BadRequest(ValueError):
    pass


def _number(params, key: str, kind=float):
    raw = params.get(key)
    if raw is None or len(raw) > 32:
        raise BadRequest(key)
    try:
        value = kind(raw)
    except ValueError:
        raise BadRequest(key) from None
    if not math.isfinite(value):
        raise BadRequest(key)
    return value


def answer(params) -> str | None:
    """The panel's HTML for one request's query parameters (a mapping of str -> str): ``t`` (the
    token), ``lang``, ``seq``, and ``row`` (a test image of the map) or ``x`` and ``y`` (a point of
    the plane). None for an unknown token; BadRequest for anything malformed."""
    target = lookup(params.get("t", ""))
    if target is None:
        return None
    lang = params.get("lang")
    if lang not in LANGUAGES:
        raise BadRequest("lang")
    seq = _number(params, "seq", int)
    if "row" in params:
        row = _number(params, "row", int)
        if not 0 <= row < len(target.codes):
            raise BadRequest("row")
        z = (float(target.codes[row, 0]), float(target.codes[row, 1]))
    else:
        row = None
        z = (_number(params, "x"), _number(params, "y"))
        if max(abs(z[0]), abs(z[1])) > Z_LIMIT:
            raise BadRequest("z")
    return answer_html(lang, target.name, decode(target.model, z), z, row, seq)


async def _endpoint(request):
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import PlainTextResponse, Response

    try:
        body = await run_in_threadpool(answer, request.query_params)
    except BadRequest:
        return PlainTextResponse("bad request", status_code=400)
    if body is None:
        return PlainTextResponse("not found", status_code=404)
    return Response(body, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"})


def route_path() -> str:
    """Where the route listens: under the server's base URL path, like Streamlit's own routes."""
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return (f"/{base}" if base else "") + PATH


def routes() -> list:
    """The routes ``app.py`` gives its server (``st.App(..., routes=routes())``)."""
    from starlette.routing import Route

    return [Route(route_path(), _endpoint, methods=["GET"])]
