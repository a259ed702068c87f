"""Similar words, analogies of several words, the odd one out and a pair's similarity with the word2vec models, and
how they score on the standard benchmarks."""
import streamlit as st

from components.data_status import attribution
from components.linked_view import LinkNote
from components.shell import ensure_app_navigation
from components.url_state import BIND
from components.word_inputs import WORDS_CHARS, choose_corpus
from components.word_models import corpus_model
from components.word_views import EXAMPLES, fill_example, show_odd_one_out, show_similarity, show_words
from models.word2vec.config import ARCHITECTURES
from models.word2vec.evaluation import evaluation_table, reference_results, scores
from models.word2vec.vectors import word_list

ensure_app_navigation()

LABELS = {"corpus": "Corpus", "word": "Word", "k": "How many", "add": "Add", "take": "Take away",
          "odd": "Words of the odd-one-out list", "first": "First word", "second": "Second word"}

st.title("Similar words & analogies")
st.write(
    "Words are close when their word2vec vectors point the same way (cosine similarity). Differences between "
    "vectors carry relations: **king − man + woman** lands near *queen* when the model has learnt gender and royalty. "
    "CBOW and Skip-gram, trained on the same corpus, side by side."
)


def words_box(column, label: str, default: str, key: str, held: dict, help: str | None = None) -> str:
    """A box of one or more words, bound to the URL; what it holds goes into ``held``, for the link's note."""
    held[key] = column.text_input(label, default, max_chars=WORDS_CHARS, key=key, bind=BIND, help=help)
    return held[key].strip().lower()


link = LinkNote(LABELS)
corpus, held = choose_corpus("Corpus the models were trained on")
models = {architecture: corpus_model(architecture, corpus) for architecture in ARCHITECTURES}

st.subheader("Nearest words")
left, right = st.columns([3, 1])
word = words_box(left, "Word", "father", "word", held)
k = held["k"] = right.slider("How many", 5, 30, 10, key="k", bind=BIND)
if not word:
    st.info("Type a word to see the words closest to it.")
else:
    for column, (architecture, trained) in zip(st.columns(2), models.items()):
        column.markdown(f"#### {ARCHITECTURES[architecture]}")
        show_words(column, f"closest to {word}", lambda v=trained.vectors: v.nearest(word, k))

st.subheader("Analogies: add and take away words")
st.selectbox("Example", list(EXAMPLES), index=None, placeholder="Fill the boxes with an example", key="example",
             on_change=fill_example("example", "add", "take"))
c1, c2 = st.columns(2)
several = "One or more words, separated by commas."
add = word_list(words_box(c1, "+ Add", "king, woman", "add", held, several))
take = word_list(words_box(c2, "− Take away", "man", "take", held, several))
if not add:
    st.info("Type at least one word to add, e.g. king and woman, and one to take away, e.g. man.")
else:
    st.caption("3CosAdd ranks words by cosine with the sum of the added words' unit vectors minus the taken-away "
               "ones' (gensim's `most_similar`); 3CosMul (Levy and Goldberg, 2014; gensim's `most_similar_cosmul`) "
               "multiplies the similarities to the added words and divides by those to the taken-away ones, so no "
               "single term dominates. The words typed are excluded.")
    for column, (architecture, trained) in zip(st.columns(2), models.items()):
        column.markdown(f"#### {ARCHITECTURES[architecture]}")
        for method, label in (("3cosadd", "3CosAdd"), ("3cosmul", "3CosMul")):
            show_words(column, label, lambda v=trained.vectors, m=method: v.most_similar(add, take, 5, m))

st.subheader("The odd one out")
odd = word_list(words_box(st, "Words (at least three, separated by commas)", "father, mother, son, london", "odd",
                          held))
st.caption("The odd one out is the word whose vector points farthest from the mean direction of all of them "
           "(gensim's `doesnt_match`).")
for column, (architecture, trained) in zip(st.columns(2), models.items()):
    column.markdown(f"#### {ARCHITECTURES[architecture]}")
    show_odd_one_out(column, trained.vectors, odd)

st.subheader("How similar are two words?")
c1, c2 = st.columns(2)
first, second = (words_box(c1, "First word", "good", "first", held),
                 words_box(c2, "Second word", "bad", "second", held))
for column, (architecture, trained) in zip(st.columns(2), models.items()):
    column.markdown(f"#### {ARCHITECTURES[architecture]}")
    show_similarity(column, trained.vectors, first, second)
st.caption("Cosine similarity (gensim's `similarity`), and each word's rank among the other's nearest words in the "
           "whole vocabulary: a pair can be close in absolute terms yet far down each other's lists.")
link.show(held)

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
