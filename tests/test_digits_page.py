"""The 'Draw a digit' page: an AppTest of the script and a real browser drawing on the canvas."""
import base64
import io
import json
import shutil
import time

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from bench.load import DIGITS, canvas_state
from components.artifact_store import artifact_store
from components.digit_gallery import GALLERY, SHOWN
from conftest import PROJECT_ROOT, page_has_no_exception, run_until_ready, wait_for_app
from core.cache import ModelCache
from models.digits.artifacts import spec
from models.digits.explain import load_embedding
from models.digits.model import DigitsConfig, load_trained


@pytest.fixture(scope="module")
def quick_model_dir(tmp_path_factory):
    """A model cache holding the quick model and its training digits' embedding (shared with the model tests), so
    the AppTest only loads them."""
    folder = tmp_path_factory.getbasetemp() / "digits-quick-models"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ML_ATLAS_QUICK", "1")
        load_trained(config=DigitsConfig.default(), cache=ModelCache(folder))
        load_embedding(config=DigitsConfig.default(), cache=ModelCache(folder))
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


def with_drawing(app: AppTest, data_url: str, canvas: int = 0) -> AppTest:
    """The page after its canvas sent ``data_url``, as the component's state (what the browser sends)."""
    app.session_state[f"digit_canvas_{canvas}"] = {"drawing": {"raw": {"objects": [{"type": "path"}]},
                                                               "data": data_url}}
    return app.run()


def drawn(strokes) -> str:
    """The PNG data URL the canvas sends for these strokes (as the load bench draws them)."""
    return json.loads(canvas_state(strokes))["drawing"]["data"]


def test_a_drawing_sent_by_the_canvas_is_read(monkeypatch, quick_model_dir):
    app = with_drawing(run_page(monkeypatch, quick_model_dir), drawn(DIGITS[0][1]))
    assert not app.exception and not app.error
    assert metric(app, "Prediction") != "—"
    assert any(caption.value.startswith("Probabilities:") for caption in app.caption)


def image_captions(app: AppTest) -> list[str]:
    return [image.proto.imgs[0].caption for image in app.get("image")]


def test_a_drawing_shows_the_saliency_of_its_reading_and_runner_up_and_its_nearest_training_digits(
        monkeypatch, quick_model_dir):
    app = with_drawing(run_page(monkeypatch, quick_model_dir), drawn(DIGITS[1][1]))  # a 7
    assert not app.exception and not app.error
    read = metric(app, "Prediction")
    captions = image_captions(app)
    reading = next(c for c in captions if c.startswith("The reading: "))
    compared = next(c for c in captions if c.startswith("Compared with: "))
    assert reading.startswith(f"The reading: {read[0]} (probability ") and "log-probability ±" in reading
    assert compared[len("Compared with: ")] != read[0], "the runner-up, not the reading again"
    neighbours = [c for c in captions if len(c.split(" · ")) == 2 and c[0].isdigit()]
    assert len(neighbours) == 8 and all(0 < float(c.split(" · ")[1]) <= 1.0001 for c in neighbours)
    assert any("training digits the network places nearest to your drawing (of 4,000" in m.value for m in app.markdown)
    assert f"read {read[0]} (" in " ".join(captions), "the drawing is in the session's gallery"


def test_the_digit_to_compare_with_and_the_number_of_neighbours_are_the_visitors(monkeypatch, quick_model_dir):
    app = with_drawing(run_page(monkeypatch, quick_model_dir), drawn(DIGITS[1][1]))
    read = metric(app, "Prediction")[0]
    other = "1" if read != "1" else "4"
    app.selectbox(key="compare").select(other).run()
    app.slider(key="nearest").set_value(12).run()
    captions = image_captions(app)
    assert any(c.startswith(f"Compared with: {other} (") for c in captions)
    assert len([c for c in captions if len(c.split(" · ")) == 2 and c[0].isdigit()]) == 12
    app.selectbox(key="compare").select(read).run()  # the reading itself: its runner-up is shown beside it
    assert any(f"{read} is the reading itself, so the runner-up is shown" in c.value for c in app.caption)
    assert not any(c.startswith(f"Compared with: {read} (") for c in image_captions(app))


