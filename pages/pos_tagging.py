"""Part-of-speech tagging with hidden Markov models: Viterbi and forward-backward at work, Baum-Welch unsupervised."""
import math

import pandas as pd
import streamlit as st

from components.artifact_store import loaded
from components.chart_export import chart
from components.charts.classification import confusion_matrix
from components.charts.hmm import accuracy_per_tag, em_learning_curve, transition_matrix, viterbi_trellis
from components.data_source import source_line
from components.data_status import attribution
from components.feedback import explain_input_errors
from components.linked_view import LinkNote
from components.shell import ensure_app_navigation
from components.table_export import table
from components.url_state import BIND
from data.treebank import DATASET, UPOS_TAGS
from models.hmm.artifacts import BAUM_WELCH, HMM_TAGGERS, TaggerConfig
from models.hmm.explain import most_probable_words, tagged_sentence, trellis, transition_matrix as transitions
from models.hmm.sentence import MAX_WORDS, words_of

ensure_app_navigation()

TRELLIS_WORDS = 12
MODELS = {"trigram HMM": "trigram", "bigram HMM": "bigram", "most frequent tag": "baseline"}
SOURCE = source_line(DATASET)

st.title("Part-of-speech tagging with a hidden Markov model")
st.write(
    "A hidden Markov model: the hidden states are word classes, each state emits a word, and the next state "
    "depends only on the last one (bigram) or two (trigram). The states are finer than the 17 universal tags "
    f"they output: each universal tag paired with its Penn Treebank tag (AUX|VBZ, VERB|VBZ), and the "
    f"{TaggerConfig.default().lexical_words} most "
    "frequent ambiguous words (that, to, for, have) with states of their own, so the transitions learn what "
    "follows them. Transition and emission probabilities are counted on the English Web Treebank's training "
    "split; an unseen word's states are guessed from its suffix and shape, as TnT does. **Viterbi** finds the "
    "most probable state sequence; **forward-backward** gives each word's probability of every tag, summed over "
    "all sequences."
)

taggers = loaded(HMM_TAGGERS, "Training the HMM taggers on the treebank (first use only)", done="Taggers trained")
link = LinkNote()
order = st.segmented_control("Transitions", ["trigram", "bigram"], default="trigram", key="order", bind=BIND,
                             help="Trigram: P(tag | two previous tags); bigram: P(tag | previous tag).") or "trigram"
tagger = taggers.trigram if order == "trigram" else taggers.bigram

text = st.text_input("A sentence to tag", value="I saw her duck under the table.", max_chars=2_000, key="sentence",
                     bind=BIND)
link.check({"order": "Transitions", "sentence": "A sentence to tag"})
with explain_input_errors():
    words, cut = words_of(text)
if cut:
    st.info(f"Only the first {MAX_WORDS} words are tagged.")
tagged, log_likelihood = tagged_sentence(tagger, words)
table(tagged, f"The sentence tagged by the {order} HMM", "tagged", column_config={
    "posterior": st.column_config.ProgressColumn("P(tag | sentence)", format="%.3f", min_value=0, max_value=1)})
unseen = tagged.word[~tagged["seen in training"]].tolist()
st.metric("Sentence log-likelihood (forward algorithm)", f"{log_likelihood:.2f} nats")
if unseen:
    st.caption(f"Never seen in training, tagged from their suffix and shape: {', '.join(unseen)}.")

st.subheader("Viterbi at work")
shown = words[:TRELLIS_WORDS]
shortfall = trellis(tagger, shown)
chart(viterbi_trellis(shortfall), f"Viterbi trellis of the {order} HMM: nats behind the winning path", "trellis",
      SOURCE)
margins = shortfall.apply(lambda column: column.nsmallest(2).iloc[-1])
closest = margins.idxmin()
st.caption(f"Each cell: the best complete path that gives the word this tag, in nats (natural-log units) behind "
           f"the winning path. The closest call is word {closest}: its best alternative tag loses by "
           f"{margins.min():.2f} nats (a factor {math.exp(margins.min()):.1f} in "
           f"probability)." + (f" The trellis shows the first {TRELLIS_WORDS} words." if len(words) > TRELLIS_WORDS else ""))

st.subheader("What the model holds")
left, right = st.columns([3, 2])
with left:
    chart(transition_matrix(transitions(taggers.bigram)), "Bigram HMM: P(next tag | tag), counted on the treebank",
          "transitions", SOURCE)
table(most_probable_words(tagger), f"The most probable words of each tag, {order} HMM", "words", place=right,
      height=560)

st.subheader("How good is it? The test split")
report = taggers.report
cols = st.columns(4)
for column, (label, key) in zip(cols, MODELS.items()):
    column.metric(f"Accuracy, {label}", f"{report[key]['accuracy']:.2%}",
                  help=f"Unseen words: {report[key]['unknown_accuracy']:.2%}")
cols[3].metric("Unseen words in the test split", f"{report['trigram']['unknown_share']:.2%}")
table(pd.DataFrame({label: {"all words": report[key]["accuracy"], "unseen words": report[key]["unknown_accuracy"],
                            "tokens tagged per second": report[key]["tokens_per_second"]}
                    for label, key in MODELS.items()}).T.round(4), "Tagging accuracy on the test split", "accuracy",
      index=True)
st.caption(f"{report['train_tokens']:,} training and {report['test_tokens']:,} test words, gold tokenisation; "
           f"training took {report['train_seconds']['trigram']:.1f} s (trigram).")
per_tag = pd.DataFrame({label: report[key]["per_tag"] for label, key in MODELS.items()})
chart(accuracy_per_tag(per_tag), "Accuracy per tag on the test split", "accuracy_per_tag", SOURCE)
confusion_title = f"Confusion matrix of the {order} HMM on the test split (rows: gold tag, columns: predicted)"
chart(confusion_matrix(report[order]["confusion"], UPOS_TAGS, confusion_title, "words", height=640,
                       colour_mistakes=True), confusion_title, "confusion", SOURCE)

st.subheader("With no tags at all: Baum-Welch")
st.write("The same kind of model, 17 hidden states, fitted by expectation-maximisation to the training words "
         "alone from a random start. Each state is then read as the tag it most often stands on (many-to-one).")
run = loaded(BAUM_WELCH, "Running Baum-Welch on the treebank's words (first use only)", done="Baum-Welch done")
curve = pd.DataFrame({"iteration": range(1, len(run.many_to_one) + 1), "log_likelihood": run.log_likelihood_per_word,
                      "many_to_one": run.many_to_one})
chart(em_learning_curve(curve), "Baum-Welch: log-likelihood per word and many-to-one accuracy by iteration",
      "em_curve", SOURCE)
st.metric("Many-to-one accuracy after the last iteration", f"{run.many_to_one[-1]:.1%}")
table(pd.DataFrame({"state": range(len(run.state_tags)), "read as": run.state_tags,
                    "most probable words": [", ".join(w) for w in run.state_words]}),
      "Baum-Welch's hidden states, read as tags", "states")

attribution(DATASET)
