"""word2vec's fused training op: its updates against a NumPy reference, its guards, its build and its fallback."""
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from components.catalog import PROJECT_ROOT
from models.word2vec.corpus import encode_corpus, noise_alias_table, noise_distribution
from models.word2vec.kernel import load_kernel

DIM, LR = 4, 0.5


def test_the_alias_table_draws_exactly_the_noise_distribution():
    counts = np.array([9_000, 1_000, 400, 7, 7, 1, 120_000, 3])
    keep, alias = noise_alias_table(counts)
    # A uniform word i is kept with probability keep[i], else it becomes alias[i].
    drawn = keep / len(counts)
    np.add.at(drawn, alias, (1 - keep) / len(counts))
    assert drawn == pytest.approx(noise_distribution(counts), abs=1e-7)
    assert drawn[0] == pytest.approx(0.0, abs=1e-7)  # <unk> is never a noise word


def tables(rows: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return (rng.normal(0, 0.3, (rows, DIM)).astype(np.float32), rng.normal(0, 0.3, (rows, DIM)).astype(np.float32))


def reference(w_in, w_out, ids, documents, cbow: bool):
    """word2vec's updates with window 1 and no noise words, token by token, in NumPy (the op's own order)."""
    w_in, w_out = w_in.astype(np.float64), w_out.astype(np.float64)
    n = len(ids)
    for position in range(n):
        lr = LR + (LR / 10 - LR) * position / n
        contexts = [j for j in (position - 1, position + 1) if 0 <= j < n and documents[j] == documents[position]]
        if cbow and contexts:
            hidden = w_in[[ids[j] for j in contexts]].mean(axis=0)
            out = w_out[ids[position]]
            step = (1 - 1 / (1 + np.exp(-hidden @ out))) * lr
            gradient = step * out
            w_out[ids[position]] = out + step * hidden
            for j in contexts:
                w_in[ids[j]] += gradient
        elif not cbow:
            for j in contexts:
                hidden, out = w_in[ids[position]], w_out[ids[j]]
                step = (1 - 1 / (1 + np.exp(-hidden @ out))) * lr
                gradient = step * out
                w_out[ids[j]] = out + step * hidden
                w_in[ids[position]] = hidden + gradient
    return w_in, w_out


def run_op(w_in, w_out, ids, documents, cbow: bool, negative: int = 0, window: int = 1):
    kernel = load_kernel()
    assert kernel is not None, "the op did not build: see the log"
    vectors_in, vectors_out = tf.Variable(w_in), tf.Variable(w_out)
    keep, alias = noise_alias_table(np.arange(len(w_in)) + 1)
    loss, examples = kernel.word2vec_train_chunk(
        vectors_in.handle, vectors_out.handle, np.asarray(ids, np.int32), np.asarray(documents, np.int32), keep,
        alias, LR, LR / 10, 7, cbow=cbow, window=window, negative=negative)
    return vectors_in.numpy(), vectors_out.numpy(), float(loss), int(examples)


@pytest.mark.parametrize("cbow", [True, False])
def test_the_op_makes_word2vecs_updates_token_by_token(cbow):
    w_in, w_out = tables(6)
    ids, documents = [1, 2, 3, 2, 4, 5, 1], [0, 0, 0, 0, 1, 1, 1]
    got_in, got_out, loss, examples = run_op(w_in, w_out, ids, documents, cbow)
    want_in, want_out = reference(w_in, w_out, ids, documents, cbow)
    # The logistic function is tabulated (1,000 steps on [-6, 6], as in word2vec.c): a step is off by < 0.4%.
    assert got_in == pytest.approx(want_in, abs=2e-3) and got_out == pytest.approx(want_out, abs=2e-3)
    assert np.abs(got_in - w_in).max() > 0.05  # it did learn
    assert examples == (7 if cbow else 10) and loss > 0


def test_a_window_never_reaches_across_a_document():
    w_in, w_out = tables(4)
    got_in, got_out, loss, examples = run_op(w_in, w_out, [1, 2, 3], [0, 1, 2], cbow=True, negative=3, window=5)
    assert examples == 0 and loss == 0
    np.testing.assert_array_equal(got_in, w_in)
    np.testing.assert_array_equal(got_out, w_out)


def test_a_read_taken_before_training_keeps_its_values():
    kernel = load_kernel()
    w_in, w_out = tables(5)
    vectors_in, vectors_out = tf.Variable(w_in), tf.Variable(w_out)
    before = vectors_in.value()  # shares the variable's buffer until someone writes
    keep, alias = noise_alias_table(np.arange(5) + 1)
    kernel.word2vec_train_chunk(vectors_in.handle, vectors_out.handle, np.array([1, 2, 3, 4], np.int32),
                                np.zeros(4, np.int32), keep, alias, LR, LR, 1, cbow=True, window=2, negative=2)
    np.testing.assert_array_equal(before.numpy(), w_in)
    assert not np.array_equal(vectors_in.numpy(), w_in)


@pytest.mark.parametrize("ids, alias_of_word", [([1, 9, 2], None), ([1, 2, 3], 99), ([1, -1, 2], None)])
def test_a_word_id_outside_the_tables_is_refused_before_anything_is_written(ids, alias_of_word):
    kernel = load_kernel()
    w_in, w_out = tables(5)
    vectors_in, vectors_out = tf.Variable(w_in), tf.Variable(w_out)
    keep, alias = noise_alias_table(np.arange(5) + 1)
    if alias_of_word is not None:
        keep[2], alias[2] = 0.0, alias_of_word
    with pytest.raises(tf.errors.InvalidArgumentError, match="outside the tables"):
        kernel.word2vec_train_chunk(vectors_in.handle, vectors_out.handle, np.array(ids, np.int32),
                                    np.zeros(3, np.int32), keep, alias, LR, LR, 1, cbow=False, window=2, negative=2)
    np.testing.assert_array_equal(vectors_in.numpy(), w_in)


def test_the_apps_models_train_with_the_op_and_without_a_compiler_with_xla(tmp_path):
    """Training picks the op; where it cannot be built (no compiler here), the XLA steps train instead."""
    script = (
        "import numpy as np\n"
        "from models.word2vec.config import Word2VecConfig\n"
        "from models.word2vec.corpus import encode_corpus\n"
        "from models.word2vec.training import train\n"
        "rng = np.random.default_rng(0)\n"
        "groups = [['cat', 'dog', 'cow'], ['one', 'two', 'six'], ['red', 'tan', 'blue']]\n"
        "docs = [' '.join(rng.choice(groups[rng.integers(3)], 8)) for _ in range(1500)]\n"
        "vocabulary, corpus = encode_corpus(docs, min_count=1)\n"
        "config = Word2VecConfig(dim=16, window=3, epochs=3, sample=0, batch_size=128)\n"
        "vectors, stats = train(vocabulary, corpus, config)\n"
        "sim = vectors.unit @ vectors.unit.T\n"
        "i = [[vectors.index[w] for w in g] for g in groups]\n"
        "print(stats['steps'], sim[i[0][0], i[0][1]] - sim[i[0][0], i[1][0]])\n"
    )
    results = {}
    for compiler in ("", "/bin/false"):
        env = dict(os.environ, ML_ATLAS_CACHE_DIR=str(tmp_path / (compiler.replace("/", "_") or "g++")))
        done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                              env=dict(env, CXX=compiler) if compiler else env, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        steps, gap = done.stdout.strip().splitlines()[-1].rsplit(" ", 1)
        results[compiler] = (steps, float(gap))
    assert results[""][0] == "fused op" and results["/bin/false"][0] == "XLA minibatches"
    assert results[""][1] > 0.3 and results["/bin/false"][1] > 0.3  # both bring a group's words together
    assert list((tmp_path / "g++" / "kernels").glob("*/word2vec_kernel.so"))
    assert not list((tmp_path / "_bin_false" / "kernels").glob("*/*"))  # no half-written library left behind


def test_a_damaged_build_is_built_again(tmp_path):
    script = ("from models.word2vec.kernel import library_path, load_kernel\n"
              "path = library_path(); path.parent.mkdir(parents=True); path.write_bytes(b'not a library')\n"
              "print(load_kernel() is not None, path.stat().st_size > 10_000)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          env=dict(os.environ, ML_ATLAS_CACHE_DIR=str(tmp_path)), timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "True True"
