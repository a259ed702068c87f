"""word2vec's artifacts: the vectors of a named corpus and their default maps (light: no TensorFlow)."""
from __future__ import annotations

from dataclasses import asdict

from core.artifacts import Artifact
from core.jobs import FIT, TRAINING
from core.cache import ArtifactSpec
from core.settings import quick_mode
from data.text import DEFAULT_CORPUS, MILLION_WORDS, corpus_checksum, corpus_datasets
from models.word2vec.config import ARCHITECTURES, QUICK_DOCUMENTS, MapSettings, default_config


DEFAULT_CORPUS_SECONDS = {"cbow": 26.0, "skipgram": 42.0}
"""word2vec's training on the default corpus on a training worker (`python -m models train`, 2026-12-03, with the
fused op: reading and tokenizing the corpus included); other corpora's are estimated from their size."""


def training_seconds(architecture: str, corpus: str) -> float:
    return DEFAULT_CORPUS_SECONDS[architecture] * MILLION_WORDS.get(corpus, MILLION_WORDS[DEFAULT_CORPUS]) / \
        MILLION_WORDS[DEFAULT_CORPUS]


def model_spec(architecture: str, corpus: str) -> ArtifactSpec:
    """The cache key of the app's model for (architecture, named corpus): configuration, corpus and its data."""
    config = default_config(architecture)
    slice_ = {"quick_documents": QUICK_DOCUMENTS} if quick_mode() else {}
    return ArtifactSpec(f"word2vec-{architecture}-{corpus}", {**asdict(config), "corpus": corpus, **slice_},
                        corpus_checksum(corpus))


def map_spec(architecture: str, corpus: str, settings: MapSettings) -> ArtifactSpec:
    """The cache key of a map: its settings, keyed on the model it was drawn from.

    A map of other settings than the app's default ones is a result of a visitor's sliders: it counts
    against the model cache's budget for such results (the least recently used are removed past it)."""
    return ArtifactSpec("word-map", settings.parameters(), model_spec(architecture, corpus).key,
                        bounded=not is_default_map(corpus, settings))


def is_default_map(corpus: str, settings: MapSettings) -> bool:
    """Whether this is a map the warm start pre-trains (kept), not one of a visitor's settings (a bounded fit)."""
    return corpus == DEFAULT_CORPUS and settings.parameters() == MapSettings().parameters()


def word2vec_model(architecture: str, corpus: str = DEFAULT_CORPUS) -> Artifact:
    """The app's word2vec model of ``architecture`` on a named corpus."""
    return Artifact(name=f"word2vec-{architecture}" + ("" if corpus == DEFAULT_CORPUS else f"-{corpus}"),
                    description=f"word2vec {ARCHITECTURES[architecture]} on the {corpus} corpus",
                    spec=lambda: model_spec(architecture, corpus), build="models.word2vec.model:trained_model",
                    arguments=(architecture, corpus), data=corpus_datasets(corpus),
                    estimate=training_seconds(architecture, corpus))


def word_map(architecture: str, corpus: str = DEFAULT_CORPUS, settings: MapSettings = MapSettings()) -> Artifact:
    """A map of that model's most frequent words (t-SNE by default); training it trains the model first if needed.

    The default map is pre-trained with the models; a map of other settings is a fit (a job on a fit worker,
    kept on disk within the results' budget)."""
    default = is_default_map(corpus, settings)
    description = (f"default t-SNE map of the word2vec {ARCHITECTURES[architecture]} vectors ({corpus})" if default
                   else f"{settings.method} map of {settings.n_words:,} words of the word2vec "
                        f"{ARCHITECTURES[architecture]} vectors ({corpus})")
    return Artifact(name=f"word-map-{architecture}", description=description,
                    spec=lambda: map_spec(architecture, corpus, settings), build="models.word2vec.word_map:trained_map",
                    arguments=(architecture, corpus, settings), data=corpus_datasets(corpus), estimate=3.0,
                    kind=TRAINING if default else FIT, needs=(word2vec_model(architecture, corpus),))


WORD2VEC_MODELS = tuple(word2vec_model(architecture) for architecture in ARCHITECTURES)
WORD_MAPS = tuple(word_map(architecture) for architecture in ARCHITECTURES)
