"""A Streamlit session without a browser: a websocket client built on Streamlit's own protobuf
classes (``BackMsg`` / ``ForwardMsg``), speaking what the web frontend speaks.

What it mirrors (read from streamlit 1.67: ``web/server/starlette/starlette_websocket.py`` and the
frontend's ``WidgetStateManager`` / ``BidiComponent``):

- connect to ``ws://<host>/_stcore/stream`` with the ``streamlit`` subprotocol; the first message is
  a ``BackMsg.rerun_script`` (empty widget states): the server runs the page and streams
  ``new_session``, ``delta`` ... ``script_finished`` back;
- a component's ``setTriggerValue(event, value)`` becomes a ``rerun_script`` whose widget states hold
  one ``json_trigger_value`` for the widget ``$$STREAMLIT_INTERNAL_KEY_<component id>__events`` with
  ``[{"event": event, "value": value}]``, the other widget values the page holds, and the
  ``fragment_id`` of the fragment the component sits in (a fragment rerun).

Nothing is rendered. ``ExplorerSession`` knows the explorer page: it finds the two click
listeners (component ``aeviz_explorer_click``) and clicks them like click.js does, then waits for
the decoded-image panel to answer that click (``data-aeviz-seq``).
"""
from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

TRIGGER_PREFIX = "$$STREAMLIT_INTERNAL_KEY"
LISTENER = "aeviz_explorer_click"
RESEND_S = 4.0  # click.js's RESEND_MS
_ANSWER = re.compile(r'data-aeviz-seq="(\d+)"')


def trigger_id(component_id: str) -> str:
    """The widget id the frontend sets for a component's triggers (BidiComponent ``Me()``)."""
    return f"{TRIGGER_PREFIX}_{component_id}__events"


class ProtocolError(RuntimeError):
    pass


@dataclass
class Listener:
    slot: str  # "ae" | "vae"
    component_id: str
    fragment_id: str


@dataclass
class StreamlitSession:
    """One websocket session. ``run_page()`` loads the page; ``trigger()`` fires a component event."""

    url: str  # http://host:port
    page: str = ""  # url path of the page ("" = default page)
    timeout: float = 60.0
    ws: object = None
    page_script_hash: str = ""
    widgets: dict[str, WidgetState] = field(default_factory=dict)  # values the page holds
    exceptions: list[str] = field(default_factory=list)
    bytes_in: int = 0
    _inbox: asyncio.Queue | None = None
    _reader: asyncio.Task | None = None

    async def connect(self) -> None:
        ws_url = self.url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/") + "/_stcore/stream"
        self.ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout, ping_interval=None)
        self._inbox = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self.bytes_in += len(raw)
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                await self._inbox.put(msg)
        except websockets.ConnectionClosed:
            pass
        finally:
            await self._inbox.put(None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.wait([self._reader], timeout=5)

    def _send(self, back: BackMsg) -> asyncio.Future:
        return self.ws.send(back.SerializeToString())

    async def rerun(self, extra: list[WidgetState] = (), fragment_id: str = "") -> None:
        back = BackMsg()
        rs = back.rerun_script
        rs.query_string = ""
        rs.page_script_hash = self.page_script_hash
        rs.page_name = "" if self.page_script_hash else self.page
        if fragment_id:
            rs.fragment_id = fragment_id
        extra_ids = {w.id for w in extra}
        rs.widget_states.widgets.extend(w for wid, w in self.widgets.items() if wid not in extra_ids)
        rs.widget_states.widgets.extend(extra)
        rs.context_info.timezone = "UTC"
        rs.context_info.locale = "en-US"
        await self._send(back)

    async def next_message(self, timeout: float) -> ForwardMsg:
        msg = await asyncio.wait_for(self._inbox.get(), timeout)
        if msg is None:
            raise ProtocolError("websocket closed by the server")
        self._observe(msg)
        return msg

    def _observe(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session" and not self.page_script_hash:
            self.page_script_hash = msg.new_session.page_script_hash
        elif kind == "navigation" and msg.navigation.page_script_hash:
            # st.navigation: the page that ran (the frontend sends this one back, not the router's)
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            if el.WhichOneof("type") == "exception":
                self.exceptions.append(f"{el.exception.type}: {el.exception.message}")

    async def run_until_finished(self, on_message=None, timeout: float | None = None) -> str:
        """Read until this run's ``script_finished``; returns its status name."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise asyncio.TimeoutError
            msg = await self.next_message(left)
            if on_message is not None:
                on_message(msg)
            if msg.WhichOneof("type") == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if status != "FINISHED_EARLY_FOR_RERUN":
                    return status


@dataclass
class ExplorerSession(StreamlitSession):
    """The latent explorer, clicked like a student clicks it (click.js's payload)."""

    listeners: dict[str, Listener] = field(default_factory=dict)
    answers: dict[int, float] = field(default_factory=dict)  # click seq -> when the panel showed it
    seq: int = 0
    resent: int = 0  # clicks sent again because no answer came within RESEND_S

    def _watch(self, msg: ForwardMsg) -> None:
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            return
        el = msg.delta.new_element
        kind = el.WhichOneof("type")
        if kind == "bidi_component" and el.bidi_component.component_name.endswith(LISTENER):
            bc = el.bidi_component
            raw = bc.json or bc.mixed.json
            data = json.loads(raw) if raw else {}
            slot = str(data.get("target", "")).removeprefix("latent_")
            self.listeners[slot] = Listener(slot, bc.id, msg.delta.fragment_id)
        elif kind == "html":
            for seq in _ANSWER.findall(el.html.body):
                self.answers.setdefault(int(seq), time.monotonic())

    async def open(self) -> float:
        """Connect and load the explorer; returns seconds until its first run finished."""
        t0 = time.monotonic()
        await self.connect()
        await self.rerun()
        status = await self.run_until_finished(self._watch)
        if status != "FINISHED_SUCCESSFULLY":
            raise ProtocolError(f"page load ended with {status}")
        if set(self.listeners) != {"ae", "vae"}:
            raise ProtocolError(f"explorer listeners not found (got {sorted(self.listeners)})")
        return time.monotonic() - t0

    async def click(self, slot: str, x: float, y: float, timeout: float = 10.0,
                    resend_after: float = RESEND_S) -> float | None:
        """Click map ``slot`` at data coordinates (x, y) on empty space, as click.js does (a new
        ``seq``; the same click sent again every ``resend_after`` seconds while unanswered).
        Returns seconds until the decoded panel answered this click, or None if it did not
        within ``timeout``."""
        self.seq += 1
        seq = self.seq
        lis = self.listeners[slot]
        state = WidgetState(id=trigger_id(lis.component_id),
                            json_trigger_value=json.dumps([{"event": "click",
                                                            "value": {"x": x, "y": y, "row": None, "seq": seq}}]))
        t0 = time.monotonic()
        await self.rerun([state], fragment_id=lis.fragment_id)
        deadline, resend_at = t0 + timeout, t0 + resend_after
        while seq not in self.answers:
            now = time.monotonic()
            if now >= deadline:
                return None
            if now >= resend_at:
                self.resent += 1
                await self.rerun([state], fragment_id=lis.fragment_id)
                resend_at = now + resend_after
            try:
                msg = await self.next_message(min(deadline, resend_at) - now)
            except asyncio.TimeoutError:
                continue
            self._watch(msg)
        return self.answers[seq] - t0
