"""Movie-review sentiment on IMDB: the classic LSTM, our best recurrent model, a TF-IDF baseline.

- ``classic``: Embedding(10k, 32) -> LSTM(100) -> Dense(1, sigmoid), Adam, batch 64,
  reviews cut to 500 words, as in the well-known Keras tutorial.
- ``best``: a masked bidirectional LSTM whose outputs are max- and mean-pooled
  over the review, with dropout and a larger vocabulary; its embedding is
  word2vec Skip-gram vectors trained on the training reviews' own text, kept
  fixed while the LSTM learns (see :mod:`models.sentiment.training`).
- ``baseline``: TF-IDF of word 1-2 grams + logistic regression (no network).

Every model is trained on the 25,000 training reviews (a validation split for
early stopping and model choice is carved from them, never from the test set),
then evaluated once on all 25,000 test reviews; that report (accuracy,
confusion matrix, training curves, example reviews) is stored in the artifact
so the page never re-evaluates. Names, configurations and cache keys are in
:mod:`models.sentiment.artifacts`, light to import; this module imports TensorFlow.
"""
from __future__ import annotations

import html
import json
import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pandas as pd
from keras import layers
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from data.imdb import load_imdb
from core.cache import ModelCache
from core.progress import TrainingProgress
from core.errors import InputError
from models.sentiment.artifacts import config, spec
from models.sentiment.training import embedding_matrix, length_batches, review_word_vectors, training_callbacks
from models.sentiment.text_pipeline import BREAK_TAG, OOV, PAD, TextPipeline, tokenize, word_spans

# ----------------------------------------------------------------------------- models

class SentimentModel:
    """A trained sentiment model: ``predict_proba(texts)`` gives P(positive) per text.

    ``pipeline`` is the :class:`TextPipeline` the model reads text through,
    ``report`` the evaluation stored at training time, ``keras_model`` the
    Keras network (``None`` for the baseline).
    """
    name: str
    pipeline: TextPipeline
    report: dict[str, Any]
    keras_model: Any = None

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return self.predict_tokens([tokenize(text) for text in texts])

    def predict_tokens(self, token_lists: list[list[str]]) -> np.ndarray:
        raise NotImplementedError


class KerasSentiment(SentimentModel):
    """An Embedding + LSTM network reading padded word ids."""
    def __init__(self, name: str, pipeline: TextPipeline, keras_model: Any, report: dict[str, Any]):
        self.name, self.pipeline, self.keras_model, self.report = name, pipeline, keras_model, report
        self.masks_padding = bool(keras_model.get_layer("embedding").get_config().get("mask_zero"))

    def predict_tokens(self, token_lists: list[list[str]]) -> np.ndarray:
        """Batches of up to 256 texts of similar length through ``predict_on_batch`` (one compiled call each).

        A network that masks padding reads each batch padded only to its longest
        text (see :meth:`TextPipeline.pad`): the same scores, a fraction of the work.
        """
        order = np.argsort([len(tokens) for tokens in token_lists], kind="stable")
        probabilities = np.zeros(len(token_lists))
        for start in range(0, len(order), 256):
            batch = order[start:start + 256]
            ids = self.pipeline.encode_tokens([token_lists[i] for i in batch], to_longest=self.masks_padding)
            probabilities[batch] = np.asarray(self.keras_model.predict_on_batch(ids)).reshape(-1)
        return probabilities


class TfidfSentiment(SentimentModel):
    """TF-IDF (word 1-2 grams, sublinear tf) + logistic regression, stored as plain arrays."""
    def __init__(self, name: str, pipeline: TextPipeline, vectorizer: Any, coef: np.ndarray, intercept: float,
                 report: dict[str, Any]):
        self.name, self.pipeline, self.report = name, pipeline, report
        self.vectorizer, self.coef, self.intercept = vectorizer, coef, intercept

    def predict_tokens(self, token_lists: list[list[str]]) -> np.ndarray:
        features = self.vectorizer.transform([" ".join(tokens) for tokens in token_lists])
        return 1.0 / (1.0 + np.exp(-(features @ self.coef + self.intercept)))


