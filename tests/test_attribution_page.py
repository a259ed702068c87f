"""AppTest of the Markov attribution page: PathData, order switch, next steps, bad uploads."""
import pytest
from streamlit.testing.v1 import AppTest

from components.catalog import PROJECT_ROOT

SCRIPT = str(PROJECT_ROOT / "pages" / "attribution.py")


def metric(app: AppTest, starts: str) -> str:
    return next(m.value for m in app.metric if m.label.startswith(starts))


@pytest.fixture(scope="module")
def app():
    app = AppTest.from_file(SCRIPT, default_timeout=120)
    app.run()
    assert not app.exception, app.exception
    return app


def captions(app: AppTest) -> str:
    return " ".join(c.value for c in app.caption)


def test_path_data_attribution_and_prediction(app):
    assert "ChannelAttribution by Davide Altomare" in captions(app) and "your upload" not in captions(app)
    assert metric(app, "Conversions") == "19,785"
    assert metric(app, "P(conversion)") == "0.2238"
    assert metric(app, "Most likely next step").startswith("iota")
    app.text_input[0].set_value("alpha > nosuchchannel").run()
    assert any("nosuchchannel" in w.value for w in app.warning)
    app.text_input[0].set_value("   ").run()
    assert any("Type one or more channels" in i.value for i in app.info)


def test_bad_upload_is_named_and_the_page_survives():
    app = AppTest.from_file(SCRIPT, default_timeout=120).run()
    app.radio[0].set_value("Upload your own CSV").run()
    app.file_uploader[0].set_value(("j.csv", b"path;total_conversions;total_null\na > b;-1;2\n", "text/csv")).run()
    assert not app.exception
    assert any("negative" in e.value for e in app.error)


def test_an_uploaded_journey_file_is_attributed():
    app = AppTest.from_file(SCRIPT, default_timeout=120).run()
    app.radio[0].set_value("Upload your own CSV").run()
    csv = b"path,converted\nseo > email,1\nseo,0\nemail,1\nseo > ads > email,1\n"
    app.file_uploader[0].set_value(("j.csv", csv, "text/csv")).run()
    assert not app.exception, app.exception
    assert metric(app, "Conversions") == "3"
    assert "Data: your upload" in captions(app) and "ChannelAttribution" not in captions(app)
