"""The app's word2vec models: trained on a named corpus or an upload, cached, loaded."""
from __future__ import annotations

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


def train_and_save(folder: Path, documents: list[str], config: Word2VecConfig, progress: TrainingProgress) -> None:
    """Train on ``documents`` and write vectors, vocabulary and training info into ``folder``."""
    from models.word2vec.training import train

    progress.update(0.0, "Tokenizing the corpus")
    vocabulary, corpus = encode_corpus(documents, config.min_count)
    if len(vocabulary) < 3:
        raise InputError("The corpus is too small: fewer than two words occur often enough. Use a longer text "
                         "or a lower minimum count.")
    vectors, stats = train(vocabulary, corpus, config, progress)
    info = {"config": asdict(config), "training": stats, "vocabulary_size": len(vocabulary) - 1,
            "tokens": int(len(corpus.ids))}
    vectors.save(folder)
    (folder / "info.json").write_text(json.dumps(info, indent=1))


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
        train_and_save(folder, documents if documents is not None else corpus_documents(corpus), config, progress)

    return (cache or ModelCache()).get_or_train(spec, train, read_model, progress)


def trained_on_upload(architecture: str, documents: list[str], progress: TrainingProgress | None = None,
                      cache: ModelCache | None = None) -> TrainedModel:
    """A model trained on an uploaded corpus, cached by the text's checksum."""
    import hashlib

    config = default_config(architecture)
    checksum = hashlib.sha256("\n".join(documents).encode()).hexdigest()[:16]
    spec = ArtifactSpec(f"word2vec-{architecture}-upload", asdict(config), checksum)
    return (cache or ModelCache()).get_or_train(
        spec, lambda folder, p: train_and_save(folder, documents, config, p), read_model, progress)

