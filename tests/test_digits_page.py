"""The 'Draw a digit' page: an AppTest of the script and a real browser drawing on the canvas."""
import base64
import io
import json
import time

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from bench.load import DIGITS, canvas_state
from components.artifact_store import artifact_store
from conftest import PROJECT_ROOT, page_has_no_exception, wait_for_app
from core.cache import ModelCache
from models.digits.model import DigitsConfig, load_trained


@pytest.fixture(scope="module")
def quick_model_dir(tmp_path_factory):
    """A model cache holding the quick model (shared with the model tests), so the AppTest only loads it."""
    folder = tmp_path_factory.getbasetemp() / "digits-quick-models"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ML_ATLAS_QUICK", "1")
        load_trained(config=DigitsConfig.default(), cache=ModelCache(folder))
    return folder


def run_page(monkeypatch, model_dir) -> AppTest:
    monkeypatch.setenv("ML_ATLAS_QUICK", "1")
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(model_dir))
    return AppTest.from_file(str(PROJECT_ROOT / "pages" / "digits.py"), default_timeout=120).run()


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def test_blank_canvas_asks_for_a_drawing_and_shows_the_report(monkeypatch, quick_model_dir):
    app = run_page(monkeypatch, quick_model_dir)
    assert not app.exception
    assert metric(app, "Prediction") == "—"
    assert any("Draw a digit" in info.value for info in app.info)
    assert metric(app, "Test digits") == "2,000"
    assert metric(app, "Test accuracy").endswith("%")
    assert any("MNIST" in caption.value for caption in app.caption), "data attribution is shown"


def test_clear_gives_a_fresh_canvas(monkeypatch, quick_model_dir):
    app = run_page(monkeypatch, quick_model_dir)
    first_round = app.session_state["canvas_round"]
    app.button[0].click().run()
    assert not app.exception
    assert app.session_state["canvas_round"] == first_round + 1
    assert metric(app, "Prediction") == "—"


def with_drawing(app: AppTest, data_url: str) -> AppTest:
    """The page after its canvas sent ``data_url``, as the component's state (what the browser sends)."""
    app.session_state["digit_canvas_0"] = {"drawing": {"raw": {"objects": [{"type": "path"}]}, "data": data_url}}
    return app.run()


def drawn(strokes) -> str:
    """The PNG data URL the canvas sends for these strokes (as the load bench draws them)."""
    return json.loads(canvas_state(strokes))["drawing"]["data"]


def test_a_drawing_sent_by_the_canvas_is_read(monkeypatch, quick_model_dir):
    app = with_drawing(run_page(monkeypatch, quick_model_dir), drawn(DIGITS[0][1]))
    assert not app.exception and not app.error
    assert metric(app, "Prediction") != "—"
    assert any(caption.value.startswith("Probabilities:") for caption in app.caption)


