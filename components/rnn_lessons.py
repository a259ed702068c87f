"""Pieces of the RNN internals page: the names of its controls in its URL, lesson 5 (an LSTM's gates over a review,
with its sentiment model) and the lessons' longer explanations."""
import streamlit as st

from components.artifact_store import loaded
from components.chart_export import chart
from components.charts import recurrent as charts
from components.data_source import source_line
from components.data_status import attribution
from components.url_state import BIND
from core.errors import InputError
from models.rnn.long_memory import ClippingOutcome
from models.rnn.lstm_gates import gates_over_text
from models.sentiment.artifacts import SENTIMENT_MODELS

LABELS = {"T": "Sequence length T", "hidden": "Hidden size", "radius": "Spectral radius of W",
          "k": "Truncation k", "clip": "Clip threshold", "word": "A short word"}
"""What each URL parameter of the page's controls is called on the page, for the note on a link's unusable values
(lesson 5's unit view is named where it is drawn)."""
MAX_SHOWN, BUSIEST = 80, 12


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


def lstm_gates_lesson() -> None:
    """Lesson 5: the classic sentiment model's LSTM gates, word by word, over a review the visitor may edit (not in
    the URL: long free text); which gate to show unit by unit is in the URL under ``units``."""
    model = sentiment_model()
    if model is None:
        return
    review = st.text_area("A review", max_chars=5000, value=(
        "I expected a dull film, but the acting was wonderful and the story kept me gripped until the end. "
        "Not perfect, the middle drags a little, yet I would happily watch it again."))
    try:
        reading = gates_over_text(model, review)
    except InputError as error:
        st.warning(str(error))
    else:
        probability = float(model.predict_proba([review])[0])
        label = "Positive" if probability >= 0.5 else "Negative"
        st.metric("Classic model: probability positive", f"{label}, {probability:.1%}")
        if reading.padding_read:
            st.caption(f"This model pads short reviews in front and does not mask the padding: the LSTM read "
                       f"{reading.padding_read} padding steps before the first word, so it starts the review with "
                       "a state built from padding.")
        means = reading.gate_means()
        if len(means) > MAX_SHOWN:
            st.caption(f"The review has {len(means)} words read by the model; the last {MAX_SHOWN} are shown.")
            means = means.tail(MAX_SHOWN)
        source = source_line("imdb")
        chart(charts.gates_by_word(means, reading.trace.h.shape[-1]),
              "The classic sentiment model's LSTM gates, averaged over units, word by word", "gates_chart", source)
        units, cells = reading.busiest_cells(BUSIEST)
        shown = st.radio("Unit by unit", ["cell state", "input gate", "forget gate", "output gate"], horizontal=True,
                         key="units", bind=BIND)
        values = cells if shown == "cell state" else reading.gate_of_units(shown.split()[0], units)
        chart(charts.units_by_word(values, means, units, shown, BUSIEST),
              f"The {shown} of the {BUSIEST} busiest LSTM units, word by word", "units_chart", source)
    attribution("imdb")
