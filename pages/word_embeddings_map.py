"""Word map: word2vec vectors of the most frequent words projected with t-SNE or PCA."""
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from components.data_status import attribution
from components.feedback import explain_input_errors
from components.shell import ensure_app_navigation
from components.word_models import corpus_model, projection, upload_key, upload_model
from data.text import CORPORA, DEFAULT_CORPUS, UPLOAD_LIMIT_BYTES
from core.errors import InputError
from models.word2vec.artifacts import word2vec_model
from models.word2vec.config import ARCHITECTURES, MapSettings

ensure_app_navigation()

UPLOAD = "Upload your own .txt"

st.title("Word map (t-SNE)")
st.write(
    "word2vec learns a vector for every word from the words around it: **CBOW** predicts a word from the average of "
    "its neighbours, **Skip-gram** predicts each neighbour from the word. Words used in similar contexts get similar "
    "vectors. Here the most frequent words are laid out on a plane (or in space) so that neighbours stay neighbours."
)


left, right = st.columns(2)
architecture = left.radio("Model", list(ARCHITECTURES), format_func=ARCHITECTURES.get, horizontal=True)
corpus = right.selectbox("Corpus", [*CORPORA, UPLOAD], index=list(CORPORA).index(DEFAULT_CORPUS),
                         format_func=lambda name: name if name == UPLOAD else f"{name}: {CORPORA[name]}")
upload = None
if corpus == UPLOAD:
    uploaded = st.file_uploader(f"A plain-text corpus (.txt, UTF-8, up to {UPLOAD_LIMIT_BYTES // 1_000_000} MB)",
                                type=["txt"], key="word_map_upload")
    if uploaded is None:
        st.info("Upload a .txt file to train word2vec on your own text (one sentence or paragraph per line works "
                "best; a few hundred thousand words give meaningful neighbours).")
        st.stop()
    upload = (uploaded.name, uploaded.getvalue())

with explain_input_errors():
    trained = corpus_model(architecture, corpus) if upload is None else upload_model(architecture, *upload)
model_key = word2vec_model(architecture, corpus).key if upload is None else upload_key(architecture, upload[1])
vectors = trained.vectors
training = trained.info["training"]
cols = st.columns(3)
cols[0].metric("Vocabulary", f"{trained.info['vocabulary_size']:,} words")
cols[1].metric("Training corpus", f"{trained.info['tokens']:,} tokens")
cols[2].metric("Training speed (words/s)", f"{training['words_per_second']:,}")
if upload is not None:
    st.caption("The model of your upload is kept in this server's memory only, while it is among the recently "
               "used ones, and is never written to disk; uploading the file again trains it again.")

st.subheader("The map")
c1, c2, c3 = st.columns(3)
available = len(vectors.words) - 1
if available > 100:
    n_words = c1.slider("Most frequent words", 100, min(3000, available), min(500, available), step=100)
else:
    n_words = available
    c1.caption(f"All {available} words of the vocabulary")
method = c2.radio("Projection", ["t-SNE", "PCA"], horizontal=True)
dimensions = c3.radio("Dimensions", [2, 3], horizontal=True, format_func=lambda d: f"{d}-D")
perplexity, iterations = 30.0, 1000
if method == "t-SNE":
    c1, c2 = st.columns(2)
    perplexity = c1.slider("Perplexity", 5, 50, 30, help="Roughly how many neighbours each word tries to keep close.")
    iterations = c2.slider("Iterations", 250, 2000, 1000, step=250)
c1, c2 = st.columns(2)
colour = c1.radio("Colour by", ["word kind (numbers, years, other)", "k-means cluster"], horizontal=True)
clusters = c2.slider("k-means clusters", 2, 20, 10)
search = st.text_input("Find a word (it and its nearest neighbours are highlighted)", key="word_map_search").strip().lower()

with st.status(f"Projecting {n_words:,} words with {method}...", expanded=False) as status:
    try:
        settings = MapSettings(n_words, method, dimensions, float(perplexity), iterations, clusters)
        frame = projection(model_key, architecture, None if upload else corpus, settings, vectors)
    except InputError as error:
        status.update(label="No map", state="error")
        st.error(str(error))
        st.stop()
    status.update(label=f"{len(frame):,} words projected with {method}", state="complete")

marked = frame.iloc[:0]
if search:
    try:
        neighbours = vectors.nearest(search, 10)
    except InputError as error:
        st.warning(str(error))
    else:
        marked = frame[frame.word.isin([search, *neighbours.word])]
        st.write(f"Nearest words to **{search}**: "
                 + ", ".join(f"{w} ({s:.2f})" for w, s in neighbours.itertuples(index=False))
                 + f". {len(marked)} of these {len(neighbours) + 1} words are among the {len(frame):,} on the map (circled).")

colour_column = "kind" if colour.startswith("word kind") else "cluster"
labels = "word" if len(frame) <= 200 else None
common = dict(color=colour_column, hover_name="word", hover_data={"rank": True, "kind": True, "cluster": True},
              text=labels, height=700, category_orders={"kind": ["number", "year", "other"]},
              color_discrete_map={"number": "#1f77b4", "year": "#d62728", "other": "#b8b8b8"})
ring = dict(mode="markers+text", text=marked.word, textposition="top center", name="searched word and neighbours",
            marker={"size": 12, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": "black"}})
if dimensions == 3:
    figure = px.scatter_3d(frame, x="x", y="y", z="z", **common)
    figure.update_traces(marker={"size": 3})
    if len(marked):
        figure.add_trace(go.Scatter3d(x=marked.x, y=marked.y, z=marked.z, **ring))
else:
    figure = px.scatter(frame, x="x", y="y", **common)
    figure.update_traces(marker={"size": 6})
    if len(marked):
        figure.add_trace(go.Scatter(x=marked.x, y=marked.y, **ring))
figure.update_traces(textposition="top center")
st.plotly_chart(figure, width="stretch")
counts = frame.kind.value_counts()
st.caption(f"{counts.get('number', 0)} numbers, {counts.get('year', 0)} years and {counts.get('other', 0)} other words. "
           "Punctuation tokens are left out of the map. t-SNE keeps local neighbourhoods, not global distances: "
           "clusters mean something, the space between them does not.")
attribution("text", "imdb")
