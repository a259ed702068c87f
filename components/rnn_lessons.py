"""Pieces of the RNN internals page: lesson 5's sentiment model and the lessons' longer explanations."""
import streamlit as st

from components.artifact_store import loaded
from models.rnn.long_memory import ClippingOutcome
from models.sentiment.artifacts import SENTIMENT_MODELS


def sentiment_model():
    """The classic sentiment model: loaded when trained, trained on request otherwise; None until then."""
    classic = SENTIMENT_MODELS["classic"]
    if not classic.is_trained() and not st.session_state.get("train_classic"):
        st.info("The classic sentiment model is not trained yet. Train it here (a few seconds in quick mode, several "
                f"minutes on the full data) or beforehand with `python -m models train {classic.name}`.")
        st.button("Train the classic sentiment model now", key="train_classic")
        return None
    return loaded(classic, "Training the classic sentiment model")


LSTM_GATES = (
    "An LSTM adds a cell state c(t) and three gates computed like a(t): the **input gate** i decides how much new "
    "content enters the cell, the **forget gate** f how much of c(t-1) is kept, the **output gate** o how much of "
    "the cell is shown as h(t): c(t) = f ⊙ c(t-1) + i ⊙ c̃(t), h(t) = o ⊙ tanh(c(t)). Here they are read, word by "
    "word, from the classic IMDB sentiment model (Embedding → LSTM → Dense), recomputed in NumPy from the LSTM "
    "layer's weights."
)
"""Lesson 5's explanation of the LSTM's cell state and gates."""


def what_clipping_did(outcome: ClippingOutcome, clip: float) -> str:
    """Lesson 3's caption: why the clipped run ended lower, or why, this time, it did not."""
    if outcome.clipping_ended_lower:
        return ("Without clipping, the first huge gradients throw the weights far off: the loss jumps and the "
                "saturated network (tanh near ±1) then gets small gradients and stays stuck. With clipping, the same "
                "directions are followed in bounded steps.")
    return (f"Here clipping did not end lower ({outcome.end_with:.2f} against {outcome.end_without:.2f} without). "
            f"Clipping bounds every step to length {clip}, so with gradients this large 100 updates move the weights "
            "little, while the unclipped run's first giant step happened to land the saturated network somewhere "
            "better. Clipping promises bounded steps, not a better result; with a shorter T the unclipped run stalls.")
