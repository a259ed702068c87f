"""AppTest of the 'Inside a recurrent network' page: live numbers, extreme sliders, bad input, the LSTM gates."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import run_until_ready

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "rnn_internals.py")


@pytest.fixture
def app(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("ML_ATLAS_QUICK", "1")
    monkeypatch.setenv("ML_ATLAS_MODEL_DIR", str(tmp_path_factory.getbasetemp() / "rnn_internals_models"))
    return AppTest.from_file(PAGE, default_timeout=240)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def slider(at, label: str):
    return next(s for s in at.slider if s.label.startswith(label))


def test_default_page_shows_correct_live_numbers(app):
    at = app.run()
    assert not at.exception
    shown = metrics(at)
    assert float(shown["Gradient check: largest gap"]) < 1e-6
    assert shown["The error signal is"] == "exploding"  # spectral radius 3 by default
    assert float(shown["Worst loss with clipping"]) < float(shown["Worst loss without clipping"])
    assert float(shown["LSTM accuracy at T = 40"].rstrip("%")) >= 95
    assert len(at.get("graphviz_chart")) == 1
    assert any(caption.value.startswith("Without clipping, the first huge gradients") for caption in at.caption)


def test_the_clipping_lesson_says_so_when_clipping_did_not_end_lower(app):
    """At T = 100 with 32 units the unclipped run happens to end lower: the text must not claim the opposite."""
    at = app.run()
    slider(at, "Sequence length").set_value(100)
    slider(at, "Hidden size").set_value(32)
    at.run()
    assert not at.exception
    said = [caption.value for caption in at.caption if "clipping" in caption.value.lower()]
    assert any(text.startswith("Here clipping did not end lower") for text in said), said
    assert not any(text.startswith("Without clipping, the first huge gradients") for text in said)


def test_extreme_sliders_do_not_break_the_page(app):
    at = app.run()
    for label, value in (("Sequence length", 100), ("Hidden size", 2), ("Spectral radius", 0.1),
                         ("Truncation", 1), ("Clip threshold", 5.0)):
        slider(at, label).set_value(value)
    at.run()
    assert not at.exception
    shown = metrics(at)
    assert shown["The error signal is"] == "vanishing"
    assert "simple RNN accuracy at T = 100" in shown
    for label, value in (("Sequence length", 2), ("Hidden size", 32), ("Spectral radius", 3.0),
                         ("Truncation", 100), ("Clip threshold", 0.05)):
        slider(at, label).set_value(value)
    at.run()
    assert not at.exception
    assert "LSTM accuracy at T = 2" in metrics(at)


@pytest.mark.parametrize("word", ["", "x", "two words", "h3llo", "ünïcode"])
def test_bad_words_get_a_message_and_the_rest_of_the_page_stays(app, word):
    at = app.run()
    at.text_input[0].input(word).run()
    assert not at.exception
    assert at.error and "letters" in at.error[0].value
    assert "The error signal is" in metrics(at)  # later lessons still shown


def test_gates_of_the_classic_model_over_a_review(app):
    at = app.run()
    if at.button:  # not trained yet in this model folder: train the quick model from the page (a job)
        at.button[0].click()
        run_until_ready(at)
    assert not at.exception
    assert any(m.label.startswith("Classic model: probability positive") for m in at.metric)
    gate_charts = [c for c in at.get("plotly_chart") if "Gates averaged" in c.proto.spec]
    assert gate_charts
    at.radio[0].set_value("forget gate").run()
    assert not at.exception
    assert any("Forget gate of the 12 units" in c.proto.spec for c in at.get("plotly_chart"))
    at.text_area[0].input("?!? ...").run()
    assert not at.exception
    assert at.warning and "no words" in at.warning[0].value
