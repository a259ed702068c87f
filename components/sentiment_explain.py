"""The sentiment page's explanations: integrated gradients beside occlusion, and the reading word by word."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.chart_export import chart
from components.charts.sentiment_reading import reading_chart
from models.sentiment.explain import (IG_STEPS, MAX_PREFIXES, explains_with_gradients, integrated_gradients,
                                      reading_word_by_word, sign_disagreements)
from models.sentiment.model import SentimentModel, highlight_html


def gradients_beside_occlusion(model: SentimentModel, text: str, occlusion: pd.DataFrame) -> None:
    """Integrated-gradients highlights of a neural model next to its occlusion highlights, and where they disagree."""
    if not explains_with_gradients(model):
        st.caption("Integrated gradients need a neural network's gradients: the TF-IDF baseline has only occlusion.")
        return
    attribution = integrated_gradients(model, text)
    shaded = attribution.words.rename(columns={"attribution": "contribution"}).assign(
        known=model.pipeline.known(list(attribution.words.word)))
    st.markdown("**Integrated gradients**")
    st.caption(f"Each word's vector is moved from the padding vector to its own in {IG_STEPS} steps, and the "
               f"gradient of P(positive) along the way is summed: the words' shares add up to the score "
               f"({attribution.score:.1%}) minus the baseline's ({attribution.baseline_score:.1%}), within "
               f"{attribution.completeness_gap():.3f}.")
    st.markdown(highlight_html(shaded, text), unsafe_allow_html=True)
    opposite = sign_disagreements(occlusion, attribution)
    if opposite.empty:
        st.caption("Occlusion and integrated gradients push every highlighted word the same way.")
    else:
        st.info(f"Occlusion and integrated gradients disagree on {len(opposite)} word"
                f"{'s' if len(opposite) > 1 else ''}: " + ", ".join(f"“{w}”" for w in opposite.word.head(15))
                + ". Removing a word (occlusion) and fading it in from padding (gradients) are different questions; "
                  "a word may help in one and hurt in the other.")
        st.dataframe(opposite.set_index("word"), key="sentiment_disagreements")


def reading_word_by_word_chart(model: SentimentModel, text: str, model_title: str) -> None:
    """The line chart of P(positive) after each word the model reads."""
    reading = reading_word_by_word(model, text)
    title = f"Probability positive word by word: {model_title}"
    chart(reading_chart(reading, title), title, key="sentiment_reading", source="Model trained on IMDB reviews")
    if len(reading) < reading.words.iloc[-1]:
        st.caption(f"The review is read at {len(reading)} evenly spaced lengths (at most {MAX_PREFIXES}), ending "
                   f"with its last word.")
