"""Views behind links: what a link asked for, what the bound controls hold, and the note for what fell back."""
import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.url_state import link_fallbacks, url_strings

SCRIPT = '''
import datetime as dt
import streamlit as st
from components.linked_view import LinkNote
from components.url_state import BIND
link = LinkNote({"countries": "Countries", "index": "Index"})
countries = st.multiselect("Countries", ["Germany", "Sweden", "Italy"], default=["Germany"], key="countries", bind=BIND)
index = st.selectbox("Index", ["stringency", "containment"], key="index", bind=BIND)
smoothing = st.slider("Smoothing", 0, 10, 3, key="smoothing", bind=BIND)
period = st.date_input("Period", (dt.date(2020, 3, 1), dt.date(2020, 6, 4)), key="period", bind=BIND)
link.show({"countries": countries, "index": index, "smoothing": smoothing, "period": period})
st.button("Rerun")
'''


def _app(tmp_path: Path, **params) -> AppTest:
    script = tmp_path / "linked_page.py"
    script.write_text(SCRIPT)
    app = AppTest.from_file(str(script))
    for name, value in params.items():
        app.query_params[name] = value
    return app.run()


def test_a_link_restores_every_bound_control(tmp_path):
    app = _app(tmp_path, countries=["Sweden", "Italy"], index="containment", smoothing="7",
               period=["2020-04-01", "2020-05-01"])
    assert not app.exception
    assert app.multiselect(key="countries").value == ["Sweden", "Italy"]
    assert app.selectbox(key="index").value == "containment"
    assert app.slider(key="smoothing").value == 7
    assert app.date_input(key="period").value == (dt.date(2020, 4, 1), dt.date(2020, 5, 1))
    assert not app.info


def test_unknown_values_fall_back_to_the_defaults_with_a_note(tmp_path):
    app = _app(tmp_path, countries=["Sweden", "Atlantis"], index="no-such-index")
    assert not app.exception
    assert app.multiselect(key="countries").value == ["Sweden"]
    assert app.selectbox(key="index").value == "stringency"
    note = app.info[0].value
    assert "Countries: the link's 'Atlantis' is not available here; showing Sweden." in note
    assert "Index: the link's 'no-such-index' is not available here; showing stringency." in note


def test_the_note_stays_on_later_runs_until_the_visitor_changes_the_control(tmp_path):
    """Streamlit drops from the address what a control could not use: a rerun (a job that ends, a button) would
    otherwise lose the note while the page still shows the fallback."""
    app = _app(tmp_path, index="no-such-index", smoothing="x7")
    app.button[0].click().run()
    note = app.info[0].value
    assert "Index: the link's 'no-such-index'" in note and "smoothing: the link's 'x7'" in note
    app.selectbox(key="index").set_value("containment").run()
    note = app.info[0].value
    assert "Index: the link's" not in note and "smoothing: the link's 'x7'" in note
    app.slider(key="smoothing").set_value(5).run()
    assert not app.info


def test_parameters_the_page_does_not_bind_are_left_alone():
    assert link_fallbacks({"other_page_word": ["king"]}, {"index": "stringency"}) == []


def test_values_compare_as_the_url_writes_them():
    assert url_strings((dt.date(2020, 4, 1), dt.date(2020, 5, 1))) == ["2020-04-01", "2020-05-01"]
    assert url_strings(True) == ["true"]
    assert link_fallbacks({"smoothing": ["7.0"], "on": ["True"]}, {"smoothing": 7, "on": True}) == []
    assert link_fallbacks({"smoothing": ["x7"]}, {"smoothing": 3}) == [
        "smoothing: the link's 'x7' is not available here; showing 3."]
