"""Review text to fixed-length arrays of word ids: one pipeline for training and for the page.

Steps: strip the ``<br />`` tags of the IMDB reviews, lowercase, split into
words (letters with an optional apostrophe part, or digits), look each word up
in a vocabulary of the most frequent training words, and pad or truncate to a
fixed length. Id 0 is padding and id 1 stands for any out-of-vocabulary word,
so ``vocabulary[i]`` is the word of id ``i``.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

PAD, OOV = "<pad>", "<oov>"
PAD_ID, OOV_ID = 0, 1
BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+")


def _lowercase_in_place(text: str) -> str:
    """``text`` lowercased with its ``<br />`` tags blanked, every character kept where it is in ``text``.

    A tag becomes spaces of its own length, and the rare character whose lowercase is longer (such as "İ",
    lowercase "i" + a combining dot) gives only its first character, so a word found in the result stands at
    the same offsets in ``text``.
    """
    blanked = BREAK_TAG.sub(lambda tag: " " * len(tag[0]), text)
    lowered = blanked.lower()
    if len(lowered) != len(blanked):
        lowered = "".join(ch.lower()[0] for ch in blanked)
    return lowered


def tokenize(text: str) -> list[str]:
    """Lowercase words of ``text`` with the HTML line breaks removed; punctuation is dropped."""
    return _WORD.findall(_lowercase_in_place(text))


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where each word of :func:`tokenize` stands in ``text``: (start, end) character offsets."""
    return [match.span() for match in _WORD.finditer(_lowercase_in_place(text))]


class TextPipeline:
    """Tokenizer + frequency vocabulary + padding, fitted on training texts.

    ``truncating`` says which end of a review longer than ``max_length`` words
    is kept: ``"start"`` keeps its first words, ``"end"`` its last. Padding is
    put in front (Keras' ``pad_sequences`` default), so the last step an LSTM
    sees is always a real word. ``max_length=None`` reads whole reviews (padded
    to the longest one when encoded).
    """

    def __init__(self, vocab_size: int = 10_000, max_length: int | None = 500, truncating: str = "start"):
        if truncating not in ("start", "end"):
            raise ValueError("truncating must be 'start' or 'end'")
        self.vocab_size = vocab_size
        self.max_length = max_length
        self.truncating = truncating
        self.vocabulary: list[str] = [PAD, OOV]
        self._index: dict[str, int] = {}

    tokenize = staticmethod(tokenize)

    def fit(self, texts: Iterable[str]) -> "TextPipeline":
        """Keep the ``vocab_size - 2`` most frequent words (ties broken alphabetically, for reproducibility)."""
        counts = Counter(word for text in texts for word in tokenize(text))
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: self.vocab_size - 2]
        return self._set_vocabulary([PAD, OOV] + [word for word, _ in ranked])

    def _set_vocabulary(self, vocabulary: list[str]) -> "TextPipeline":
        self.vocabulary = vocabulary
        self._index = {word: i for i, word in enumerate(vocabulary)}
        return self

    def ids(self, tokens: list[str]) -> list[int]:
        """Vocabulary ids of ``tokens`` (OOV_ID for unknown words), without padding or truncation."""
        return [self._index.get(word, OOV_ID) for word in tokens]

    def kept(self, tokens: list) -> list:
        """The part of ``tokens`` (or of their :func:`word_spans`) the model reads, after truncation to ``max_length``."""
        if self.max_length is None or len(tokens) <= self.max_length:
            return tokens
        return tokens[: self.max_length] if self.truncating == "start" else tokens[-self.max_length:]

    def encode_tokens(self, token_lists: list[list[str]], to_longest: bool = False) -> np.ndarray:
        """Tokenized texts to an int32 array of word ids, truncated per ``truncating`` and padded (see :meth:`pad`)."""
        return self.pad([self.ids(self.kept(tokens)) for tokens in token_lists], to_longest)

    def pad(self, id_lists: list[list[int]], to_longest: bool = False) -> np.ndarray:
        """Id lists to an int32 array (n, max_length), padded in front.

        ``to_longest`` pads instead to one step more than the longest list (at
        most ``max_length``), for a network that masks padding: far less work
        and the same result, since every row that had padding keeps at least
        one padded step, so a max-pooling over the masked LSTM's outputs (zero
        at padding) sees what it saw in training.
        """
        longest = max((len(ids) for ids in id_lists), default=0)
        width = self.max_length or longest
        if to_longest:
            width = min(longest + 1, width) if self.max_length else longest + 1
        out = np.zeros((len(id_lists), width), dtype=np.int32)
        for row, ids in enumerate(id_lists):
            if ids:
                out[row, -len(ids):] = ids
        return out

    def encode(self, texts: Iterable[str]) -> np.ndarray:
        """Raw texts to an int32 array (n, max_length) of word ids."""
        return self.encode_tokens([tokenize(text) for text in texts])

    def known(self, tokens: list[str]) -> list[bool]:
        """Whether each token is in the vocabulary."""
        return [word in self._index and self._index[word] > OOV_ID for word in tokens]

    def save(self, path: Path) -> None:
        settings = {"vocab_size": self.vocab_size, "max_length": self.max_length, "truncating": self.truncating}
        Path(path).write_text(json.dumps({**settings, "vocabulary": self.vocabulary}))

    @classmethod
    def load(cls, path: Path) -> "TextPipeline":
        saved = json.loads(Path(path).read_text())
        pipeline = cls(saved["vocab_size"], saved["max_length"], saved["truncating"])
        return pipeline._set_vocabulary(saved["vocabulary"])
