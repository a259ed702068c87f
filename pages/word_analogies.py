"""Similar words and analogies with the word2vec models, and how they score on the standard benchmarks."""
import streamlit as st

from components.data_status import attribution
from components.shell import ensure_app_navigation
from components.word_models import corpus_model
from data.text import CORPORA, DEFAULT_CORPUS
from core.errors import InputError
from models.word2vec.config import ARCHITECTURES
from models.word2vec.vectors import WordVectors
from models.word2vec.evaluation import evaluation_table, reference_results, scores

ensure_app_navigation()

EXAMPLES = {"king - man + woman": ("king", "man", "woman"), "bigger - big + small": ("bigger", "big", "small"),
            "paris - france + germany": ("paris", "france", "germany")}

st.title("Similar words & analogies")
st.write(
    "Words are close when their word2vec vectors point the same way (cosine similarity). Differences between "
    "vectors carry relations: **king − man + woman** lands near *queen* when the model has learnt gender and royalty. "
    "CBOW and Skip-gram, trained on the same corpus, side by side."
)


def show_words(column, label: str, compute) -> None:
    """A table of words and scores under ``label``, or the input problem in its place."""
    try:
        table = compute()
    except InputError as error:
        column.warning(str(error))
        return
    column.markdown(f"**{label}**: " + ", ".join(table.word))
    column.dataframe(table.style.format({"score": "{:.3f}"}), hide_index=True, width="stretch")


corpus = st.selectbox("Corpus the models were trained on", list(CORPORA), index=list(CORPORA).index(DEFAULT_CORPUS),
                      format_func=lambda name: f"{name}: {CORPORA[name]}")
models = {architecture: corpus_model(architecture, corpus) for architecture in ARCHITECTURES}

st.subheader("Nearest words")
left, right = st.columns([3, 1])
word = left.text_input("Word", "father", key="analogy_word").strip().lower()
k = right.slider("How many", 5, 30, 10)
if not word:
    st.info("Type a word to see the words closest to it.")
else:
    for column, (architecture, trained) in zip(st.columns(2), models.items()):
        column.markdown(f"#### {ARCHITECTURES[architecture]}")
        show_words(column, f"closest to {word}", lambda v=trained.vectors: v.nearest(word, k))

st.subheader("Analogies: a − b + c")
example = st.selectbox("Example", [*EXAMPLES, "your own"])
defaults = EXAMPLES.get(example, ("", "", ""))
c1, c2, c3 = st.columns(3)
a = c1.text_input("a (start from)", defaults[0], key=f"analogy_a_{example}").strip().lower()
b = c2.text_input("− b (take away)", defaults[1], key=f"analogy_b_{example}").strip().lower()
c = c3.text_input("+ c (add)", defaults[2], key=f"analogy_c_{example}").strip().lower()
if not (a and b and c):
    st.info("Type three words: a − b + c, e.g. king − man + woman.")
else:
    st.caption("3CosAdd ranks words by cosine with a − b + c; 3CosMul (Levy and Goldberg, 2014) multiplies the "
               "similarities to a and c and divides by the similarity to b, so no single term dominates. "
               "The three input words are excluded.")
    for column, (architecture, trained) in zip(st.columns(2), models.items()):
        vectors: WordVectors = trained.vectors
        column.markdown(f"#### {ARCHITECTURES[architecture]}")
        # a - b + c is the d of "b : a :: c : d".
        show_words(column, "3CosAdd", lambda v=vectors: v.analogy(b, a, c, 5, "3cosadd"))
        show_words(column, "3CosMul", lambda v=vectors: v.analogy(b, a, c, 5, "3cosmul"))

st.subheader("How the models score")
with st.spinner("Scoring the models on the evaluation sets (once per model)..."):
    results = {f"{ARCHITECTURES[a]} (ours)": scores(m.vectors) for a, m in models.items()}
gensim = reference_results(corpus, models["cbow"].info["config"])
if gensim:
    results.update({f"{ARCHITECTURES[a]} (gensim)": evaluation for a, evaluation in gensim.items()})
table = evaluation_table(results)
st.dataframe(table.style.format({label: "{:.3f}" for label in results}, na_rep="-"), width="stretch")
st.caption("Analogy rows: accuracy on Google's analogy questions whose four words are all in the vocabulary (the "
           "covered column says how many that is), 3CosAdd over the whole vocabulary. Similarity rows: Spearman "
           "correlation between cosine similarity and human ratings on the covered pairs. gensim's Word2Vec columns "
           "appear once `python -m bench.word2vec` has been run on this corpus with the same settings.")
attribution("text", "imdb")
