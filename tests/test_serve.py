"""`make serve`: two app replicas behind nginx on loopback, sticky sessions, websockets through
the proxy, and a full click (the explorer's rerun message, its answer) through it."""
from __future__ import annotations

import asyncio
import gzip
import os
import re
import shutil
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

import pytest

from aeviz import serve
from conftest import ROOT, free_port, wait_for_app_idle

sys.path.insert(0, str(ROOT / "benchmarks"))
from protocol import ExplorerSession  # noqa: E402


def test_generated_config_is_sticky_and_upgrades_websockets(tmp_path):
    conf = serve.nginx_config(tmp_path, "127.0.0.1", 8080, [9001, 9002])
    assert "hash $aeviz_route consistent;" in conf and "server 127.0.0.1:9001" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "Connection $connection_upgrade" in conf
    assert f"pid {tmp_path}/nginx.pid;" in conf and "/var/" not in conf and "/etc/" not in conf
    assert "ip_hash;" in serve.nginx_config(tmp_path, "127.0.0.1", 8080, [9001], sticky="ip")
    assert "gzip on;" in conf and "application/javascript" in conf
    assert f"proxy_cache_path {tmp_path}/static_cache" in conf and "location /static/" in conf
    assert 'proxy_set_header Accept-Encoding "";' in conf  # one plain copy in the cache, whatever the browser


def _get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.headers, r.read()


def test_the_pages_files_come_compressed_and_from_nginxs_cache(cluster):
    """Every student's first visit downloads Streamlit's ~3.3 MB of scripts, which Streamlit sends
    uncompressed: through the proxy they are gzipped, and after the first request served by nginx
    without reaching a replica, byte for byte what the replica sends."""
    page = _get(cluster.url + "/")[2].decode()
    scripts = re.findall(r'(?:src|href)="\.?/?(static/[^"]+\.(?:js|css))"', page)
    assert len(scripts) > 20, page[:500]
    for path in scripts[:5]:
        direct = _get(f"http://127.0.0.1:{cluster.ports[0]}/{path}")[2]
        _get(f"{cluster.url}/{path}")  # the first request may be the one that fills the cache
        status, headers, body = _get(f"{cluster.url}/{path}", {"Accept-Encoding": "gzip"})
        assert status == 200 and headers["X-Aeviz-Cache"] == "HIT", (path, dict(headers))
        assert gzip.decompress(body) == direct
        if len(direct) > 100_000:
            assert headers["Content-Encoding"] == "gzip" and len(body) < len(direct) / 2, (path, len(body), len(direct))
    assert _get(f"{cluster.url}/{scripts[0]}")[2] == _get(f"http://127.0.0.1:{cluster.ports[0]}/{scripts[0]}")[2]


@pytest.mark.browser
def test_a_phone_photo_uploads_through_the_proxy(cluster, page):
    """A photo is larger than nginx's 16 KB body buffer, so nginx writes it to a temp file of its own
    first; started as root, nginx's workers (nobody) could not reach that folder and every photo
    upload through `make serve` failed with a 500."""
    from digit_images import phone_photo

    photo = phone_photo()
    assert len(photo) > 16 * 1024
    page.goto(f"{cluster.url}/digit")
    page.locator(".st-key-digit_upload input[type='file']").wait_for(state="attached", timeout=90_000)
    wait_for_app_idle(page)
    page.locator(".st-key-digit_upload input[type='file']").set_input_files(
        files=[{"name": "seven.jpg", "mimeType": "image/jpeg", "buffer": photo}])
    page.locator(".digit-recons img").first.wait_for(timeout=120_000)
    wait_for_app_idle(page)
    assert page.locator(".digit-recons img").count() == 4  # the digit, AE, VAE, PCA
    assert page.locator("[data-testid='stFileChip'][aria-invalid='true']").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.fixture(scope="module")
