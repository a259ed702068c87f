"""IMDB sentiment: test accuracy, training time and single-review latency of the three models.

    flock /tmp/ml-atlas-heavy.lock .venv/bin/python -m bench.sentiment

Trains any model missing from the model cache first (that is the training
time reported). Accuracy is on all 25,000 official test reviews, computed at
training time and stored in the artifact. Latency: one review at a time through
``SentimentModel.predict_proba`` (tokenizing included), 200 test reviews after
5 warm-up calls, 95th percentile.
"""
from __future__ import annotations

import sys
import time

import numpy as np

from data.imdb import load_imdb
from core.progress import TrainingProgress
from core.settings import quick_mode
from models.sentiment.artifacts import MODEL_NAMES, TITLES
from models.sentiment.explain import explains_with_gradients, integrated_gradients, reading_word_by_word
from models.sentiment.model import trained_model, word_contributions

LATENCY_REVIEWS = 200
EXPLAINED_REVIEWS = 20
EXPLANATIONS = {"occlusion": word_contributions, "integrated gradients": integrated_gradients,
                "word by word": reading_word_by_word}


class PrintProgress(TrainingProgress):
    def __init__(self, name: str):
        self.name, self.last = name, -1

    def update(self, fraction: float, message: str = "") -> None:
        if int(fraction * 20) != self.last:
            self.last = int(fraction * 20)
            print(f"  [{self.name}] {fraction:5.0%} {message}", file=sys.stderr, flush=True)


def latency_ms(model, texts: list[str]) -> np.ndarray:
    """Milliseconds per single-review predict_proba call."""
    for text in texts[:5]:
        model.predict_proba([text])
    times = []
    for text in texts:
        started = time.perf_counter()
        model.predict_proba([text])
        times.append((time.perf_counter() - started) * 1000)
    return np.array(times)


def explanation_ms(model, texts: list[str]) -> dict[str, np.ndarray]:
    """Milliseconds per review for each explanation the page shows for this model."""
    shown = {name: explain for name, explain in EXPLANATIONS.items()
             if name == "occlusion" or explains_with_gradients(model)}
    times = {}
    for name, explain in shown.items():
        explain(model, texts[0])
        times[name] = []
        for text in texts:
            started = time.perf_counter()
            explain(model, text)
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: np.array(values) for name, values in times.items()}


def main() -> None:
    if quick_mode():
        sys.exit("Unset ML_ATLAS_QUICK: the bench measures the full models.")
    reviews = load_imdb("test").text.iloc[-LATENCY_REVIEWS:].tolist()
    rows = []
    for name in MODEL_NAMES:
        model = trained_model(name, PrintProgress(name))
        report = model.report
        times = latency_ms(model, reviews)
        rows.append((name, report, times))
        print(f"{TITLES[name]}\n  test accuracy {report['test_accuracy']:.2%} on {report['test_size']:,} reviews, "
              f"epochs {report['epochs']}, training {report['training_seconds'] / 60:.1f} min "
              f"(fit {report['fit_seconds'] / 60:.1f} min + evaluation and saving), "
              f"latency p50 {np.percentile(times, 50):.1f} ms, p95 {np.percentile(times, 95):.1f} ms", flush=True)
        for explanation, spent in explanation_ms(model, reviews[:EXPLAINED_REVIEWS]).items():
            print(f"  {explanation}: p50 {np.percentile(spent, 50):.0f} ms, p95 {np.percentile(spent, 95):.0f} ms "
                  f"per review", flush=True)
    print("\n| model | test accuracy | training time | p95 latency (1 review) |\n|---|---:|---:|---:|")
    for name, report, times in rows:
        print(f"| {name} | {report['test_accuracy']:.2%} | {report['training_seconds'] / 60:.1f} min "
              f"| {np.percentile(times, 95):.1f} ms |")


if __name__ == "__main__":
    main()
