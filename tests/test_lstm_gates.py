"""Reading an LSTM's gates: the NumPy recomputation must reproduce the Keras layer it reads."""
import os
from types import SimpleNamespace

import numpy as np
import pytest

from core.errors import InputError
from models.rnn.lstm_gates import (GateReading, gates_over_text, hard_sigmoid, lstm_forward, lstm_layer,
                                   read_gates)
from models.sentiment.text_pipeline import TextPipeline

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = pytest.importorskip("keras")


def _randomize(layer, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(size=w.shape).astype("float32") * 0.7 for w in layer.get_weights()])


@pytest.mark.parametrize("recurrent_activation", ["sigmoid", "hard_sigmoid"])
def test_read_gates_reproduces_the_keras_layer(recurrent_activation):
    layer = keras.layers.LSTM(5, return_sequences=True, return_state=True, recurrent_activation=recurrent_activation)
    x = np.random.default_rng(1).normal(size=(3, 7, 4)).astype("float32")
    layer(x)  # builds the weights
    _randomize(layer)
    sequence, last_h, last_c = (np.asarray(v) for v in layer(x))
    trace = read_gates(layer, x)
    np.testing.assert_allclose(trace.h, sequence, atol=1e-5)
    np.testing.assert_allclose(trace.c[:, -1], last_c, atol=1e-5)
    for gate in ("input", "forget", "output"):
        values = getattr(trace, gate)
        assert values.shape == (3, 7, 5) and values.min() >= 0 and values.max() <= 1
    # the states are the gates put together: c(t) = f c(t-1) + i c~, h(t) = o tanh(c(t))
    np.testing.assert_allclose(trace.c, trace.forget * trace.c_prev + trace.input * trace.candidate)
    np.testing.assert_allclose(trace.c_prev[:, 1:], trace.c[:, :-1])


def test_hard_sigmoid_matches_keras():
    z = np.linspace(-5, 5, 41)
    np.testing.assert_allclose(hard_sigmoid(z), np.asarray(keras.activations.hard_sigmoid(z)), atol=1e-6)


TEXTS = ["a great film with great acting", "a dull film , dull plot and bad acting", "great fun", "bad bad film"]


def _sentiment_model(mask_zero: bool, bidirectional: bool, max_length: int = 6):
    """A tiny untrained stand-in for ``models.sentiment.model``'s networks: Embedding -> (Bi)LSTM -> Dense."""
    keras.utils.set_random_seed(2)
    pipeline = TextPipeline(vocab_size=12, max_length=max_length, truncating="end").fit(TEXTS)
    inputs = keras.Input((max_length,), dtype="int32")
    x = keras.layers.Embedding(12, 3, mask_zero=mask_zero)(inputs)
    lstm = keras.layers.LSTM(4)
    x = keras.layers.Bidirectional(lstm)(x) if bidirectional else lstm(x)
    network = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    _randomize(lstm_layer(network), seed=3)
    return SimpleNamespace(pipeline=pipeline, keras_model=network)


@pytest.mark.parametrize("mask_zero, bidirectional", [(False, False), (True, True)])
def test_gates_over_text_end_in_the_layer_own_final_state(mask_zero, bidirectional):
    model = _sentiment_model(mask_zero, bidirectional)
    text = "A great, great film -- and the unknown zyzzyva acting!"
    reading = gates_over_text(model, text)
    assert reading.words == ["film", "and", "the", "unknown", "zyzzyva", "acting"]  # the last 6 words are read
    lstm_output = keras.Model(model.keras_model.inputs[0], model.keras_model.layers[2].output)
    final = np.asarray(lstm_output(model.pipeline.encode([text])))[0]
    np.testing.assert_allclose(reading.trace.h[0, -1], final[:4], atol=1e-5)
    means = reading.gate_means()
    assert list(means.columns) == ["position", "word", "input", "forget", "output"] and len(means) == 6
    assert reading.padding_read == 0  # "film" onwards fills the 6 steps
    units, cells = reading.busiest_cells(2)
    assert cells.shape == (2, 6) and len(set(units)) == 2


def test_padding_is_read_when_the_model_does_not_mask_it():
    model = _sentiment_model(mask_zero=False, bidirectional=False)
    reading = gates_over_text(model, "great film")
    assert reading.words == ["great", "film"]
    assert reading.padding_read == 4
    assert np.abs(reading.trace.c_prev[0, 0]).max() > 0  # the four padding steps before "great" left a state


def test_texts_without_known_words_are_refused():
    model = _sentiment_model(mask_zero=False, bidirectional=False)
    with pytest.raises(InputError, match="no words"):
        gates_over_text(model, "  ?? !! -- ")
    with pytest.raises(InputError, match="vocabulary"):
        gates_over_text(model, "zyzzyva quux")


def test_models_without_an_lstm_are_rejected():
    network = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="no LSTM"):
        lstm_layer(network)


def test_gate_of_units_picks_the_units_word_by_word():
    rng = np.random.default_rng(4)
    trace = lstm_forward(rng.normal(size=(2, 12)), rng.normal(size=(3, 12)), np.zeros(12), rng.normal(size=(1, 5, 2)))
    reading = GateReading(list("abcde"), trace)
    units = np.array([2, 0])
    picked = reading.gate_of_units("forget", units)
    assert picked.shape == (2, 5)
    np.testing.assert_array_equal(picked[0], trace.forget[0, :, 2])
    np.testing.assert_array_equal(picked[1], trace.forget[0, :, 0])
