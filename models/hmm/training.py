"""Training the HMM family's artifacts into the model cache and loading them back (npz and JSON only)."""
from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.cache import ModelCache
from core.progress import TrainingProgress
from data.treebank import UPOS_TAGS, Sentence, load_treebank
from models.hmm.artifacts import BaumWelchConfig, TaggerConfig, baum_welch_spec, tagger_spec
from models.hmm.baum_welch import BaumWelchHMM
from models.hmm.evaluation import many_to_one, score
from models.hmm.states import load_state_treebank
from models.hmm.tagger import HMMTagger, most_frequent_tags

REPORT = "report.json"
BASELINE_DEFAULT = "NOUN"
"""The baseline's tag for a word it never saw: the most frequent tag of the training split."""


@dataclass(frozen=True)
class TrainedTaggers:
    bigram: HMMTagger
    trigram: HMMTagger
    report: dict
    """Test scores of "baseline", "bigram" and "trigram" (:class:`models.hmm.evaluation.Scores` as JSON),
    "train_seconds" per model, "train_tokens" and "test_tokens"."""


def train_taggers(folder: Path, progress: TrainingProgress, config: TaggerConfig, locator=None) -> None:
    train = load_state_treebank("train", locator)[:config.train_sentences]
    test = load_treebank("test", locator)[:config.test_sentences]
    report: dict = {"train_tokens": sum(len(s.words) for s in train), "test_tokens": sum(len(s.words) for s in test),
                    "train_seconds": {}}
    taggers = {}
    for step, (name, order) in enumerate((("bigram", 2), ("trigram", 3))):
        progress.update(step / 3, f"estimating the {name} HMM")
        began = time.perf_counter()
        taggers[name] = HMMTagger(order, config.max_suffix_length, config.max_word_frequency, config.min_state_count,
                                  config.lexical_words).fit(train)
        report["train_seconds"][name] = time.perf_counter() - began
        taggers[name].save(folder, name)
    known = taggers["trigram"].known
    lexicon = most_frequent_tags(train)
    progress.update(2 / 3, "tagging the test split")
    report["baseline"] = score(lambda words: [lexicon.get(w, lexicon.get(w.lower(), BASELINE_DEFAULT)) for w in words],
                               known, test).to_json()
    for name, tagger in taggers.items():
        report[name] = score(tagger.tag, known, test).to_json()
    (folder / REPORT).write_text(json.dumps(report, indent=1))


def load_taggers(progress: TrainingProgress | None = None, config: TaggerConfig | None = None,
                 cache: ModelCache | None = None, locator=None) -> TrainedTaggers:
    config = config or TaggerConfig.default()
    return (cache or ModelCache()).get_or_train(
        tagger_spec(config), lambda folder, prog: train_taggers(folder, prog, config, locator),
        lambda folder: TrainedTaggers(HMMTagger.load(folder, "bigram"), HMMTagger.load(folder, "trigram"),
                                      json.loads((folder / REPORT).read_text())),
        progress)


@dataclass(frozen=True)
class UnsupervisedRun:
    log_likelihood_per_word: list[float]
    """The training words' log-likelihood per word before each iteration's update."""
    many_to_one: list[float]
    """Accuracy when each state is read as the gold tag it most often stands on, per iteration."""
    state_tags: list[str]
    """The tag each state maps to at the end."""
    state_words: list[list[str]]
    """Each state's most probable words at the end."""
    words: int


def word_ids(sentences: list[Sentence], min_count: int) -> tuple[list[np.ndarray], list[str]]:
    """Lower-cased words as ids; words seen fewer than ``min_count`` times share id 0, ``<rare>``."""
    counts = Counter(w.lower() for s in sentences for w in s.words)
    vocabulary = ["<rare>"] + [w for w, c in counts.items() if c >= min_count]
    index = {w: i for i, w in enumerate(vocabulary)}
    return [np.array([index.get(w.lower(), 0) for w in s.words]) for s in sentences], vocabulary


def train_baum_welch(folder: Path, progress: TrainingProgress, config: BaumWelchConfig, locator=None) -> None:
    sentences = load_treebank("train", locator)[:config.sentences]
    sequences, vocabulary = word_ids(sentences, config.min_count)
    tag_index = {t: i for i, t in enumerate(UPOS_TAGS)}
    gold = np.array([tag_index[t] for s in sentences for t in s.tags])
    words = len(gold)
    curve: dict[str, list[float]] = {"log_likelihood_per_word": [], "many_to_one": []}
    mapping = np.zeros(config.states, dtype=int)

    def record(iteration: int, log_likelihood: float, states: list[np.ndarray]) -> None:
        nonlocal mapping
        accuracy, mapping = many_to_one(np.concatenate(states), gold, config.states, len(UPOS_TAGS))
        curve["log_likelihood_per_word"].append(log_likelihood / words)
        curve["many_to_one"].append(accuracy)
        progress.update((iteration + 1) / config.iterations,
                        f"iteration {iteration + 1}: log-likelihood per word {log_likelihood / words:.3f}")

    model = BaumWelchHMM(config.states, config.iterations, config.seed).fit(sequences, len(vocabulary), record)
    top = np.argsort(-model.parameters_.emission, axis=1)[:, :8]
    run = UnsupervisedRun(curve["log_likelihood_per_word"], curve["many_to_one"],
                          [UPOS_TAGS[t] for t in mapping], [[vocabulary[i] for i in row] for row in top], words)
    (folder / REPORT).write_text(json.dumps(run.__dict__, indent=1))


def load_baum_welch(progress: TrainingProgress | None = None, config: BaumWelchConfig | None = None,
                    cache: ModelCache | None = None, locator=None) -> UnsupervisedRun:
    config = config or BaumWelchConfig.default()
    return (cache or ModelCache()).get_or_train(
        baum_welch_spec(config), lambda folder, prog: train_baum_welch(folder, prog, config, locator),
        lambda folder: UnsupervisedRun(**json.loads((folder / REPORT).read_text())), progress)
