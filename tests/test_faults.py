"""Faults outside the user's control: damaged or missing data files get a message on the page, not a traceback."""
import http.server
import threading
from dataclasses import replace

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.catalog import PROJECT_ROOT
from core import settings
from data import locate
from data.registry import DATASETS

ELASTICITY = str(PROJECT_ROOT / "pages" / "price_elasticity.py")


@pytest.fixture
def no_shared_mirror(monkeypatch, tmp_path):
    """Pretend the project has no ../shared beside it, no download cache and no network."""
    monkeypatch.setattr(locate, "PROJECT_ROOT", tmp_path / "project")
    monkeypatch.setenv(settings.CACHE_DIR_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.setenv("ML_ATLAS_OFFLINE", "1")
    monkeypatch.delenv(locate.DATA_DIR_VARIABLE, raising=False)
    st.cache_data.clear()  # as in a fresh server: nothing loaded before the data went missing
    yield
    st.cache_data.clear()


def run_page() -> AppTest:
    app = AppTest.from_file(ELASTICITY, default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def test_missing_data_set_is_named_with_how_to_get_it(no_shared_mirror):
    app = run_page()
    message = " ".join(e.value for e in app.error)
    assert "was not found" in message and locate.DATA_DIR_VARIABLE in message and "beef.csv" in message
    assert not app.metric


def test_checksum_mismatched_data_file_is_refused_on_the_page(no_shared_mirror, monkeypatch, tmp_path):
    damaged = tmp_path / "mine" / "beef"
    damaged.mkdir(parents=True)
    damaged.joinpath("beef.csv").write_text("Year,Quarter,Quantity,Price\n1977,1,1,1\n")
    monkeypatch.setenv(locate.DATA_DIR_VARIABLE, str(tmp_path / "mine"))
    app = run_page()
    assert any("does not match its checksum" in e.value for e in app.error)
    assert not app.metric


def test_uploads_still_work_when_the_data_set_is_missing(no_shared_mirror):
    app = run_page()
    app.radio[0].set_value("Upload your own CSV").run()
    app.file_uploader[0].set_value(("d.csv", b"price,quantity\n1,10\n2,7\n3,6\n4,5\n", "text/csv")).run()
    assert not app.exception
    assert any(m.label == "PED (b)" for m in app.metric)


def test_a_download_cut_short_is_explained_on_the_page(no_shared_mirror, monkeypatch):
    """The publisher announces the whole file and closes after a few bytes: the page says so, no traceback."""

    class CutShort(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server name
            self.send_response(200)
            self.send_header("Content-Length", "2180")
            self.end_headers()
            self.wfile.write(b"Year,Quarter")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CutShort)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.delenv("ML_ATLAS_OFFLINE")
        beef = DATASETS["beef"]
        url = f"http://127.0.0.1:{server.server_address[1]}/beef.csv"
        monkeypatch.setitem(DATASETS, "beef", replace(beef, downloads=(replace(beef.downloads[0], url=url),)))
        app = run_page()
    finally:
        server.shutdown()
        server.server_close()
    message = " ".join(e.value for e in app.error)
    assert "The automatic download failed" in message and "ended after 12 of the 2,180 bytes" in message
    assert not app.metric
