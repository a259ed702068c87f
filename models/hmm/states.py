"""The tagger's hidden states, finer than the 17 UPOS tags it outputs: each word's UPOS tag paired with its Penn
Treebank tag (the CoNLL-U file's XPOS column), such as ``AUX|VBZ`` and ``VERB|VBZ`` or ``PRON|PRP`` and
``PRON|PRP$``. A state outputs the tag before its bar; a plain UPOS tag is a state of its own.
"""
from __future__ import annotations

import gzip
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence

from data.locate import Locator, dataset_dir
from data.treebank import DATASET, UPOS, Sentence, parse_conllu, split_file

XPOS = UPOS + 1  # the column after UPOS
SEPARATOR = "|"


def output_tag(state: str) -> str:
    """The UPOS tag a state stands for: ``"AUX|VBZ"`` -> ``"AUX"``."""
    return state.split(SEPARATOR, 1)[0]


def prefix_counts(sentences: Sequence[Sentence]) -> Counter:
    """How many tokens each label and each of its shorter forms stands on (``"ADP|IN|for"`` counts for
    ``"ADP|IN|for"``, ``"ADP|IN"`` and ``"ADP"``)."""
    labels = Counter(label for sentence in sentences for label in sentence.tags)
    counts: Counter = Counter()
    for label, count in labels.items():
        parts = label.split(SEPARATOR)
        for length in range(1, len(parts) + 1):
            counts[SEPARATOR.join(parts[:length])] += count
    return counts


def coarsened(label: str, counts: Counter, min_count: int) -> str:
    """The state of a label: its last parts dropped while it stands on fewer than ``min_count`` tokens
    (``counts``: :func:`prefix_counts`), down to the bare UPOS tag (``"X|GW"`` -> ``"X"``)."""
    while counts[label] < min_count and SEPARATOR in label:
        label = label.rsplit(SEPARATOR, 1)[0]
    return label


def ambiguous_words(sentences: Sequence[Sentence], count: int, min_share: float = 0.02) -> set[str]:
    """The ``count`` most frequent words (in lower case) whose second most frequent UPOS tag has at least
    ``min_share`` of their tokens: "that", "to", "for", "have"..."""
    tags: dict[str, Counter] = defaultdict(Counter)
    for sentence in sentences:
        for word, label in zip(sentence.words, sentence.tags):
            tags[word.lower()][output_tag(label)] += 1
    ambiguous = [(sum(c.values()), w) for w, c in tags.items()
                 if len(c) > 1 and c.most_common(2)[1][1] >= min_share * sum(c.values())]
    return {word for _, word in sorted(ambiguous, reverse=True)[:count]}


def lexicalised(sentences: Sequence[Sentence], words: set[str]) -> list[Sentence]:
    """The sentences with the states of ``words`` split by word: ``"ADP|IN"`` on "for" becomes ``"ADP|IN|for"``,
    so the transitions learn what follows "for" itself (a lexicalised HMM)."""
    return [Sentence(s.words, tuple(f"{label}{SEPARATOR}{w.lower()}" if w.lower() in words else label
                                    for w, label in zip(s.words, s.tags))) for s in sentences]


def _paired(lines: Iterable[str]) -> Iterator[str]:
    """CoNLL-U lines with each token's UPOS column replaced by its ``UPOS|XPOS`` state."""
    for line in lines:
        columns = line.rstrip("\n").split("\t")
        if len(columns) == 10:
            columns[UPOS] = f"{columns[UPOS]}{SEPARATOR}{columns[XPOS]}"
            line = "\t".join(columns)
        yield line


def load_state_treebank(split: str, locator: Locator | None = None) -> list[Sentence]:
    """One split's sentences with ``UPOS|XPOS`` states as their tags (:func:`output_tag` gives the UPOS back)."""
    with gzip.open(dataset_dir(DATASET, locator) / split_file(split), "rt", encoding="utf-8") as handle:
        return parse_conllu(_paired(handle))
