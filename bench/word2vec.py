"""Our word2vec against gensim's Word2Vec: same corpus, same settings, median of three runs each.

    flock /tmp/ml-atlas-heavy.lock .venv/bin/python -m bench.word2vec

Trains CBOW and Skip-gram with the app's configuration on the default corpus
(``english-mix``; a small slice with ML_ATLAS_QUICK=1), replacing the app's
cached models, and gensim's Word2Vec on the very same token lists with the
same architecture, dimension, window, negatives, min count, subsampling,
epochs and learning rate, with 2 worker threads. Both are scored by the same
evaluation code (models/word2vec/evaluation.py). Prints each run's speeds and
the load average after it, then the medians and ours/gensim ratios of the
medians; saves gensim's scores (of the last run) for the analogies page.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from dataclasses import asdict

import numpy as np

from core.cache import ModelCache
from core.settings import quick_mode
from models.word2vec.config import ARCHITECTURES, default_config
from models.word2vec.vectors import WordVectors
from models.word2vec.artifacts import model_spec
from models.word2vec.model import corpus_documents, trained_model
from models.word2vec.corpus import encode_corpus
from models.word2vec.evaluation import SHARED_SETTINGS, evaluate_all, reference_results_path, scores

CORPUS = "english-mix"
SEMANTIC = ("capital-common-countries", "capital-world", "currency", "city-in-state", "family")


def gensim_run(sentences: list[list[str]], config) -> tuple[WordVectors, dict]:
    """gensim's Word2Vec with our settings; returns its vectors and words/second of raw words."""
    from gensim.models import Word2Vec

    model = Word2Vec(sg=int(config.architecture == "skipgram"), vector_size=config.dim, window=config.window,
                     negative=config.negative, hs=0, min_count=config.min_count, sample=config.sample,
                     alpha=config.learning_rate, min_alpha=config.learning_rate * 1e-4, epochs=config.epochs,
                     workers=2, seed=config.seed)
    model.build_vocab(sentences)
    words = sum(map(len, sentences)) * config.epochs
    started = time.perf_counter()
    model.train(sentences, total_examples=len(sentences), epochs=config.epochs)
    seconds = time.perf_counter() - started
    wv = model.wv
    vectors = WordVectors(["<unk>", *wv.index_to_key], np.vstack([np.zeros((1, config.dim)), wv.vectors]),
                          np.array([0, *(wv.get_vecattr(w, "count") for w in wv.index_to_key)]))
    return vectors, {"seconds": round(seconds, 2), "words": words, "words_per_second": round(words / seconds)}


def summary(evaluation: dict) -> dict:
    """The headline figures: overall, semantic and syntactic analogy accuracy and the three correlations."""
    rows = {r["section"]: r for r in evaluation["analogies"]}

    def pooled(names):
        covered = sum(rows[n]["covered"] for n in names)
        return sum(rows[n]["correct"] for n in names) / covered if covered else float("nan")

    sections = [s for s in rows if s != "overall"]
    figures = {"analogy accuracy": rows["overall"]["accuracy"],
               "  semantic": pooled([s for s in sections if s in SEMANTIC]),
               "  syntactic": pooled([s for s in sections if s not in SEMANTIC])}
    figures.update({f"{name} Spearman": score["spearman"] for name, score in evaluation["similarity"].items()})
    return figures


def one_run(architecture: str, documents: list[str], sentences: list[list[str]]) -> tuple[dict, dict]:
    """Ours (trained afresh into the app's cache) and gensim's, each trained once and scored: (ours, gensim)."""
    config = default_config(architecture)
    ModelCache().discard(model_spec(architecture, CORPUS))  # train afresh so both are timed in this run
    ours = trained_model(architecture, CORPUS, documents=documents)
    gensim_vectors, gensim_training = gensim_run(sentences, config)
    return ({"evaluation": scores(ours.vectors), "training": ours.info["training"], "info": ours.info},
            {"evaluation": evaluate_all(gensim_vectors), "training": gensim_training})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each model; the medians are reported")
    args = parser.parse_args()
    print(f"word2vec bench on '{CORPUS}'{' (QUICK slice)' if quick_mode() else ''}, median of {args.runs} runs; "
          f"load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    documents = corpus_documents(CORPUS)
    saved = {"corpus": CORPUS, "quick": quick_mode(), "gensim": {}, "ours": {}}
    for architecture, label in ARCHITECTURES.items():
        config = default_config(architecture)
        saved["settings"] = {k: v for k, v in asdict(config).items() if k in SHARED_SETTINGS}
        vocabulary, corpus = encode_corpus(documents, config.min_count)
        sentences = corpus.without_unknown().documents(vocabulary)
        runs, loads = [], []
        for run in range(args.runs):
            runs.append(one_run(architecture, documents, sentences))
            loads.append(os.getloadavg()[0])
            print(f"  {label} run {run + 1}: ours ({runs[-1][0]['training'].get('steps')}) "
                  f"{runs[-1][0]['training']['words_per_second']:,} words/s, gensim "
                  f"{runs[-1][1]['training']['words_per_second']:,} words/s; load average {loads[-1]:.1f}", flush=True)
        ours, gensim = runs[-1]
        saved["gensim"][architecture] = gensim
        saved["ours"][architecture] = {"training": ours["training"]}

        print(f"\n== {label}: dim {config.dim}, window {config.window}, negatives {config.negative}, min count "
              f"{config.min_count}, sample {config.sample}, {config.epochs} epochs, lr {config.learning_rate} -> 0; "
              f"{ours['info']['tokens']:,} tokens, vocabulary {ours['info']['vocabulary_size']:,} ==")
        coverage = ours["evaluation"]["analogies"][-1]
        print(f"analogies scored on {coverage['covered']:,} of {coverage['questions']:,} questions (all words in "
              f"vocabulary); 3CosAdd over the whole vocabulary; medians of {args.runs} runs")
        print(f"{'':28}{'ours':>10}{'gensim':>10}{'ratio':>8}")
        mine = [summary(r[0]["evaluation"]) for r in runs]
        theirs = [summary(r[1]["evaluation"]) for r in runs]
        for name in mine[0]:
            a, b = statistics.median(m[name] for m in mine), statistics.median(t[name] for t in theirs)
            print(f"{name:28}{a:10.4f}{b:10.4f}{a / b if b else float('nan'):8.2f}")
        for figure, fmt in (("words_per_second", "10,.0f"), ("seconds", "10.1f")):
            a = statistics.median(r[0]["training"][figure] for r in runs)
            b = statistics.median(r[1]["training"][figure] for r in runs)
            ratio = f"{a / b:8.2f}" if figure == "words_per_second" else ""
            print(f"{figure.replace('_', ' ') + ' (training)':28}{a:{fmt}}{b:{fmt}}{ratio}")
        print(f"load average after each run: {', '.join(f'{load:.1f}' for load in loads)}")

    path = reference_results_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(saved, indent=1))
    print(f"\ngensim's scores saved to {path} for the analogies page.")
    print("Targets (issue 22): analogy accuracy and WordSim-353 ratios >= 1.0, words/second ratio >= 1.0.")


if __name__ == "__main__":
    main()
