"""AppTests of the shell (home page) and the price-elasticity page, including bad uploads."""
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.catalog import PAGES, PROJECT_ROOT

ELASTICITY = str(PROJECT_ROOT / "pages" / "price_elasticity.py")


def run(script: str) -> AppTest:
    app = AppTest.from_file(str(PROJECT_ROOT / script), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def test_every_page_of_the_catalog_has_its_script_and_names_declared_artifacts():
    from models.artifacts import BY_NAME

    assert len(PAGES) == 12
    for card in PAGES:
        assert (PROJECT_ROOT / card.script).is_file(), f"{card.title}: {card.script} is missing"
        assert all(name in BY_NAME for name in card.models), card.models


def test_home_shows_a_card_for_every_page_with_its_training_status():
    app = run("app.py")
    text = " ".join(m.value for m in app.markdown) + " ".join(c.value for c in app.caption)
    assert PAGES, "no page registered"
    for card in PAGES:
        assert card.summary in text
        assert "Model: " in text
    assert "Model: no training needed" in text


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def test_elasticity_page_shows_the_beef_estimate_and_reacts_to_controls():
    app = run("pages/price_elasticity.py")
    assert metric(app, "PED (b)") == "-0.531"
    assert metric(app, "Observations (n)") == "91"
    assert any("inelastic" in i.value for i in app.info)
    app.checkbox[1].check().run()  # time trend
    assert metric(app, "PED (b)") == "-0.411"
    app.slider[0].set_value((1990, 1999)).run()
    assert not app.exception
    assert metric(app, "Observations (n)") == "39"


def upload(app: AppTest, content: bytes, name: str = "mine.csv") -> AppTest:
    app.radio[0].set_value("Upload your own CSV").run()
    app.file_uploader[0].set_value((name, content, "text/csv")).run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"price\n1\n2\n3\n", "1 column"),
        (b"price,quantity\n1,a\n2,b\n3,c\n", "not numeric"),
        (b"price,quantity\n1,0\n2,1\n3,2\n", "positive values"),
        (b"price,quantity\n1,2\n2,1\n", "at least 3"),
    ],
)
def test_bad_uploads_get_a_message_not_a_traceback(content, message):
    app = upload(AppTest.from_file(ELASTICITY, default_timeout=60).run(), content)
    errors = " ".join(e.value for e in app.error)
    assert message in errors
    assert not app.metric


def test_an_uploaded_csv_gives_one_ped_per_segment():
    rng = np.random.default_rng(3)
    rows = []
    for segment, slope in (("north", -0.7), ("south", -1.6)):
        price = rng.uniform(2, 9, 60)
        rows.append(pd.DataFrame({"unit_price": price, "units_sold": np.exp(4 + slope * np.log(price)
                                  + rng.normal(0, 0.01, 60)), "region": segment}))
    csv = pd.concat(rows).to_csv(index=False).encode()
    app = upload(AppTest.from_file(ELASTICITY, default_timeout=60).run(), csv)
    app.selectbox[2].set_value("region").run()
    assert not app.exception
    table = app.dataframe[0].value.set_index("segment")
    assert table.loc["north", "elasticity"] == pytest.approx(-0.7, abs=0.02)
    assert table.loc["south", "elasticity"] == pytest.approx(-1.6, abs=0.02)


def test_no_page_script_has_a_bare_string_that_streamlit_would_draw():
    """Streamlit's magic draws every bare expression of a page script: a string meant as a note on a constant
    appears on the page (it did above the digits page's title)."""
    import ast

    for script in ["app.py", "pages/home.py", *(card.script for card in PAGES)]:
        body = ast.parse((PROJECT_ROOT / script).read_text()).body
        strays = [node.lineno for node in body[1:]
                  if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)]
        assert not strays, f"{script}: bare strings at lines {strays} are drawn on the page; make them comments"