def test_a_huge_image_sent_as_the_drawing_is_refused_with_a_message(monkeypatch, quick_model_dir):
    buffer = io.BytesIO()
    Image.new("RGBA", (8_000, 8_000), (255, 255, 255, 255)).save(buffer, "PNG")  # a few KB, 256 MB decoded
    app = with_drawing(run_page(monkeypatch, quick_model_dir),
                       "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode())
    assert not app.exception
    assert any("8,000×8,000 pixels; this page's canvas is 280×280" in error.value for error in app.error)
    assert metric(app, "Prediction") == "—"
    assert metric(app, "Test digits") == "2,000"  # the rest of the page is there


@pytest.fixture
def mismatched_model_dir(tmp_path, monkeypatch):
    """A model cache whose digits artifact is sound on disk but whose network takes 32x32 images, not 28x28:
    Keras fails when the page asks it to read a drawing (as with an artifact from another version of the code)."""
    import keras
    from keras import layers

    from models.digits.artifacts import spec
    from models.digits.model import Report

    def write_mismatched(folder, progress):
        hidden = inputs = keras.Input((32, 32, 1))
        for name in ("conv1", "conv2", "conv3"):
            hidden = layers.ReLU(name=f"{name}_relu")(layers.Conv2D(2, 3, name=name)(hidden))
        keras.Model(inputs, layers.Dense(10, activation="softmax")(layers.Flatten()(hidden))).save(folder / "model.keras")
        Report(0.0, 1, 0.0, np.zeros((10, 10), dtype=np.int64), np.zeros((0, 28, 28), dtype=np.uint8),
               *(np.zeros(0, dtype=dtype) for dtype in (np.int64, np.int64, np.float32))).save(folder)

    monkeypatch.setenv("ML_ATLAS_QUICK", "1")
    ModelCache(tmp_path).get_or_train(spec(DigitsConfig.default()), write_mismatched, lambda folder: None)
    artifact_store.clear()  # the process's loaded models: the sound one, under the same key, must not be served
    yield tmp_path
    artifact_store.clear()


def test_a_network_failing_on_a_drawing_gives_a_message_and_logs_the_error(monkeypatch, mismatched_model_dir, caplog):
    app = with_drawing(run_page(monkeypatch, mismatched_model_dir), drawn(DIGITS[0][1]))
    assert not app.exception
    assert any("Something went wrong on our side (ValueError)" in error.value and "incident" in error.value
               for error in app.error)
    assert [button.label for button in app.button] == ["Clear"]  # drawn before the failure: the canvas stays
    failure = next(record for record in caplog.records if record.name == "ml_atlas" and record.exc_info)
    assert failure.exc_info[0] is ValueError and "32" in str(failure.exc_info[1])  # the full error, in the log


def stroke(page, canvas, points) -> None:
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=8)
    page.mouse.up()


def settled_canvas(page, timeout: float = 30.0):
    """The drawing canvas once it sits right under the Clear button (a new canvas moves into place after mounting)."""
    clear = page.get_by_role("button", name="Clear")
    deadline = time.time() + timeout
    while time.time() < deadline:
        canvas = page.locator("canvas.upper-canvas >> visible=true").first
        box, button = canvas.bounding_box(), clear.bounding_box()
        if box and button and 0 <= box["y"] - (button["y"] + button["height"]) < 60:
            return canvas
        page.wait_for_timeout(250)
    raise AssertionError("the canvas did not settle under the Clear button")


def prediction_text(page) -> str:
    metric_box = page.locator('[data-testid="stMetric"]', has_text="Prediction")
    return metric_box.locator('[data-testid="stMetricValue"]').inner_text()


def probabilities_text(page) -> str:
    return page.get_by_text("Probabilities:").inner_text()


@pytest.mark.browser
def test_drawing_in_the_browser_is_read_live(app_url, page):
    page.goto(f"{app_url}/digits")
    page.locator("canvas.upper-canvas").first.wait_for(timeout=180_000)  # quick mode trains on first open
    wait_for_app(page, timeout=180_000)
    canvas = settled_canvas(page)
    assert prediction_text(page) == "—"

    stroke(page, canvas, [(150, 50), (148, 120), (145, 230)])  # a "1"
    page.get_by_text("Probabilities:").wait_for(timeout=30_000)
    first = probabilities_text(page)
    assert prediction_text(page) != "—"

    stroke(page, canvas, [(90, 50), (150, 50)])  # a bar on top: now a "7"
    page.wait_for_function(
        "(before) => { const el = [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')]"
        ".find(e => e.innerText.startsWith('Probabilities:')); return el && el.innerText !== before; }",
        arg=first, timeout=30_000,
    )
    assert prediction_text(page) != "—"

    page.get_by_role("button", name="Clear").click()
    page.get_by_text("Draw a digit on the canvas").wait_for(timeout=30_000)
    assert prediction_text(page) == "—"

    canvas = settled_canvas(page)  # the cleared canvas is a new element
    zigzag = [(60 + 160 * (i % 2), 60 + 8 * i) for i in range(22)]
    stroke(page, canvas, zigzag)
    page.get_by_text("looks more like a scribble").wait_for(timeout=30_000)
    assert prediction_text(page) == "Not a digit?"
    page_has_no_exception(page)
