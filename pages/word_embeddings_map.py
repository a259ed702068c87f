"""Word map: word2vec vectors of the most frequent words projected with t-SNE, UMAP, PCA or custom axes; click words
to see their nearest neighbours."""
import streamlit as st

from components.chart_export import chart, file_stem
from components.charts.word_map import word_map_figure
from components.data_source import UPLOAD_SOURCE, source_line
from components.data_status import attribution
from components.feedback import explain_input_errors
from components.linked_view import LinkNote
from components.shell import ensure_app_navigation
from components.word_inputs import (LABELS, choose_architecture, choose_corpus, choose_focus, choose_map,
                                    select_on_map)
from components.word_models import corpus_model, map_frame, upload_key, upload_model
from data.text import UPLOAD_LIMIT_BYTES, corpus_datasets
from models.word2vec.artifacts import word2vec_model
from models.word2vec.axes import on_custom_axes
from models.word2vec.config import ARCHITECTURES
from models.word2vec.neighbours import METRICS, neighbour_table

ensure_app_navigation()

UPLOAD = "Upload your own .txt"
MAP_CHART = "word_map_chart"

st.title("Word map (t-SNE)")
st.write(
    "word2vec learns a vector for every word from the words around it: **CBOW** predicts a word from the average of "
    "its neighbours, **Skip-gram** predicts each neighbour from the word. Words used in similar contexts get similar "
    "vectors. Here the most frequent words are laid out on a plane (or in space) so that neighbours stay neighbours; "
    "click a word, or draw a box or lasso around several, to list and highlight their nearest neighbours."
)

link = LinkNote(LABELS)
left, right = st.columns(2)
architecture, held = choose_architecture(left)
corpus, held_corpus = choose_corpus("Corpus", [UPLOAD], right)
held |= held_corpus
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
    st.caption("The model of your upload and its maps are kept in this server's memory only, while they are among "
               "the recently used ones, and are never written to disk; uploading the file again trains it again.")

st.subheader("The map")
view, held_map = choose_map(len(vectors.words) - 1)
held |= held_map
link.show(held)
with explain_input_errors():
    frame = map_frame(architecture, None if upload else corpus, view.settings, vectors, model_key)
    if view.axes:
        frame = on_custom_axes(frame, vectors, *view.axes)

focus, held_focus = choose_focus(frame, vectors)
held |= held_focus
link.show(held)
neighbours = neighbour_table(vectors, focus.words, frame.word, focus.k, focus.metric)

axis_titles = tuple(axis.label for axis in view.axes) if view.axes else None
title = (f"Word map: {len(frame):,} words of word2vec {ARCHITECTURES[architecture]} "
         f"({corpus if upload is None else upload[0]}), {view.method}")
map_column, list_column = st.columns([3, 1])
with map_column:
    chart(word_map_figure(frame, view.colour, focus.words, neighbours.neighbour, axis_titles), title, MAP_CHART,
          source=UPLOAD_SOURCE if upload else source_line(*corpus_datasets(corpus)),
          on_select=select_on_map(MAP_CHART), selection_mode=("points", "box", "lasso"))
    columns = {"x": axis_titles[0], "y": axis_titles[1]} if axis_titles else {}
    st.download_button("Coordinates and labels (CSV)", frame.rename(columns=columns).to_csv(index=False).encode(),
                       f"{file_stem(title)}.csv", "text/csv", on_click="ignore", icon=":material/download:",
                       help="Every word of this map: its frequency rank, kind, cluster and position.")
with list_column:
    column = METRICS[focus.metric]
    if not focus.words:
        st.caption("Type a word, or choose words above, to list their nearest neighbours here." if "z" in frame else
                   "Click a point on the map (or type a word above) to list its nearest neighbours here.")
    for word, table in neighbours.groupby("word", sort=False):
        where = "" if word in set(frame.word) else " (not drawn itself)"
        st.markdown(f"Nearest words to **{word}**{where} on the map, by {column}: "
                    + ", ".join(f"{n} ({v:.2f})" for n, v in zip(table.neighbour, table[column])))
counts = frame.kind.value_counts()
st.caption(f"{counts.get('number', 0)} numbers, {counts.get('year', 0)} years and {counts.get('other', 0)} other words. "
           "Punctuation tokens are left out of the map. t-SNE and UMAP keep local neighbourhoods, not global "
           "distances: clusters mean something, the space between them does not. Neighbours are computed in the "
           "full vector space, among the words on the map, not from the positions drawn.")
attribution("text", "imdb")