def _tfidf_vectorizer(settings: dict[str, Any], vocabulary: list[str] | None = None):

    return TfidfVectorizer(
        tokenizer=str.split if vocabulary is not None else tokenize, lowercase=False, token_pattern=None,
        ngram_range=tuple(settings["ngram_range"]), min_df=settings["min_df"], max_features=settings["max_features"],
        sublinear_tf=True, vocabulary=vocabulary, dtype=np.float32,
    )


# ----------------------------------------------------------------------------- public API

def trained_model(name: str, progress: TrainingProgress | None = None) -> SentimentModel:
    """Model ``name`` ("classic", "best" or "baseline") from the model cache, training it first if missing."""
    settings = config(name)
    train = _train_keras if settings["kind"] == "lstm" else _train_baseline
    return ModelCache().get_or_train(
        spec(name), lambda folder, prog: train(name, settings, folder, prog), lambda folder: _load(name, folder),
        progress,
    )


def _load(name: str, folder: Path) -> SentimentModel:
    report = json.loads((folder / "report.json").read_text())
    manifest = folder / "MANIFEST.json"  # absent when a read-only cache made the model train in memory
    report["training_seconds"] = (json.loads(manifest.read_text())["training_seconds"] if manifest.is_file()
                                  else report["fit_seconds"])
    pipeline = TextPipeline.load(folder / "pipeline.json")
    if (folder / "model.keras").is_file():

        saved = keras.saving.load_model(folder / "model.keras")
        return KerasSentiment(name, pipeline, _at_any_length(saved, config(name)), report)
    arrays = np.load(folder / "baseline.npz")
    terms = json.loads((folder / "tfidf_vocabulary.json").read_text())
    vectorizer = _tfidf_vectorizer(config(name), vocabulary=terms)
    vectorizer.idf_ = arrays["idf"]
    return TfidfSentiment(name, pipeline, vectorizer, arrays["coef"], float(arrays["intercept"]), report)


def _at_any_length(network, settings: dict[str, Any]):
    """The saved network, rebuilt to take reviews of any length if it was saved with a fixed one.

    Weights do not depend on the length; a network that masks padding then
    reads a short review without hundreds of padded steps.
    """
    if network.input_shape[1] is None:
        return network
    rebuilt = build_network(settings)
    rebuilt.set_weights(network.get_weights())
    return rebuilt



# ----------------------------------------------------------------------------- training

