"""Start the app's Streamlit server, warmed up before the first visitor arrives.

    python -m aeviz.ui.launch [streamlit options, e.g. --server.port=8600]   # what `make run` uses
    python -m aeviz.ui.launch --no-warm [...]                               # plain `streamlit run app.py`

Without this, the first visit after a start pays for importing torch, loading the checkpoints,
encoding the test images and building the cached figures (5-6 s). Here a background thread imports
torch while the server starts, then opens the default page once over Streamlit's own websocket,
the way a browser does but without rendering anything: every cache that page fills (models, data,
codes, figures, metrics, the hover decoders) is filled by the same code, with the same keys, before
anyone arrives; then it builds one throwaway optimizer, whose first construction in a process
imports torch._dynamo (~2 s), so the studio's first training does not wait for it. It prints
``aeviz: warm in N.N s`` when done (benchmarks wait for that line).
"""
from __future__ import annotations

import sys
import threading
import time
import urllib.request
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"
WARM_LINE = "aeviz: warm in"


def _server_url() -> str:
    """Where this process's server listens, from Streamlit's resolved config."""
    from streamlit import config

    address = config.get_option("server.address") or "127.0.0.1"
    if address in ("0.0.0.0", "::", "") or address.startswith("unix"):
        address = "127.0.0.1"
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://{address}:{config.get_option('server.port')}" + (f"/{base}" if base else "")


def warm_page(url: str, timeout: float = 180.0) -> None:
    """Run the default page once in a session of its own (no browser): connect to ``url``'s
    websocket, ask for a run like a browser's first message, read until it finishes."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    ws_url = url.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
    back = BackMsg()
    back.rerun_script.query_string = ""
    back.rerun_script.page_script_hash = ""
    deadline = time.monotonic() + timeout
    with connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout) as ws:
        ws.send(back.SerializeToString())
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if (msg.WhichOneof("type") == "script_finished"
                    and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
                return


def _warm() -> None:
    t0 = time.monotonic()
    try:
        import torch  # noqa: F401 - the slowest import: done while the server starts

        from streamlit import runtime

        while not runtime.exists():
            time.sleep(0.05)
        url = _server_url()
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        warm_page(url)
        from aeviz import training

        training.warm_up()
        print(f"{WARM_LINE} {time.monotonic() - t0:.1f} s", flush=True)
    except Exception as e:  # noqa: BLE001 - a failed warm-up only means a slower first visit
        print(f"aeviz: warm-up skipped ({type(e).__name__}: {e})", flush=True)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    warm = "--no-warm" not in args
    args = [a for a in args if a != "--no-warm"]
    if warm:
        threading.Thread(target=_warm, name="aeviz-warm-up", daemon=True).start()
    from streamlit.web import cli

    from aeviz.ui import streamlit_fixes

    streamlit_fixes.install()
    sys.argv = ["streamlit", "run", str(APP), *args]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
