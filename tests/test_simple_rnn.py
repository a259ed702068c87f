"""The NumPy simple RNN: forward equations, BPTT (full and truncated) against finite differences and TF, clipping."""
import os

import numpy as np
import pytest

from core.errors import InputError
from models.rnn.simple_rnn import (NO_TARGET, RNNParams, bptt, clip_by_global_norm, error_ratio, error_through_time,
                                   error_verdict, forward, finite_difference_gap, init_params, letters_task, loss,
                                   spectral_radius, unroll_word)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture
def problem():
    """Two sequences of 5 steps, 3 inputs, 6 hidden units, 4 classes; one step without a target."""
    rng = np.random.default_rng(3)
    params = init_params(3, 6, 4, radius=1.2, seed=1)
    params.b = rng.normal(size=6) * 0.3
    params.c = rng.normal(size=4) * 0.3
    x = rng.normal(size=(2, 5, 3))
    targets = rng.integers(0, 4, size=(2, 5))
    targets[0, 1] = NO_TARGET
    return params, x, targets


def test_init_sets_the_spectral_radius_of_w():
    assert spectral_radius(init_params(2, 20, 2, radius=1.7, seed=4).W) == pytest.approx(1.7)


def test_forward_follows_the_article_equations(problem):
    params, x, _ = problem
    fwd = forward(params, x[1])
    h = np.zeros(6)
    for t in range(5):
        a = params.b + params.W @ h + params.U @ x[1, t]
        h = np.tanh(a)
        o = params.c + params.V @ h
        np.testing.assert_allclose(fwd.a[0, t], a)
        np.testing.assert_allclose(fwd.h[0, t], h)
        np.testing.assert_allclose(fwd.y_hat[0, t], np.exp(o) / np.exp(o).sum())


def test_forward_matches_keras_simple_rnn_with_the_same_weights(problem):
    import keras

    params, x, _ = problem
    layer = keras.layers.SimpleRNN(6, return_sequences=True)
    layer.build((None, 5, 3))
    layer.set_weights([params.U.T, params.W.T, params.b])
    np.testing.assert_allclose(forward(params, x).h, np.asarray(layer(x.astype("float32"))), atol=1e-5)


def _numeric_gradient(params: RNNParams, objective, eps: float = 1e-6) -> RNNParams:
    grads = {}
    for name, value in params.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            old = value[index]
            value[index] = old + eps
            up = objective(params)
            value[index] = old - eps
            down = objective(params)
            value[index] = old
            grad[index] = (up - down) / (2 * eps)
        grads[name] = grad
    return RNNParams(**grads)


def test_full_bptt_matches_finite_differences(problem):
    params, x, targets = problem
    result = bptt(params, x, targets)
    numeric = _numeric_gradient(params, lambda p: loss(forward(p, x), targets))
    for name, grad in result.grads.items():
        np.testing.assert_allclose(grad, getattr(numeric, name), atol=1e-6, err_msg=name)


def _tf_loss(params: RNNParams, x: np.ndarray, targets: np.ndarray, truncation: int | None = None):
    """J with TensorFlow ops; with truncation k, the loss at step t is computed from h(t-k) held constant."""
    import tensorflow as tf

    variables = {name: tf.Variable(value) for name, value in params.items()}
    x = tf.constant(x)
    steps = x.shape[1]
    with tf.GradientTape() as tape:
        def run(h, start, stop):
            states = []
            for t in range(start, stop):
                h = tf.tanh(variables["b"] + h @ tf.transpose(variables["W"]) + x[:, t] @ tf.transpose(variables["U"]))
                states.append(h)
            return states

        full = run(tf.zeros((x.shape[0], params.W.shape[0]), tf.float64), 0, steps)
        total = tf.constant(0.0, tf.float64)
        for t in range(steps):
            if truncation is None or t < truncation:
                h_t = full[t]
            else:  # recompute the last k steps from a state the gradient cannot pass
                h_t = run(tf.stop_gradient(full[t - truncation]), t - truncation + 1, t + 1)[-1]
            logits = variables["c"] + h_t @ tf.transpose(variables["V"])
            has = targets[:, t] != NO_TARGET
            per_sequence = tf.nn.sparse_softmax_cross_entropy_with_logits(np.where(has, targets[:, t], 0), logits)
            total += tf.reduce_sum(per_sequence * has)
    grads = tape.gradient(total, variables)
    return float(total), RNNParams(**{name: grad.numpy() for name, grad in grads.items()})


@pytest.mark.parametrize("truncation", [None, 1, 2, 4])
def test_bptt_matches_tensorflow_autodiff(problem, truncation):
    params, x, targets = problem
    result = bptt(params, x, targets, truncation=truncation)
    tf_loss, tf_grads = _tf_loss(params, x, targets, truncation)
    assert result.loss == pytest.approx(tf_loss)
    for name, grad in result.grads.items():
        np.testing.assert_allclose(grad, getattr(tf_grads, name), atol=1e-9, err_msg=f"{name}, k={truncation}")


def test_gradient_is_the_sum_of_per_step_shares(problem):
    params, x, targets = problem
    result = bptt(params, x, targets)
    for name, share in result.steps.items():
        assert share.shape[0] == 5
        np.testing.assert_allclose(share.sum(axis=0), getattr(result.grads, name))


