"""HMM part-of-speech taggers on the UD English Web Treebank: the dev-split tuning grid, then test-split accuracy
(all words and unseen ones) of the most-frequent-tag baseline and the bigram and trigram HMMs, training and tagging
speed, and the Baum-Welch run's learning curve.

    .venv/bin/python -m bench.hmm
"""
import json
import os
import tempfile
import time
from pathlib import Path

from core.progress import TrainingProgress
from data.treebank import load_treebank
from models.hmm.artifacts import BaumWelchConfig, TaggerConfig
from models.hmm.evaluation import score
from models.hmm.states import load_state_treebank
from models.hmm.tagger import HMMTagger
from models.hmm.training import REPORT, UnsupervisedRun, train_baum_welch, train_taggers

GRID = (("UPOS", 4, 5, 1, 0), ("UPOS|XPOS", 4, 5, 1, 0), ("UPOS|XPOS", 4, 5, 50, 0), ("UPOS|XPOS", 4, 10, 50, 0),
        ("UPOS|XPOS", 4, 5, 50, 20), ("UPOS|XPOS", 4, 5, 50, 30), ("UPOS|XPOS", 4, 5, 50, 50))
"""(states, max suffix length, max word frequency of the words the suffix model learns from, min state count,
lexical words) tried on dev."""


def tune_on_dev() -> None:
    splits = {"UPOS": load_treebank("train"), "UPOS|XPOS": load_state_treebank("train")}
    dev = load_treebank("dev")
    print("Dev split, trigram HMM (the test split is not read here):")
    for states, suffix, frequency, min_count, lexical in GRID:
        began = time.perf_counter()
        tagger = HMMTagger(3, suffix, frequency, min_count, lexical).fit(splits[states])
        seconds = time.perf_counter() - began
        scores = score(tagger.tag, tagger.known, dev)
        print(f"  {states:9s} states (merged below {min_count:2d}), {lexical:2d} lexical words, suffix <= {suffix}, "
              f"rare words <= {frequency:2d}: {len(tagger.states_):3d} states, accuracy {scores.accuracy:.4f}, "
              f"unseen {scores.unknown_accuracy:.4f}, training {seconds:.1f} s")


def main() -> None:
    print(f"{os.cpu_count()} CPU cores")
    tune_on_dev()
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        train_taggers(Path(folder), TrainingProgress(), TaggerConfig())
        report = json.loads((Path(folder) / REPORT).read_text())
        print(f"\nTest split ({report['test_tokens']:,} words; trained on {report['train_tokens']:,}), "
              f"whole artifact {time.perf_counter() - began:.1f} s:")
        print(f"  unseen words: {report['trigram']['unknown_share']:.2%} of the test words")
        for name in ("baseline", "bigram", "trigram"):
            scores, seconds = report[name], report["train_seconds"].get(name)
            training = f", training {seconds:.1f} s ({report['train_tokens'] / seconds:,.0f} tokens/s)" if seconds else ""
            print(f"  {name:8s}: accuracy {scores['accuracy']:.4f}, unseen words {scores['unknown_accuracy']:.4f}, "
                  f"tagging {scores['tokens_per_second']:,.0f} tokens/s{training}")
        began = time.perf_counter()
        train_baum_welch(Path(folder), TrainingProgress(), BaumWelchConfig())
        run = UnsupervisedRun(**json.loads((Path(folder) / REPORT).read_text()))
        print(f"\nBaum-Welch, {len(run.many_to_one)} iterations on {run.words:,} training words, "
              f"{time.perf_counter() - began:.1f} s:")
        for i in (0, 4, 9, 19, len(run.many_to_one) - 1):
            if i < len(run.many_to_one):
                print(f"  iteration {i + 1:2d}: log-likelihood per word {run.log_likelihood_per_word[i]:.3f}, "
                      f"many-to-one {run.many_to_one[i]:.4f}")
        print(f"  states read as: {', '.join(run.state_tags)}")


if __name__ == "__main__":
    main()
