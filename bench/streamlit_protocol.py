"""A user's session spoken in Streamlit's own websocket protocol, without a browser.

The browser and the server exchange protobuf messages over ``/_stcore/stream``:
the browser sends a ``BackMsg`` asking for a (re)run of the page with the
current value of every widget it knows; the server streams ``ForwardMsg``
deltas (the page's elements) and ends each run with ``script_finished``. This
client does the same and keeps what the browser would show, so a load test can
run many sessions at the cost of a socket each instead of a browser tab each.
What it leaves out is the browser's own work: rendering the elements it receives.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

_FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
_WIDGETS = {"button", "text_area", "text_input", "bidi_component", "slider", "radio", "checkbox", "selectbox"}


@dataclass
class Widget:
    """A widget as the server described it: its id, label, and the fragment it lives in ('' for none)."""

    kind: str
    id: str
    label: str
    fragment_id: str


@dataclass
class Run:
    """What one run of the page sent back: its metrics, error texts and widgets, and how long it took."""

    seconds: float
    metrics: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    widgets: list[Widget] = field(default_factory=list)
    status: str = ""


class ProtocolSession:
    """One browser session on one page of a running app, driven message by message.

    ``values`` holds the widget values this "browser" sends with every rerun
    (as a real one sends all it knows); :meth:`interact` changes some of them
    and waits for the run they cause to finish.
    """

    def __init__(self, url: str, page: str, timeout: float = 30.0):
        self.ws_url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.page, self.timeout = page, timeout
        self.page_script_hash = ""
        self.values: dict[str, WidgetState] = {}
        self.widgets: dict[str, Widget] = {}
        self.socket = None

    async def open(self, timeout: float | None = None) -> Run:
        """Connect and load the page, as a browser does on its first visit (``timeout``: for this first run)."""
        self.socket = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                               open_timeout=timeout or self.timeout)
        return await self._run(fragment_id="", timeout=timeout)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    def widget(self, kind: str, label: str = "") -> Widget:
        """The page's widget of this kind whose label contains ``label`` (the last one drawn)."""
        matches = [w for w in self.widgets.values() if w.kind == kind and label in w.label]
        if not matches:
            raise LookupError(f"no {kind} labelled {label!r} on page {self.page!r}")
        return matches[-1]

    async def interact(self, *changes: WidgetState, fragment_id: str = "") -> Run:
        """Set widget values (a trigger such as a button press lasts one run) and wait for the rerun."""
        for change in changes:
            if not change.HasField("trigger_value"):
                self.values[change.id] = change
        triggers = [c for c in changes if c.HasField("trigger_value")]
        return await self._run(fragment_id, triggers)

    async def _run(self, fragment_id: str, triggers: list[WidgetState] = (), timeout: float | None = None) -> Run:
        message = BackMsg()
        state = message.rerun_script
        state.page_name, state.page_script_hash, state.fragment_id = self.page, self.page_script_hash, fragment_id
        state.widget_states.widgets.extend([*self.values.values(), *triggers])
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        run = Run(seconds=0.0)
        async with asyncio.timeout(timeout or self.timeout):
            while not run.status:
                self._read(await self.socket.recv(), run)
        run.seconds = time.perf_counter() - started
        for widget in run.widgets:
            self.widgets[widget.id] = widget
        return run

    def _read(self, data: bytes, run: Run) -> None:
        """Fold one ForwardMsg into ``run``."""
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash or self.page_script_hash
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
        elif kind == "page_not_found":
            run.errors.append(f"page not found: {msg.page_not_found.page_name}")
        elif kind == "script_finished":
            if msg.script_finished in _FINISHED:
                run.status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
            elif msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                run.status = "FINISHED_WITH_COMPILE_ERROR"
                run.errors.append("the page failed to compile")
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, msg.delta.fragment_id, run)

    @staticmethod
    def _element(element, fragment_id: str, run: Run) -> None:
        kind = element.WhichOneof("type")
        if kind == "metric":
            run.metrics[element.metric.label] = element.metric.body
        elif kind == "exception":
            run.errors.append(f"exception: {element.exception.type}: {element.exception.message}")
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            run.errors.append(f"error box: {element.alert.body}")
        elif kind in _WIDGETS:
            widget = getattr(element, kind)
            label = getattr(widget, "label", "") or getattr(widget, "component_name", "")
            run.widgets.append(Widget(kind, widget.id, label, fragment_id))


def text_value(widget: Widget, text: str) -> WidgetState:
    return WidgetState(id=widget.id, string_value=text)


def press(widget: Widget) -> WidgetState:
    return WidgetState(id=widget.id, trigger_value=True)


def json_value(widget: Widget, payload: str) -> WidgetState:
    return WidgetState(id=widget.id, json_value=payload)
