"""The app's word2vec models: trained on a named corpus or an upload, cached, loaded."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from core.cache import ArtifactSpec, ModelCache
from core.progress import TrainingProgress
from core.settings import quick_mode
from core.errors import InputError
from data.text import load_corpus
from models.word2vec.artifacts import model_spec
from models.word2vec.config import QUICK_DOCUMENTS, Word2VecConfig, default_config
from models.word2vec.corpus import encode_corpus
from models.word2vec.vectors import WordVectors


def corpus_documents(corpus: str, locator=None, progress=None) -> list[str]:
    """The documents of a named corpus; a small slice of it in quick mode."""
    documents = load_corpus(corpus, locator, progress)
    if quick_mode():
        step = max(1, len(documents) // QUICK_DOCUMENTS)
        documents = documents[::step][:QUICK_DOCUMENTS]
    return documents


@dataclass
class TrainedModel:
    """Word vectors plus how they were trained and how they score."""

    vectors: WordVectors
    info: dict = field(default_factory=dict)
    """Training statistics (words/second, seconds, corpus size); scores are computed apart (``evaluation.scores``)."""


def train_on(documents: list[str], config: Word2VecConfig, progress: TrainingProgress) -> TrainedModel:
    """Train on ``documents``: the vectors and the training info (nothing is written anywhere)."""
    from models.word2vec.training import train

    progress.update(0.0, "Tokenizing the corpus")
    vocabulary, corpus = encode_corpus(documents, config.min_count)
    if len(vocabulary) < 3:
        raise InputError("The corpus is too small: fewer than two words occur often enough. Use a longer text "
                         "or a lower minimum count.")
    vectors, stats = train(vocabulary, corpus, config, progress)
    return TrainedModel(vectors, {"config": asdict(config), "training": stats, "vocabulary_size": len(vocabulary) - 1,
                                  "tokens": int(len(corpus.ids))})


def save_model(folder: Path, model: TrainedModel) -> None:
    """Write a model's vectors, vocabulary and training info into ``folder`` (of the model cache)."""
    model.vectors.save(folder)
    (folder / "info.json").write_text(json.dumps(model.info, indent=1))


def read_model(folder: Path) -> TrainedModel:
    return TrainedModel(WordVectors.load(folder), json.loads((folder / "info.json").read_text()))


def trained_model(architecture: str, corpus: str = "english-mix", progress: TrainingProgress | None = None,
               documents: list[str] | None = None, cache: ModelCache | None = None) -> TrainedModel:
    """The model for (architecture, named corpus) from the cache, trained first if missing.

    ``documents`` (the corpus as :func:`corpus_documents` gives it) spares reading the corpus again.
    """
    spec = model_spec(architecture, corpus)
    config = default_config(architecture)

    def train(folder: Path, progress: TrainingProgress) -> None:
        text = documents if documents is not None else corpus_documents(corpus)
        save_model(folder, train_on(text, config, progress))

    return (cache or ModelCache()).get_or_train(spec, train, read_model, progress)


def upload_spec(config: Word2VecConfig, content: bytes) -> ArtifactSpec:
    """What identifies a model of an upload: every training setting and the sha256 of the file's raw bytes."""
    return ArtifactSpec(f"word2vec-{config.architecture}-upload", asdict(config), hashlib.sha256(content).hexdigest())


def trained_on_upload(config: Word2VecConfig, documents: list[str],
                      progress: TrainingProgress | None = None) -> TrainedModel:
    """A model of an uploaded corpus, returned and never saved: a visitor's text stays out of the model cache."""
    return train_on(documents, config, progress or TrainingProgress())
