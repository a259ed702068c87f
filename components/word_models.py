"""word2vec models for the word pages: loaded once per server and shared by every session."""
from __future__ import annotations

from collections import OrderedDict

import streamlit as st

from components.data_status import load_or_explain
from components.progress import StreamlitProgress
from models.word2vec.config import ARCHITECTURES
from models.word2vec.model import TrainedModel, corpus_documents, is_trained, pretrained

UPLOADED_MODELS_KEPT = 4


@st.cache_resource(show_spinner=False)
def loaded_models() -> OrderedDict[tuple[str, str], TrainedModel]:
    """Trained models by (architecture, corpus or upload key), shared by every session of this server."""
    return OrderedDict()


def corpus_model(architecture: str, corpus: str) -> TrainedModel:
    """The model for a named corpus: from memory, from the model cache, or trained now with a progress bar."""
    models = loaded_models()
    if (architecture, corpus) not in models:
        if is_trained(architecture, corpus):
            models[architecture, corpus] = pretrained(architecture, corpus)
        else:
            documents = load_or_explain(corpus_documents, corpus)
            bar = StreamlitProgress(f"Training {ARCHITECTURES[architecture]} on {corpus} (once; then cached)")
            models[architecture, corpus] = pretrained(architecture, corpus, bar, documents)
            bar.done()
    return models[architecture, corpus]


def keep_uploaded_model(key: tuple[str, str], model: TrainedModel) -> None:
    """Remember a model trained on an upload, forgetting the oldest beyond a few so memory stays bounded."""
    models = loaded_models()
    models[key] = model
    uploads = [k for k in models if k[1].startswith("upload:")]
    for old in uploads[:-UPLOADED_MODELS_KEPT]:
        del models[old]
