"""The digit reader's trained artifacts, the CNN and its map of the training digits: their configuration, cache keys
and declarations (light: no TensorFlow)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from core.artifacts import Artifact
from core.cache import ArtifactSpec
from core.settings import quick_mode
from data.locate import dataset_checksum

MODEL_NAME = "digits-cnn"
EMBEDDING_NAME = "digits-embedding"
EMBEDDING_LAYER = "dense"
"""The penultimate layer: where the network places a digit just before naming it (nearest training digits)."""


@dataclass(frozen=True)
class DigitsConfig:
    """Everything that shapes the trained model (part of its cache key)."""

    train_images: int = 60_000
    test_images: int = 10_000
    epochs: int = 5
    batch_size: int = 128
    filters: tuple[int, int, int] = (32, 64, 128)
    dense_units: int = 128
    dropout: float = 0.3
    peak_learning_rate: float = 3e-3
    rotation_degrees: float = 10.0
    zoom: float = 0.1
    shift_pixels: float = 2.0
    stroke_jitter: float = 0.5
    seed: int = 0

    @classmethod
    def default(cls) -> "DigitsConfig":
        """The full configuration, or a small fast one in quick mode (tests, CI)."""
        return cls(train_images=4_000, test_images=2_000, epochs=1, batch_size=64) if quick_mode() else cls()


def spec(config: DigitsConfig | None = None) -> ArtifactSpec:
    config = config or DigitsConfig.default()
    return ArtifactSpec(MODEL_NAME, asdict(config), dataset_checksum("mnist"))


DIGITS_CNN = Artifact(
    name=MODEL_NAME,
    description="CNN on all 60,000 MNIST training digits (about 19 minutes on a training worker)",
    spec=spec,
    build="models.digits.model:load_trained",
    data=("mnist",),
    estimate=1113.0,
)


def embedding_spec(config: DigitsConfig | None = None) -> ArtifactSpec:
    """The embedding of the CNN's training digits: keyed on the CNN it was computed with."""
    config = config or DigitsConfig.default()
    return ArtifactSpec(EMBEDDING_NAME, {"layer": EMBEDDING_LAYER, "images": config.train_images}, spec(config).key)


DIGITS_EMBEDDING = Artifact(
    name=EMBEDDING_NAME,
    description="the CNN's penultimate layer for each of its MNIST training digits (about 30 s)",
    spec=embedding_spec,
    build="models.digits.explain:load_embedding",
    data=("mnist",),
    estimate=30.0,
    needs=(DIGITS_CNN,),
)