def cluster(checkpoint_copy):
    if not Path(serve.NGINX).exists():
        if os.environ.get("AEVIZ_REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(f"nginx missing ({serve.NGINX}) but CI requires it: apt-get install -y nginx")
        pytest.skip("nginx is not installed (apt-get install -y nginx)")
    # Its own folder in /tmp, as `make serve` makes one: pytest's folders sit in a 0700 one of root's,
    # which nginx's workers (nobody, under root) could not enter.
    run = Path(tempfile.mkdtemp(prefix="aeviz-serve-test-"))
    c = serve.Cluster(2, free_port(), "127.0.0.1", run_dir=run,
                      env={"AEVIZ_OFFLINE": "1", "AEVIZ_CHECKPOINTS": str(checkpoint_copy)})
    try:
        c.start()
        yield c
    finally:
        c.stop()
        assert not (run / "static_cache").exists() and (run / "nginx.conf").exists()
        shutil.rmtree(run, ignore_errors=True)


def _upstream(url: str, cookie: str | None) -> tuple[str, str | None]:
    req = urllib.request.Request(url, headers={"Cookie": f"aeviz_route={cookie}"} if cookie else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.headers["X-Aeviz-Upstream"], r.headers.get("Set-Cookie")


def test_every_replica_warmed_up_fully(cluster):
    from aeviz.ui.launch import WARM_LINE

    for i in range(cluster.replicas):
        log = (cluster.run / f"replica-{i}.log").read_text(errors="replace")
        assert WARM_LINE in log and "warm-up skipped" not in log, log[-2000:]


def test_sessions_stick_to_one_replica_and_spread_over_both(cluster):
    first, set_cookie = _upstream(cluster.url + "/", None)
    assert set_cookie and set_cookie.startswith("aeviz_route=")
    cookie = set_cookie.split(";")[0].split("=", 1)[1]
    for path in ("/", "/_stcore/health", "/explorer"):
        assert _upstream(cluster.url + path, cookie)[0] == first  # the same browser, the same replica
    seen = {_upstream(cluster.url + "/_stcore/health", f"browser-{i}")[0] for i in range(40)}
    assert seen == {f"127.0.0.1:{p}" for p in cluster.ports}


def test_a_click_through_the_proxy_is_answered(cluster):
    async def session() -> list[float | None]:
        s = ExplorerSession(cluster.url, timeout=120)
        try:
            await s.open()
            return [await s.click(slot, x, y, timeout=30) for slot, x, y in (("ae", 0.5, -1.0), ("vae", -0.3, 0.8))]
        finally:
            await s.close()

    async def two() -> list:
        return await asyncio.wait_for(asyncio.gather(session(), session()), 240)

    # In a thread of its own: Playwright's sync API may hold this thread's event loop.
    box: dict = {}
    worker = threading.Thread(target=lambda: box.update(answers=asyncio.run(two())))
    worker.start()
    worker.join(300)
    answers = box["answers"]
    assert all(t is not None for pair in answers for t in pair), answers


def test_the_decode_route_reaches_the_replica_that_showed_the_page(cluster, checkpoint_copy):
    """The panel's fast answer (aeviz/ui/decode_route.py) is a plain GET through the proxy: the same
    sticky cookie takes it to the replica whose page registered the pane."""
    from aeviz.ui import decode_route
    from aeviz.ui.explorer_data import pane_for
    from aeviz.ui.explorer_panes import route_key
    from aeviz.ui.launch import warm_page

    upstream, _ = _upstream(cluster.url + "/_stcore/health", "decode-route")
    warm_page(f"http://{upstream}")  # that replica shows the explorer once
    folder = checkpoint_copy / "mnist-vae"
    token = decode_route.token_for(route_key(pane_for("vae", {"name": "mnist-vae", "path": str(folder), "kind": "vae"}),
                                             "mnist"))
    req = urllib.request.Request(f"{cluster.url}{decode_route.PATH}?t={token}&lang=vi&seq=2&row=0",
                                 headers={"Cookie": "aeviz_route=decode-route"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.headers["X-Aeviz-Upstream"] == upstream
        body = r.read().decode()
    assert 'data-aeviz-seq="2"' in body and "<img" in body
