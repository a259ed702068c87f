"""The long-dependency task and the two NumPy networks that learn it."""
import numpy as np
import pytest

from models.rnn.long_memory import LongMemoryNet, _init, clipping_comparison, first_symbol_task, lstm_gradients, race
from models.rnn.lstm_gates import lstm_forward


def test_task_answer_is_the_first_symbol_and_distractors_never_repeat_it():
    x, y = first_symbol_task(50, 7, signals=3, distractors=2, seed=1)
    assert x.shape == (50, 7, 5) and np.all(x.sum(axis=-1) == 1)
    np.testing.assert_array_equal(x[:, 0].argmax(axis=-1), y)
    assert set(np.unique(x[:, 1:].argmax(axis=-1))) <= {3, 4}
    assert set(np.unique(y)) == {0, 1, 2}


def test_lstm_gradients_match_finite_differences():
    x, y = first_symbol_task(3, 5, signals=2, distractors=2, seed=0)
    params = _init("LSTM", 4, 3, 2, seed=0)
    _, grads = lstm_gradients(params, x, y)
    eps = 1e-6
    for name, value in params.items():
        for index in np.ndindex(value.shape):
            old = value[index]
            value[index] = old + eps
            up = lstm_gradients(params, x, y)[0]
            value[index] = old - eps
            down = lstm_gradients(params, x, y)[0]
            value[index] = old
            assert grads[name][index] == pytest.approx((up - down) / (2 * eps), abs=1e-7), name


def test_lstm_starts_by_remembering():
    params = _init("LSTM", 4, 6, 2, seed=0)
    x, _ = first_symbol_task(4, 10, signals=2, distractors=2)
    trace = lstm_forward(params["kernel"], params["recurrent_kernel"], params["bias"], x)
    assert trace.forget.mean() > 0.9 and trace.input.mean() < 0.3


def test_both_networks_learn_a_short_dependency():
    x, y = first_symbol_task(600, 5, seed=3)
    for kind in ("simple RNN", "LSTM"):
        net = LongMemoryNet(kind, hidden_size=8, updates=150).fit(x[:400], y[:400])
        assert net.score(x[400:], y[400:]) > 0.9, kind
        assert net.predict_proba(x[:2]).shape == (2, 4)


def test_only_the_lstm_bridges_a_long_gap():
    result = race(60, hidden_size=16, train_size=1024, test_size=256, updates=120).set_index("network")
    assert result.loc["LSTM", "accuracy"] > 0.9
    assert result.loc["simple RNN", "accuracy"] < 0.5  # chance is 0.25
    assert set(result.columns) == {"T", "accuracy", "updates", "seconds"}


def test_unknown_network_kind_is_refused():
    with pytest.raises(ValueError):
        LongMemoryNet("GRU")


def test_clipping_tames_an_exploding_run():
    runs = clipping_comparison(20, 16, radius=3.0, clip=0.3)
    wild, tame = runs[runs.run == "without clipping"], runs[runs.run == "clipped at 0.3"]
    assert len(wild) == len(tame) == 100
    first = wild.loss.iloc[0]
    assert tame.loss.iloc[0] == pytest.approx(first)  # same start
    assert wild.loss.max() > 2 * first
    assert tame.loss.max() <= first * 1.05
    assert tame.loss.iloc[-1] < 0.5 * wild.loss.iloc[-1]
    assert tame.clipped.any() and not wild.clipped.any()