def _splits(settings: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(fit, validation, test) frames: validation is the first reviews of the shuffled training set."""
    train, test = load_imdb("train"), load_imdb("test")
    if settings["train_size"]:
        train, test = train.iloc[: settings["train_size"]], test.iloc[: settings["test_size"]]
    cut = settings["validation_size"]
    return train.iloc[cut:], train.iloc[:cut], test


_POOLING_MASK_WARNING = ".*GlobalMaxPooling1D.*does not support masking.*"
"""Expected: the LSTM outputs zeros at masked (padding) steps, so max-pooling over them is max(0, max over words)."""
# Keras repeats it whenever a network is traced for a new input shape, on any thread: silenced for the process.
warnings.filterwarnings("ignore", message=_POOLING_MASK_WARNING)


def build_network(settings: dict[str, Any]):
    """The compiled Keras network of an ``lstm`` configuration."""
    inputs = keras.Input((None,), dtype="int32", name="word_ids")  # trained at max_length, served at any length
    x = layers.Embedding(settings["vocab_size"], settings["embedding"], mask_zero=settings["mask"], name="embedding",
                         trainable=settings.get("train_embedding", True))(inputs)
    lstm = layers.LSTM(settings["units"], return_sequences=settings["pooling"], name="lstm")
    x = layers.Bidirectional(lstm, name="bidirectional")(x) if settings["bidirectional"] else lstm(x)
    if settings["pooling"]:
        x = layers.Concatenate()([layers.GlobalMaxPooling1D()(x), layers.GlobalAveragePooling1D()(x)])
    if settings["dropout"]:
        x = layers.Dropout(settings["dropout"])(x)
    outputs = layers.Dense(1, activation="sigmoid", name="positive")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def _train_keras(name: str, settings: dict[str, Any], folder: Path, progress: TrainingProgress) -> None:
    """Fit the pipeline and network on the training reviews, evaluate on the test set, save everything."""
    started = time.perf_counter()
    fit, validation, test = _splits(settings)
    progress.update(0.0, "Building the vocabulary")
    pipeline = TextPipeline(settings["vocab_size"], settings["max_length"], settings["truncating"]).fit(fit.text)
    keras.utils.set_random_seed(settings["seed"])
    network = build_network(settings)
    if settings.get("word_vectors"):
        vectors = review_word_vectors(fit.text, settings, progress.part(0.0, 0.1, "Word vectors of the reviews"))
        network.get_layer("embedding").set_weights(
            [embedding_matrix(pipeline.vocabulary, vectors, settings["vocab_size"], settings["seed"])])
    history = _fit(network, pipeline, fit, validation, settings, progress.part(0.1, 0.9, "Network"),
                   deadline=started + settings["time_budget_s"])
    train_seconds = time.perf_counter() - started
    progress.update(0.92, f"Evaluating on {len(test):,} test reviews")
    probabilities = KerasSentiment(name, pipeline, network, {}).predict_proba(list(test.text))
    curves = {key: [float(v) for v in values] for key, values in history.history.items()}
    report = evaluation_report(test, probabilities, pipeline, curves, train_seconds)
    network.save(folder / "model.keras")
    pipeline.save(folder / "pipeline.json")
    (folder / "report.json").write_text(json.dumps(report, indent=1))
    progress.update(1.0, "Done")


def _fit(network, pipeline: TextPipeline, fit: pd.DataFrame, validation: pd.DataFrame, settings: dict[str, Any],
         progress: TrainingProgress, deadline: float):
    """Train ``network``: a masking one on batches of similar length, the classic one as the tutorial does."""
    labels, validation_labels = fit.label.to_numpy(), validation.label.to_numpy()
    if settings["mask"]:
        batches, count = length_batches(pipeline, fit.text, labels, settings["batch_size"], settings["seed"])
        validation_batches, _ = length_batches(pipeline, validation.text, validation_labels, 256)
        return network.fit(batches, validation_data=validation_batches, epochs=settings["max_epochs"], verbose=0,
                           callbacks=training_callbacks(settings, progress, count, deadline))
    count = -(-len(fit) // settings["batch_size"])
    return network.fit(
        pipeline.encode(fit.text), labels, validation_data=(pipeline.encode(validation.text), validation_labels),
        batch_size=settings["batch_size"], epochs=settings["max_epochs"], verbose=0,
        callbacks=training_callbacks(settings, progress, count, deadline),
    )


def _train_baseline(name: str, settings: dict[str, Any], folder: Path, progress: TrainingProgress) -> None:
    """Choose C on the validation split, refit TF-IDF + logistic regression on all training reviews, evaluate."""
    started = time.perf_counter()
    fit, validation, test = _splits(settings)
    progress.update(0.05, "TF-IDF on the training reviews")
    vectorizer = _tfidf_vectorizer(settings)
    x_fit = vectorizer.fit_transform(fit.text)
    x_val = vectorizer.transform(validation.text)
    scores = {}
    for i, c in enumerate(settings["c_grid"]):
        progress.update(0.2 + 0.15 * i, f"Logistic regression, C = {c:g}")
        classifier = LogisticRegression(C=c, max_iter=1000).fit(x_fit, fit.label)
        scores[c] = float(classifier.score(x_val, validation.label))
    best_c = max(scores, key=scores.get)
    progress.update(0.7, f"Refitting on all training reviews with C = {best_c:g}")
    train = pd.concat([validation, fit])
    vectorizer = _tfidf_vectorizer(settings)
    classifier = LogisticRegression(C=best_c, max_iter=1000).fit(vectorizer.fit_transform(train.text), train.label)
    train_seconds = time.perf_counter() - started
    terms = [term for term, _ in sorted(vectorizer.vocabulary_.items(), key=lambda item: item[1])]
    # Most frequent first (lowest idf), like the networks' vocabularies; used to tell known words from unknown.
    unigrams = sorted((t for t in terms if " " not in t), key=lambda t: vectorizer.idf_[vectorizer.vocabulary_[t]])
    pipeline = TextPipeline(len(unigrams) + 2, max_length=None)._set_vocabulary([PAD, OOV] + unigrams)
    probabilities = classifier.predict_proba(vectorizer.transform(test.text))[:, 1]
    report = evaluation_report(test, probabilities, pipeline, {}, train_seconds)
    report["validation_accuracy_by_c"] = {f"{c:g}": s for c, s in scores.items()}
    np.savez(folder / "baseline.npz", idf=vectorizer.idf_.astype(np.float32),
             coef=classifier.coef_[0].astype(np.float32), intercept=classifier.intercept_[0])
    (folder / "tfidf_vocabulary.json").write_text(json.dumps(terms))
    pipeline.save(folder / "pipeline.json")
    (folder / "report.json").write_text(json.dumps(report, indent=1))
    progress.update(1.0, "Done")


def evaluation_report(test: pd.DataFrame, probabilities: np.ndarray, pipeline: TextPipeline,
                      curves: dict[str, list[float]], train_seconds: float) -> dict[str, Any]:
    """Test accuracy, confusion matrix, training curves and example reviews, as JSON-ready values."""
    labels = test.label.to_numpy()
    predicted = (probabilities >= 0.5).astype(int)
    confusion = [[int(np.sum((labels == t) & (predicted == p))) for p in (0, 1)] for t in (0, 1)]
    return {
        "test_accuracy": float(np.mean(predicted == labels)),
        "test_size": int(len(labels)),
        "confusion_matrix": confusion,
        "curves": curves,
        "epochs": len(curves.get("loss", [])),
        "fit_seconds": round(train_seconds, 2),
        "max_length": pipeline.max_length,
        "examples": example_reviews(test, probabilities),
    }


def example_reviews(test: pd.DataFrame, probabilities: np.ndarray, per_kind: int = 2) -> list[dict[str, Any]]:
    """Short test reviews to try: the most confidently right of each class, and the most confidently wrong."""
    frame = test.assign(probability=probabilities, words=test.text.map(lambda t: len(tokenize(t))))
    frame = frame[frame.words.between(30, 130)]
    right = frame[(frame.probability >= 0.5) == (frame.label == 1)]
    wrong = frame[(frame.probability >= 0.5) != (frame.label == 1)]
    chosen = [
        ("correct positive", right[right.label == 1].nlargest(per_kind, "probability")),
        ("correct negative", right[right.label == 0].nsmallest(per_kind, "probability")),
        ("wrong: negative review read as positive", wrong[wrong.label == 0].nlargest(per_kind, "probability")),
        ("wrong: positive review read as negative", wrong[wrong.label == 1].nsmallest(per_kind, "probability")),
    ]
    return [
        {"kind": kind, "text": row.text, "label": int(row.label), "probability": float(row.probability)}
        for kind, rows in chosen for row in rows.itertuples()
    ]


def kept_epoch(report: dict[str, Any]) -> int | None:
    """The epoch (from 1) whose weights early stopping kept: the one with the lowest validation loss."""
    values = report["curves"].get("val_loss")
    return int(np.argmin(values)) + 1 if values else None


def learning_rate_halvings(report: dict[str, Any]) -> list[int]:
    """The epochs (from 1) after which the learning rate was halved (validation loss had stopped falling)."""
    rates = report["curves"].get("learning_rate", [])
    return [epoch for epoch in range(1, len(rates)) if rates[epoch] < rates[epoch - 1]]


def training_note(report: dict[str, Any]) -> str:
    """How the report was measured, and which epoch's weights were kept and when the learning rate was halved."""
    kept, halvings = kept_epoch(report), learning_rate_halvings(report)
    return ("Evaluated once on the official test reviews when the model was trained; early stopping and model "
            "choices used a validation split of the training reviews, never the test set."
            + (f" Training ran {report['epochs']} epochs; the weights of epoch {kept} (best on validation) are kept."
               if kept else "")
            + (f" The learning rate was halved after epoch{'s' if len(halvings) > 1 else ''} "
               f"{', '.join(map(str, halvings))}, when validation loss stopped falling." if halvings else ""))


def curves_by_epoch(report: dict[str, Any]) -> pd.DataFrame:
    """The training curves one value per row: columns epoch (from 1), metric (loss, accuracy), split, value."""
    curves = pd.DataFrame(report["curves"]).assign(epoch=lambda f: range(1, len(f) + 1))
    return pd.concat([
        pd.DataFrame({"epoch": curves.epoch, "metric": metric, "split": split, "value": curves[column]})
        for metric in ("loss", "accuracy") for split, column in (("train", metric), ("validation", f"val_{metric}"))
    ])


def accuracy_by_c(report: dict[str, Any]) -> pd.Series:
    """The baseline's validation accuracy for each regularisation strength C tried, indexed by C."""
    return pd.Series(report["validation_accuracy_by_c"], name="validation accuracy").rename_axis("C")


# ----------------------------------------------------------------------------- scoring one review

MAX_REVIEW_CHARS = 15_000
"""The longest review the page scores, in characters (about 2,700 words). Every one of IMDB's 50,000 reviews fits:
the longest has 13,704 characters, 99.9% have under 6,200. The review box says so and stops typing there, but a
client can send more, so scoring refuses a longer text before reading it: the tokenizer and the baseline (which
reads every word) take time in proportion to it, and its word highlights in proportion to its square."""

OCCLUSION_WORD_BUDGET = 60_000
"""The most words the word highlights may send through the model for one review: occlusion re-scores the review
once per word, so a review of n words costs about n x n. A review of up to 244 words (two thirds of IMDB's; the
median has 173) is highlighted whole; in a longer one, the first words that fit. The slowest review then takes
1.7 s to score and highlight with the best model (600 words read, 99 highlighted), 0.8 s with the classic one and
0.3-0.6 s with the baseline, on 2 busy CPU cores; without the budget, 12.6 s (best) and 49 s (the baseline on the
longest IMDB review)."""

def preview(text: str, length: int = 90) -> str:
    """The start of a review for a button label: line breaks and markdown characters removed."""
    plain = re.sub(r"[*_`#\[\]<>$~|\\]", "", re.sub(r"<br\s*/?>", " ", text))
    return plain[:length] + ("…" if len(plain) > length else "")


@dataclass(frozen=True)
class Verdict:
    probability: float
    words_read: int
    words_total: int
    known_words: int

    @property
    def label(self) -> str:
        return "Positive" if self.probability >= 0.5 else "Negative"

    @property
    def truncated(self) -> bool:
        return self.words_read < self.words_total


def readable_tokens(model: SentimentModel, text: str) -> list[str]:
    """The words of ``text`` the model reads; InputError if there are none it can score, or if it is too long."""
    if len(text) > MAX_REVIEW_CHARS:
        raise InputError(f"The review has {len(text):,} characters; the limit is {MAX_REVIEW_CHARS:,} (longer than "
                         f"any IMDB review), because scoring and highlighting take longer the longer the text. "
                         f"Score a part of it, up to {MAX_REVIEW_CHARS:,} characters.")
    if not text.strip():
        raise InputError("Type or paste a movie review to score it.")
    tokens = tokenize(text)
    if not any(ch.isalpha() for token in tokens for ch in token):
        raise InputError("This text has no words, only numbers or symbols. Write a few sentences about a film.")
    kept = model.pipeline.kept(tokens)
    if not any(model.pipeline.known(kept)):
        raise InputError("None of these words is in the model's vocabulary (it knows the most frequent words of "
                         "English IMDB reviews), so there is nothing to score. Try a review in English.")
    return kept


def score(model: SentimentModel, text: str) -> Verdict:
    """P(positive) for one review, with how many words were read and known."""
    kept = readable_tokens(model, text)
    probability = float(model.predict_tokens([kept])[0])
    return Verdict(probability, len(kept), len(tokenize(text)), int(sum(model.pipeline.known(kept))))


def occluded_word_count(words_read: int) -> int:
    """How many words of a review of ``words_read`` words the highlights cover: all of them if re-scoring the
    review once per word stays within :data:`OCCLUSION_WORD_BUDGET` words, else the first ones that fit."""
    return max(1, min(words_read, OCCLUSION_WORD_BUDGET // words_read - 1))


def word_contributions(model: SentimentModel, text: str) -> pd.DataFrame:
    """Occlusion: each word's contribution = P(positive) of the review minus P(positive) without that word.

    All variants (one per word removed) go through the model in one batch; within the budget, so only the
    first :func:`occluded_word_count` words read are covered. Columns: word, known (in the vocabulary),
    contribution (positive pushes towards "Positive"), start and end (where the word stands in ``text``).
    """
    kept = readable_tokens(model, text)
    spans = model.pipeline.kept(word_spans(text))
    count = occluded_word_count(len(kept))
    variants = [kept] + [kept[:i] + kept[i + 1:] for i in range(count)]
    probabilities = model.predict_tokens(variants)
    return pd.DataFrame({"word": kept[:count], "known": model.pipeline.known(kept[:count]),
                         "contribution": probabilities[0] - probabilities[1:],
                         "start": [start for start, _ in spans[:count]], "end": [end for _, end in spans[:count]]})


def highlight_html(contributions: pd.DataFrame, text: str) -> str:
    """The review as typed, from its first to its last word in ``contributions``, as HTML: each word a span
    shaded green (pushed towards positive) or red (towards negative), its contribution in the span's title.

    Words outside the vocabulary are shown in grey italics. Everything taken from the review, words and the
    characters between them, is escaped (see :func:`_as_html_text`), so it is shown, never run.
    """
    scale = max(float(contributions.contribution.abs().max()), 1e-6)
    pieces, previous_end = [], int(contributions.start.iloc[0])
    for row in contributions.itertuples():
        strength = min(abs(row.contribution) / scale, 1.0)
        colour = "22,163,74" if row.contribution > 0 else "220,38,38"
        style = f"background: rgba({colour},{0.75 * strength:.2f}); padding: 1px 2px; border-radius: 3px;"
        if not row.known:
            style += " color: #888; font-style: italic;"
        pieces.append(_as_html_text(text[previous_end:row.start]))
        pieces.append(f'<span style="{style}" title="{row.contribution:+.3f}">'
                      f'{_as_html_text(text[row.start:row.end])}</span>')
        previous_end = row.end
    return '<div style="line-height: 2;">' + "".join(pieces) + "</div>"


_SPACES = re.compile(r"\s+")


def _as_html_text(fragment: str) -> str:
    """A piece of the review as HTML text: escaped, its ``<br />`` tags and runs of white space made one space.

    One line with no blank line in it stays a single HTML block to Markdown, which then leaves its text alone.
    """
    return html.escape(_SPACES.sub(" ", BREAK_TAG.sub(" ", fragment)))


def strongest_words(contributions: pd.DataFrame, positive: bool, count: int = 8) -> pd.DataFrame:
    """The ``count`` words pushing most towards positive (or negative), strongest first, indexed by word: their
    position in the review (from 1) and signed contribution as text."""
    ordered = contributions.sort_values("contribution")
    if positive:
        rows = ordered[ordered.contribution > 0].tail(count)[::-1]
    else:
        rows = ordered[ordered.contribution < 0].head(count)
    return pd.DataFrame({"position": rows.index + 1, "contribution": rows.contribution.map("{:+.4f}".format).to_numpy()},
                        index=pd.Index(rows.word, name="word"))
