"""word2vec models and their maps for the word pages, through the server's artifact store and the job cluster."""
from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from components.artifact_store import artifact_store, in_memory, loaded, pretrained_keys
from components.data_status import load_or_explain
from core.artifacts import InMemoryArtifact
from core.cache import ArtifactSpec
from core.jobs import duration, job_board
from data.locate import dataset_dir
from data.text import read_uploaded_corpus
from models.word2vec.artifacts import word2vec_model, word_map
from models.word2vec.config import ARCHITECTURES, MapSettings, default_config
from models.word2vec.model import TrainedModel, trained_on_upload, upload_spec
from models.word2vec.vectors import WordVectors
from models.word2vec.word_map import projected


def corpus_model(architecture: str, corpus: str) -> TrainedModel:
    """The model for a named corpus: from memory, from the model cache, or trained as a job.

    A corpus the app does not pre-train costs minutes (WikiText-103: 6-10): the page states the estimate
    and waits for a button press before it queues the training (unless it is queued already).
    """
    model = word2vec_model(architecture, corpus)
    heading = f"Training {ARCHITECTURES[architecture]} on {corpus} (once; then cached)"
    if model.key in pretrained_keys() or model.is_trained() or in_memory(model) is not None \
            or job_board().status(model.key).active:
        return loaded(model, heading)
    for dataset in model.data:  # a corpus that cannot be had is explained before any estimate
        load_or_explain(dataset_dir, dataset)
    st.info(f"No {ARCHITECTURES[architecture]} model of **{corpus}** is trained yet. Training it takes about "
            f"**{duration(model.estimate)}** on a training worker of the job cluster: you can leave the page "
            "meanwhile, and everyone gets the model once it is done.", icon=":material/schedule:")
    if not st.button(f"Train {ARCHITECTURES[architecture]} on {corpus} (about {duration(model.estimate)})",
                     key=f"train-{model.key}", type="primary"):
        st.stop()
    return loaded(model, heading)


def upload_key(architecture: str, content: bytes) -> str:
    """The key of the model of an upload: the file's raw bytes and every training setting of ``architecture``."""
    return upload_spec(default_config(architecture), content).key


def upload_model(architecture: str, name: str, content: bytes) -> TrainedModel:
    """A model trained now on an uploaded corpus (InputError if the file is unusable), kept in memory a while.

    It is trained as a job that sends the vectors back, and kept only in this server's memory store
    (dropped when it is the least recently used, or when the server stops): the upload's words are
    never written to the model cache. The upload is decoded only when its model is not in memory already.
    """
    config = default_config(architecture)
    key = upload_spec(config, content).key
    kept = artifact_store().cached(key)
    if kept is not None:
        return kept
    documents = read_uploaded_corpus(content, name)
    return loaded(InMemoryArtifact(key, f"word2vec on {name}",
                                   lambda progress: trained_on_upload(config, documents, progress)),
                  f"Training {ARCHITECTURES[architecture]} on {name}")


def map_frame(architecture: str, corpus: str | None, settings: MapSettings, vectors: WordVectors,
              model_key: str) -> pd.DataFrame:
    """The map of a model (``corpus`` None: the model of an upload, ``model_key``), computed as a job.

    The app's models' maps come from the model cache: the default one pre-trained, others fits kept on disk
    within the results' budget. An upload's map is a fit kept in this server's memory only, like its model.
    """
    heading = f"Projecting {settings.n_words:,} words with {settings.method}"
    if corpus is not None:
        return loaded(word_map(architecture, corpus, settings), heading, done="Map ready")
    key = ArtifactSpec("word-map-upload", settings.parameters(), model_key).key
    return loaded(InMemoryArtifact(key, f"{settings.method} map of your upload", partial(projected, vectors, settings)),
                  heading, done="Map ready")
