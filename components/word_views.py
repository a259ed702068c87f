"""What the analogies page shows of each model: tables of words and scores, the odd one out, a pair's similarity;
an unknown word is named in its place, with the closest spellings the model knows."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from core.errors import InputError
from models.word2vec.vectors import PairSimilarity, WordVectors

EXAMPLES = {"king − man + woman": ("king, woman", "man"), "bigger − big + small": ("bigger, small", "big"),
            "paris − france + germany": ("paris, germany", "france"), "river + money": ("river, money", "")}
"""Examples of the words to add and to take away, as the two boxes hold them."""


def fill_example(choice_key: str, add_key: str, take_key: str) -> Callable[[], None]:
    """A callback that writes the chosen example's words into the boxes (they stay editable, and in the URL)."""
    def fill() -> None:
        chosen = st.session_state.get(choice_key)
        if chosen in EXAMPLES:
            st.session_state[add_key], st.session_state[take_key] = EXAMPLES[chosen]
    return fill


def show_words(column: Any, label: str, compute: Callable[[], pd.DataFrame]) -> None:
    """A table of words and scores under ``label``, or the input problem in its place."""
    try:
        table = compute()
    except InputError as error:
        column.warning(str(error))
        return
    column.markdown(f"**{label}**: " + ", ".join(table.word))
    column.dataframe(table.style.format({"score": "{:.3f}"}), hide_index=True, width="stretch")


def show_odd_one_out(column: Any, vectors: WordVectors, words: list[str]) -> None:
    """The word farthest from the others' mean direction, and every word's cosine with that mean."""
    try:
        table = vectors.doesnt_match(words)
    except InputError as error:
        column.warning(str(error))
        return
    column.markdown(f"Odd one out: **{table.word[0]}**")
    column.dataframe(table.rename(columns={"score": "cosine with the mean"}).style.format(
        {"cosine with the mean": "{:.3f}"}), hide_index=True, width="stretch")


def show_similarity(column: Any, vectors: WordVectors, a: str, b: str) -> None:
    """Two words' cosine similarity and where each ranks among the other's nearest words."""
    try:
        pair: PairSimilarity = vectors.similarity(a, b)
    except InputError as error:
        column.warning(str(error))
        return
    column.metric(f"cosine({a}, {b})", f"{pair.cosine:.3f}")
    column.markdown(pair.sentence())
