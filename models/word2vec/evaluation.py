"""Evaluating word vectors: Google's analogies and word-similarity correlations.

Analogies are scored only on the questions whose four words are all in the
vocabulary (coverage says how many that is), with 3CosAdd over the whole
vocabulary and the three question words excluded, as gensim's
``evaluate_word_analogies`` does. Similarity is the Spearman correlation
between cosine similarity and the human ratings, on the pairs whose two words
are in the vocabulary.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from core.cache import ArtifactSpec, ModelCache
from core.progress import TrainingProgress
from core.settings import cache_root
from data.locate import dataset_checksum
from data.text import ANALOGY_SET, SIMILARITY_SETS, load_analogies, load_similarity

from models.word2vec.vectors import WordVectors, analogy_scores

BATCH = 512


def analogy_accuracy(vectors: WordVectors, questions: pd.DataFrame, method: str = "3cosadd") -> pd.DataFrame:
    """Per section and overall: questions, covered (all words in vocabulary), correct, coverage, accuracy.

    ``questions`` has columns section, a, b, c, d (a : b :: c : d). Accuracy is
    correct / covered; the last row, "overall", pools all sections.
    """
    known = np.column_stack([questions[col].map(lambda w: vectors.index[w] if w in vectors else -1) for col in "abcd"])
    covered = (known >= 0).all(axis=1)
    ids = known[covered]
    correct = np.zeros(len(ids), bool)
    for lo in range(0, len(ids), BATCH):
        a, b, c, d = ids[lo:lo + BATCH].T
        scores = analogy_scores(vectors.unit, a, b, c, method)
        rows = np.arange(len(a))
        for excluded in (a, b, c, np.zeros_like(a)):
            scores[rows, excluded] = -np.inf
        correct[lo:lo + BATCH] = scores.argmax(axis=1) == d
    frame = pd.DataFrame({"section": questions["section"].to_numpy(), "covered": covered})
    frame["correct"] = False
    frame.loc[covered, "correct"] = correct
    table = frame.groupby("section", sort=False).agg(questions=("covered", "size"), covered=("covered", "sum"),
                                                    correct=("correct", "sum"))
    table.loc["overall"] = table.sum()
    table["coverage"] = table["covered"] / table["questions"]
    table["accuracy"] = table["correct"] / table["covered"].where(table["covered"] > 0)
    return table.reset_index()


def similarity_correlation(vectors: WordVectors, pairs: pd.DataFrame) -> dict:
    """Spearman's rho between cosine similarity and human scores, on the pairs with both words known."""
    known = [(vectors.index[a], vectors.index[b], s) for a, b, s in pairs[["word1", "word2", "score"]].itertuples(index=False)
             if a in vectors and b in vectors]
    if len(known) < 3:
        return {"pairs": len(pairs), "covered": len(known), "spearman": None}
    first, second, human = map(np.array, zip(*known))
    cosine = np.einsum("ij,ij->i", vectors.unit[first], vectors.unit[second])
    return {"pairs": len(pairs), "covered": len(known), "spearman": float(stats.spearmanr(cosine, human).statistic)}


def analogy_records(vectors: WordVectors, locator=None) -> list[dict]:
    """:func:`analogy_accuracy` on Google's analogies, as JSON-ready records."""
    table = analogy_accuracy(vectors, load_analogies(locator))
    return table.astype({"covered": int, "correct": int}).to_dict(orient="records")


def evaluate_all(vectors: WordVectors, locator=None) -> dict:
    """Analogy table (records) and every similarity correlation, computed now (for vectors not in the cache)."""
    return {
        "analogies": analogy_records(vectors, locator),
        "similarity": {name: similarity_correlation(vectors, load_similarity(name, locator)) for name in SIMILARITY_SETS},
    }


def scores(vectors: WordVectors, cache: ModelCache | None = None) -> dict:
    """:func:`evaluate_all`, each set scored once for these vectors and kept in the model cache.

    A score is keyed by the vectors' own checksum and the evaluation set's, so adding a
    set computes that set's score alone and retrains nothing, and retrained vectors are
    scored afresh.
    """
    cache = cache or ModelCache()

    def stored(set_key: str, compute: Callable[[], Any]) -> Any:
        def train(folder: Path, progress: TrainingProgress) -> None:
            (folder / "score.json").write_text(json.dumps(compute()))

        spec = ArtifactSpec(f"word2vec-score-{set_key}", {"vectors": vectors.digest}, dataset_checksum(set_key),
                            bounded=True)  # cheap to recompute: counts against the budget of results
        return cache.get_or_train(spec, train, lambda folder: json.loads((folder / "score.json").read_text()))

    return {
        "analogies": stored(ANALOGY_SET, lambda: analogy_records(vectors)),
        "similarity": {name: stored(key, lambda name=name: similarity_correlation(vectors, load_similarity(name)))
                       for name, (key, _, _) in SIMILARITY_SETS.items()},
    }


def evaluation_table(results: dict[str, dict]) -> pd.DataFrame:
    """One table for several models' :func:`evaluate_all` results, keyed by model label.

    Rows: each analogy section and "overall" (accuracy on covered questions, with
    the covered/total count), then each similarity set (Spearman's rho, with pairs covered).
    """
    rows: dict[str, dict] = {}
    for label, evaluation in results.items():
        for record in evaluation["analogies"]:
            row = rows.setdefault(f"analogies: {record['section']}", {})
            row["covered"] = f"{record['covered']:,} of {record['questions']:,} questions"
            row[label] = record["accuracy"]
        for name, score in evaluation["similarity"].items():
            row = rows.setdefault(f"similarity: {name} (Spearman)", {})
            row["covered"] = f"{score['covered']:,} of {score['pairs']:,} pairs"
            row[label] = score["spearman"]
    table = pd.DataFrame.from_dict(rows, orient="index")[["covered", *results]]
    return table.astype({label: float for label in results})


SHARED_SETTINGS = ("dim", "window", "negative", "min_count", "sample", "epochs")
"""The settings gensim is given too; its results are shown only next to models trained with the same ones."""


def reference_results_path():
    """Where ``bench/word2vec.py`` saves gensim's evaluation for the analogies page to show."""
    return cache_root() / "bench" / "word2vec-gensim.json"


def reference_results(corpus: str, config: dict) -> dict[str, dict] | None:
    """gensim's evaluation by architecture, if the bench saved one for this corpus and these settings."""
    path = reference_results_path()
    if not path.is_file():
        return None
    saved = json.loads(path.read_text())
    same = saved.get("corpus") == corpus and all(saved["settings"].get(k) == config.get(k) for k in SHARED_SETTINGS)
    return {arch: result["evaluation"] for arch, result in saved["gensim"].items()} if same else None
