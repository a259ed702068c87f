"""Review sentiment: an LSTM trained on IMDB scores your review and shows which words pushed the score."""
import streamlit as st

from components.artifact_store import loaded
from components.chart_export import chart
from components.charts.classification import confusion_matrix, training_curves
from components.data_source import source_line
from components.data_status import attribution
from components.feedback import errors_reported
from components.linked_view import LinkNote
from components.sentiment_explain import gradients_beside_occlusion, reading_word_by_word_chart
from components.sentiment_pin import pin_and_compare
from components.shell import ensure_app_navigation
from components.url_state import BIND
from core.errors import InputError
from models.sentiment.artifacts import MODEL_NAMES, SENTIMENT_MODELS, TITLES, design
from models.sentiment.model import (MAX_REVIEW_CHARS, OCCLUSION_WORD_BUDGET, SentimentModel, accuracy_by_c,
                                    curves_by_epoch, highlight_html, preview, score, strongest_words, training_note,
                                    word_contributions)

ensure_app_navigation()

st.title("Review sentiment with an LSTM")
st.write(
    "Type a movie review. A recurrent network trained on 25,000 IMDB reviews reads it word by word and gives the "
    "**probability that the review is positive**. Compare it with the classic tutorial LSTM and with a "
    "non-neural TF-IDF baseline, and see which words pushed the score up or down."
)


def get_model(name: str) -> SentimentModel:
    """The trained model, loaded once per server process; trained on first use with a progress bar."""
    return loaded(SENTIMENT_MODELS[name], f"Training the model '{TITLES[name]}' (first use only)")


def set_review(text: str) -> None:
    st.session_state.review = text


@st.fragment
@errors_reported
def review_and_verdict(model: SentimentModel, name: str, compare: bool) -> None:
    """The review box, the verdict and the word contributions: scoring a review reruns only this part."""
    st.subheader("Your review")
    examples = model.report["examples"]
    with st.expander("Try a review from the test set (including some this model gets wrong)"):
        for i, example in enumerate(examples):
            truth = "positive" if example["label"] else "negative"
            st.button(f"{example['kind']} (labelled {truth}, model said {example['probability']:.0%} positive): "
                      f"{preview(example['text'])}", key=f"example_{i}", on_click=set_review, args=(example["text"],))
    text = st.text_area("Movie review", key="review", height=160, max_chars=MAX_REVIEW_CHARS,
                        placeholder="e.g. The plot was thin, but the acting was superb and I loved every minute.")
    st.caption(f"Up to {MAX_REVIEW_CHARS:,} characters, more than the longest IMDB review.")
    st.button("Score the review", type="primary")

    if not text.strip():
        st.info("Type or paste a movie review above (in English), or pick an example, then press **Score the review**.")
    else:
        try:
            verdict = score(model, text)
        except InputError as error:
            st.warning(str(error))
            verdict = None
        if verdict is not None:
            cols = st.columns(3)
            cols[0].metric("Verdict", verdict.label)
            cols[1].metric("Probability positive", f"{verdict.probability:.1%}")
            cols[2].metric("Words known to the model", f"{verdict.known_words} of {verdict.words_read}")
            if verdict.truncated:
                part = "first" if model.pipeline.truncating == "start" else "last"
                st.info(f"Your review has {verdict.words_total:,} words; this model reads at most "
                        f"{model.pipeline.max_length}, so it scored the {part} {verdict.words_read} words only.")

            if compare:
                st.subheader("All three models")
                cols = st.columns(len(MODEL_NAMES))
                for col, other in zip(cols, MODEL_NAMES):
                    try:
                        other_verdict = score(get_model(other), text)
                        col.metric(f"{other.capitalize()} model", other_verdict.label)
                        col.caption(f"{other_verdict.probability:.1%} probability positive. {TITLES[other]}.")
                    except InputError as error:
                        col.metric(f"{other.capitalize()} model", "no score")
                        col.caption(str(error))

            st.subheader("Which words pushed the score")
            st.write(
                "Measured by **occlusion**: each word is removed in turn and the review re-scored; the drop in the "
                "probability of 'positive' is that word's contribution. Green words pushed towards positive, red towards "
                "negative, the stronger the shade the bigger the push (hover a word for its number). Grey italic words are "
                "not in the model's vocabulary."
            )
            contributions = word_contributions(model, text)
            highlight = highlight_html(contributions, text)
            occlusion_column, gradients_column = st.columns(2)
            occlusion_column.markdown("**Occlusion**")
            occlusion_column.markdown(highlight, unsafe_allow_html=True)
            if len(contributions) < verdict.words_read:
                st.info(f"The highlights cover the first {len(contributions)} of the {verdict.words_read} words read: "
                        f"occlusion re-scores the review once for each word, and a review may send at most "
                        f"{OCCLUSION_WORD_BUDGET:,} words through the model. The verdict above reads all "
                        f"{verdict.words_read}.")
            with gradients_column:
                gradients_beside_occlusion(model, text, contributions)
            for column, positive in zip(st.columns(2), (False, True)):
                column.caption(f"Pushed most towards **{'positive' if positive else 'negative'}** (occlusion)")
                column.table(strongest_words(contributions, positive))
            reading_word_by_word_chart(model, text, TITLES[name])
            pin_and_compare({"text": text, "model": TITLES[name], "probability": verdict.probability,
                             "label": verdict.label, "highlight": highlight})


link_note = LinkNote()
left, right = st.columns([2, 1])
name = left.radio("Model", MODEL_NAMES, index=MODEL_NAMES.index("best"), format_func=TITLES.get, key="model",
                  bind=BIND)
compare = right.toggle("Compare all three models", key="compare", bind=BIND)
link_note.check({"model": "Model", "compare": "Compare all three models"}, {"model": TITLES.get})
model = get_model(name)
review_and_verdict(model, name, compare)

st.subheader(f"Model report: {TITLES[name]}")
st.write(design(name))
report = model.report
cols = st.columns(4)
cols[0].metric("Test accuracy", f"{report['test_accuracy']:.2%}")
cols[1].metric("Test reviews", f"{report['test_size']:,}")
cols[2].metric("Epochs", report["epochs"] or "n/a")
cols[3].metric("Training time", f"{report['training_seconds'] / 60:.1f} min")
st.caption(training_note(report))
left, right = st.columns(2)
with left:
    chart(confusion_matrix(report["confusion_matrix"], ["negative", "positive"], "Confusion matrix", "reviews"),
          f"Confusion matrix: {TITLES[name]}", key="confusion", source=source_line("imdb"))
if report["curves"]:
    with right:
        chart(training_curves(curves_by_epoch(report)), f"Training curves: {TITLES[name]}", key="curves",
              source=source_line("imdb"))
else:
    right.write("The baseline has no epochs: logistic regression is fitted to convergence. Validation accuracy "
                "for each regularisation strength C tried:")
    right.dataframe(accuracy_by_c(report), width="stretch")

attribution("imdb")
