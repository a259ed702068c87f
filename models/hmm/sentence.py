"""Reading a typed sentence into the treebank's words: punctuation apart, English clitics split as UD does."""
from __future__ import annotations

import re

from core.errors import InputError

MAX_WORDS = 60
"""Words tagged at most (the treebank's sentences have 16 on average); longer text is cut with a note."""
_TOKEN = re.compile(r"https?://\S+|\w+(?=n't\b)|n't\b|\w+(?='(?:s|re|ve|ll|d|m)\b)|'(?:s|re|ve|ll|d|m)\b"
                    r"|\w+(?:[-.]\w+)*|[^\w\s]+", re.IGNORECASE)


def words_of(text: str) -> tuple[list[str], bool]:
    """The words of ``text`` and whether it was cut at :data:`MAX_WORDS`; an InputError if it has none."""
    words = _TOKEN.findall(text)
    if not words:
        raise InputError("Type a sentence to tag, for example: The old man the boats.")
    return words[:MAX_WORDS], len(words) > MAX_WORDS