def test_truncation_changes_only_the_recurrent_paths(problem):
    params, x, targets = problem
    full, short = bptt(params, x, targets), bptt(params, x, targets, truncation=2)
    np.testing.assert_allclose(short.grads.V, full.grads.V)  # V and c see no recurrence
    np.testing.assert_allclose(short.grads.c, full.grads.c)
    assert not np.allclose(short.grads.W, full.grads.W)
    np.testing.assert_allclose(bptt(params, x, targets, truncation=5).grads.W, full.grads.W)
    with pytest.raises(ValueError):
        bptt(params, x, targets, truncation=0)


def test_truncated_error_stops_k_steps_back():
    params = init_params(2, 5, 3, radius=1.0, seed=0)
    x = np.random.default_rng(0).normal(size=(1, 8, 2))
    targets = np.full((1, 8), NO_TARGET)
    targets[0, -1] = 2
    dh = bptt(params, x, targets, truncation=3).dh[0]
    assert np.all(np.linalg.norm(dh[-3:], axis=1) > 0)
    assert np.all(dh[:-3] == 0)


def test_error_through_time_vanishes_below_one_and_explodes_above():
    small = error_through_time(60, 32, radius=0.5)["‖∂J/∂h(t)‖"].to_numpy()
    large = error_through_time(60, 32, radius=3.0)["‖∂J/∂h(t)‖"].to_numpy()
    assert small.shape == (60,)
    assert small[0] < 1e-6 * small[-1]
    assert large[0] > 1e3 * large[-1]
    linear = error_through_time(10, 4, radius=2.0)["ρ^(T−t) · ‖∂J/∂h(T)‖"].to_numpy()
    np.testing.assert_allclose(linear[:-1] / linear[1:], 2.0)


def test_the_error_ratio_and_its_verdict():
    flow = error_through_time(30, 8, radius=3.0)
    measured = flow["‖∂J/∂h(t)‖"]
    assert error_ratio(flow) == pytest.approx(measured.iloc[0] / measured.iloc[-1])
    assert error_verdict(error_ratio(flow)) == "exploding"
    assert error_verdict(error_ratio(error_through_time(30, 8, radius=0.5))) == "vanishing"
    assert [error_verdict(r) for r in (0.099, 0.1, 1.0, 10.0, 10.1)] == [
        "vanishing", "roughly preserved", "roughly preserved", "roughly preserved", "exploding"]


def test_clipping_rescales_long_gradients_only(problem):
    params, x, targets = problem
    grads = bptt(params, x, targets).grads
    norm = grads.global_norm()
    clipped, reported = clip_by_global_norm(grads, norm / 4)
    assert reported == pytest.approx(norm)
    assert clipped.global_norm() == pytest.approx(norm / 4)
    np.testing.assert_allclose(clipped.W * 4, grads.W)  # same direction
    unchanged, _ = clip_by_global_norm(grads, norm * 2)
    np.testing.assert_allclose(unchanged.W, grads.W)
    with pytest.raises(ValueError):
        clip_by_global_norm(grads, 0.0)


def test_letters_task_and_live_gradient_check():
    x, targets, alphabet = letters_task(" Hello ")
    assert alphabet == ["e", "h", "l", "o"] and x.shape == (5, 4)
    np.testing.assert_array_equal(targets, [0, 2, 2, 3, NO_TARGET])
    assert finite_difference_gap(init_params(4, 8, 4, radius=1.5), x, targets) < 1e-7
    for bad in ("", "a", "two words", "h3llo", "über", "abcdefghijklm"):
        with pytest.raises(InputError, match="letters"):
            letters_task(bad)


def test_unrolled_word_table_follows_the_forward_pass_and_bptt():
    unrolled = unroll_word(" Hello ", 8, radius=1.5, truncation=2)
    assert unrolled.word == "hello" and unrolled.alphabet == ["e", "h", "l", "o"]
    steps = unrolled.steps()
    assert list(steps["input"]) == list("hello")
    assert list(steps["target (next letter)"]) == ["e", "l", "l", "o", "—"]
    expected = [-np.log(unrolled.fwd.y_hat[0, t, i]) for t, i in enumerate(unrolled.targets[:-1])]
    np.testing.assert_allclose(steps["J(t)"][:-1], expected)
    assert steps["J(t)"].iloc[-1] == 0.0
    assert steps["J(t)"].sum() == pytest.approx(unrolled.result.loss)
    assert steps["‖(∂J/∂W)^(t)‖"].sum() >= unrolled.w_gradient_norm()  # the shares add up to ∂J/∂W
    assert unrolled.w_gradient_norm() == pytest.approx(np.linalg.norm(unrolled.result.grads.W))
    assert unrolled.gap < 1e-7
    with pytest.raises(InputError, match="letters"):
        unroll_word("h3llo", 8, radius=1.5)


def test_inputs_may_be_lists_and_float32_stays_float32():
    """Lists and integer one-hots compute in float64 (the gradient checks); float32 arrays stay float32 (the race)."""
    params = init_params(2, 3, 2, seed=0)
    as_list = forward(params, [[1, 0], [0, 1]])
    np.testing.assert_allclose(as_list.h, forward(params, np.eye(2)).h)
    assert as_list.h.dtype == np.float64
    single = params.map(lambda value: value.astype(np.float32))
    assert forward(single, np.eye(2, dtype=np.float32)).h.dtype == np.float32
