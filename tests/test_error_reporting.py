"""No visitor sees a traceback: the app's last line of defence, its settings, and where it listens."""
import logging
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request

import pytest
from conftest import quick_env
from streamlit.testing.v1 import AppTest

from components.catalog import PROJECT_ROOT

CONFIG = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())


def test_streamlit_redacts_the_details_of_an_uncaught_error():
    assert CONFIG["client"]["showErrorDetails"] == "none"


def test_the_app_listens_on_the_loopback_address_unless_told_otherwise():
    assert CONFIG["server"]["address"] == "127.0.0.1"


def _other_address() -> str | None:
    """An address of this machine that is not the loopback one, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_the_app_started_as_scripts_start_does_cannot_be_reached_from_another_machine(tmp_path):
    other = _other_address()
    if other is None:
        pytest.skip("this machine has no address besides the loopback one")
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    # As scripts/start runs it: no --server.address, so the project's config decides.
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
                              cwd=PROJECT_ROOT, env=quick_env(tmp_path), stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while not _answers(f"http://127.0.0.1:{port}/_stcore/health"):
            assert time.time() < deadline and server.poll() is None, "the app did not start"
            time.sleep(0.5)
        with pytest.raises(OSError):
            socket.create_connection((other, port), timeout=5).close()
    finally:
        server.terminate()
        server.wait(timeout=20)


def _answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).read() == b"ok"
    except OSError:
        return False


def _page_raising(kind: str) -> None:
    import streamlit as st

    from components.feedback import report_unexpected_errors
    from core.errors import DataError

    st.write("drawn before the error")
    with report_unexpected_errors():
        if kind == "bug":
            raise KeyError("/srv/secret/path.csv")
        if kind == "atlas":
            raise DataError("The data set 'X' was not found: put it in /data/x.")
        if kind == "stop":
            st.stop()
    st.write("drawn after the block")


def test_an_unexpected_error_becomes_a_message_with_an_incident_number_and_the_log_gets_the_traceback(caplog):
    with caplog.at_level(logging.ERROR, logger="ml_atlas"):
        app = AppTest.from_function(_page_raising, args=("bug",)).run()
    assert not app.exception
    message = app.error[0].value
    assert "Something went wrong on our side (KeyError)" in message and "/srv/secret" not in message
    incident = message.split("report incident ")[1].split(" ")[0]
    record = next(r for r in caplog.records if incident in r.getMessage())
    assert record.exc_info and "/srv/secret/path.csv" in caplog.text  # the details are in the server log only
    assert app.markdown[0].value == "drawn before the error"


def test_an_error_meant_for_the_user_is_shown_as_it_is():
    app = AppTest.from_function(_page_raising, args=("atlas",)).run()
    assert not app.exception
    assert app.error[0].value == "The data set 'X' was not found: put it in /data/x."


def test_streamlits_own_stop_passes_through():
    app = AppTest.from_function(_page_raising, args=("stop",)).run()
    assert not app.exception and not app.error
    assert [m.value for m in app.markdown] == ["drawn before the error"]


def test_a_page_whose_code_fails_shows_the_message_in_the_app_not_a_traceback(monkeypatch):
    import components.covid_relation

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero in a library")

    monkeypatch.setattr(components.covid_relation, "labelled_ranking", broken)  # where the page's section calls it
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120).run()
    app.switch_page("pages/covid_mobility.py").run()
    assert not app.exception
    assert any("Something went wrong on our side (ZeroDivisionError)" in e.value for e in app.error)


def test_a_fragment_that_fails_shows_the_message_and_the_page_goes_on():
    def page():
        import streamlit as st

        from components.feedback import errors_reported

        @st.fragment
        @errors_reported
        def failing_part():
            raise RuntimeError("inside a fragment")

        failing_part()
        st.write("the rest of the page")

    app = AppTest.from_function(page).run()
    assert not app.exception
    assert "Something went wrong on our side (RuntimeError)" in app.error[0].value
    assert app.markdown[-1].value == "the rest of the page"