def test_marking_drawings_updates_the_running_accuracy(monkeypatch, quick_model_dir):
    app = with_drawing(run_page(monkeypatch, quick_model_dir), drawn(DIGITS[1][1]))
    assert metric(app, "Read right") == "—"
    read = int(metric(app, "Prediction")[0])
    app.selectbox(key="true_digit_0").select(read).run()
    assert metric(app, "Read right") == "1 of 1 · 100%"
    app.button[0].click().run()  # Clear: the next drawing is a new one in the gallery
    app = with_drawing(app, drawn(DIGITS[0][1]), canvas=1)
    wrong = (int(metric(app, "Prediction")[0]) + 1) % 10
    app.selectbox(key="true_digit_1").select(wrong).run()
    assert metric(app, "Read right") == "1 of 2 · 50%"
    assert [number for number, _ in app.session_state[GALLERY].newest_first()] == [1, 0]

    back = AppTest.from_file(str(PROJECT_ROOT / "pages" / "digits.py"), default_timeout=120)
    back.session_state[GALLERY] = app.session_state[GALLERY]  # back from another page: the controls' state is gone,
    back.run()                                                # the gallery's marks are not
    assert back.selectbox(key="true_digit_0").value == read and back.selectbox(key="true_digit_1").value == wrong
    assert metric(back, "Read right") == "1 of 2 · 50%"


def test_the_gallery_shows_the_most_recent_drawings_and_scores_them_all(monkeypatch, quick_model_dir):
    app = with_drawing(run_page(monkeypatch, quick_model_dir), drawn(DIGITS[1][1]))
    gallery = app.session_state[GALLERY]
    for canvas in range(1, SHOWN + 3):
        gallery.drawings[canvas] = gallery.drawings[0]
    app.run()
    assert len([s for s in app.selectbox if s.key.startswith("true_digit_")]) == SHOWN
    assert any(f"Your {SHOWN} most recent drawings of {SHOWN + 3}" in c.value for c in app.caption)


def test_a_link_restores_the_explanation_and_says_what_it_cannot_show(monkeypatch, quick_model_dir):
    monkeypatch.setenv("ML_ATLAS_QUICK", "1")
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(quick_model_dir))
    app = AppTest.from_file(str(PROJECT_ROOT / "pages" / "digits.py"), default_timeout=120)
    for name, value in {"brush": "30", "compare": "4", "patch": "8", "nearest": "12"}.items():
        app.query_params[name] = value
    app.run()
    assert app.slider(key="brush").value == 30 and app.selectbox(key="compare").value == "4"
    assert app.select_slider(key="patch").value == 8 and app.slider(key="nearest").value == 12
    assert not any("This link asked for" in info.value for info in app.info)

    app = AppTest.from_file(str(PROJECT_ROOT / "pages" / "digits.py"), default_timeout=120)
    for name, value in {"compare": "eleven", "patch": "5", "nearest": "99"}.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception
    note = next(info.value for info in app.info if "This link asked for something the page cannot show" in info.value)
    assert "Compare with: the link's 'eleven'" in note and "Occlusion patch (pixels): the link's '5'" in note
    assert "Nearest training digits: the link's '99'" in note
    assert app.selectbox(key="compare").value == "runner-up" and app.select_slider(key="patch").value == 6


@pytest.fixture
def cnn_only_model_dir(tmp_path, quick_model_dir):
    """A model cache holding the quick CNN but not its training digits' embedding, which nobody holds in memory."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ML_ATLAS_QUICK", "1")
        folder = ModelCache(quick_model_dir).path(spec(DigitsConfig.default()))
    shutil.copytree(folder, tmp_path / folder.name)
    artifact_store.clear()
    yield tmp_path
    artifact_store.clear()


def test_drawings_are_read_while_the_embedding_is_computed_then_neighbours_show(monkeypatch, cnn_only_model_dir):
    app = with_drawing(run_page(monkeypatch, cnn_only_model_dir), drawn(DIGITS[1][1]))
    assert not app.exception and metric(app, "Prediction") != "—"
    assert any(c.startswith("The reading: ") for c in image_captions(app)), "saliency does not wait for the embedding"
    assert any("nearest training digits appear once" in info.value for info in app.info)
    run_until_ready(app)  # the page's end follows the embedding's job, then runs again
    assert not app.exception
    assert any("training digits the network places nearest" in m.value for m in app.markdown)
    assert not any("nearest training digits appear once" in info.value for info in app.info)


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
