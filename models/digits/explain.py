"""Why the digit reader read what it read: occlusion saliency over its 28x28 input, and the training digits it places
nearest to a drawing.

Occlusion: a square patch (6x6 pixels by default) slides over the image in steps of 2 pixels and is blanked (set to
the background) at each place; a pixel's saliency for a digit is how much the digit's log-probability falls, on
average over the patches that cover the pixel. Positive where the ink speaks for the digit, negative where it
speaks against it. One pass gives the maps of all ten digits. Blanking a patch without ink leaves the image as it
was, so only the patches holding ink are read: those, with the drawing itself, go through the traced network in
one batch (a drawing's hundred-odd images take 50-70 ms on two busy cores). Patches smaller than a part of the
drawing miss it (blanking half of a blob leaves a blob), so the default patch is a stroke's width and more.

The nearest training digits are found in the penultimate layer (the 128 units just before the digits are named),
by cosine similarity. The training digits' places there are an artifact of their own, computed once after the CNN
(:data:`models.digits.artifacts.DIGITS_EMBEDDING`), so a drawing's look-up is one matrix product of milliseconds.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.cache import ModelCache
from core.progress import TrainingProgress
from data.mnist import load_mnist
from models.digits.artifacts import DigitsConfig, embedding_spec, spec
from models.digits.model import DigitClassifier, load_trained
from models.digits.preprocess import SIZE

PATCH = 6
PATCH_SIZES = (4, 6, 8)
STRIDE = 2
EMBEDDING_CHUNK = 2_000
"""Training digits embedded between two progress updates."""


def occlusion(classifier: DigitClassifier, image: np.ndarray, patch: int = PATCH, stride: int = STRIDE) -> np.ndarray:
    """(10, 28, 28) occlusion saliency of a (28, 28) image in [0, 1] for each digit (see the module's text)."""
    corners = [(top, left) for top in range(0, SIZE - patch + 1, stride) for left in range(0, SIZE - patch + 1, stride)]
    inked = [(top, left) for top, left in corners if image[top: top + patch, left: left + patch].any()]
    batch = np.repeat(np.asarray(image, dtype=np.float32)[None], len(inked) + 1, axis=0)  # batch[0]: as drawn
    for index, (top, left) in enumerate(inked, start=1):
        batch[index, top: top + patch, left: left + patch] = 0.0
    log_probabilities = np.log(np.maximum(classifier.predict_proba(batch), np.finfo(np.float32).tiny))
    falls = log_probabilities[0] - log_probabilities[1:]
    total = np.zeros((10, SIZE, SIZE), dtype=np.float32)
    for (top, left), fall in zip(inked, falls):
        total[:, top: top + patch, left: left + patch] += fall[:, None, None]
    covering = np.zeros((SIZE, SIZE), dtype=np.float32)  # every patch over a pixel counts, blank ones with a fall of 0
    for top, left in corners:
        covering[top: top + patch, left: left + patch] += 1
    return total / covering


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (a row of zeros stays zeros)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)


@dataclass(frozen=True)
class Neighbours:
    """Training digits nearest to a drawing, nearest first."""
    indices: np.ndarray
    """Their places in the MNIST training set."""
    similarities: np.ndarray
    """Cosine similarity of their penultimate-layer activations to the drawing's."""
    labels: np.ndarray
    images: np.ndarray
    """(k, 28, 28) uint8."""


@dataclass(frozen=True)
class TrainingEmbedding:
    """Where the network places each of its training digits: its penultimate layer, as unit vectors."""
    vectors: np.ndarray
    """(n, units) float32, each of length 1 (or 0 where no unit fires)."""
    images: np.ndarray
    """(n, 28, 28) uint8, the training digits themselves."""
    labels: np.ndarray

    def nearest(self, classifier: DigitClassifier, image: np.ndarray, k: int) -> Neighbours:
        """The ``k`` training digits most like ``image`` (28, 28) in the network's penultimate layer."""
        similarity = self.vectors @ unit_rows(classifier.embed(image[None]))[0]
        best = np.argpartition(-similarity, k - 1)[:k]
        best = best[np.argsort(-similarity[best], kind="stable")]
        return Neighbours(best, similarity[best], self.labels[best], self.images[best])

    def save(self, folder: Path) -> None:
        np.savez_compressed(folder / "embedding.npz", vectors=self.vectors, images=self.images, labels=self.labels)

    @classmethod
    def load(cls, folder: Path) -> "TrainingEmbedding":
        with np.load(folder / "embedding.npz", allow_pickle=False) as arrays:
            return cls(arrays["vectors"], arrays["images"], arrays["labels"])


def embed_training_digits(folder: Path, progress: TrainingProgress, classifier: DigitClassifier,
                          config: DigitsConfig, locator=None) -> None:
    """Place the CNN's training digits (the first ``train_images``) in its penultimate layer and save them."""
    progress.update(0.0, "Loading MNIST")
    images, labels = load_mnist("train", locator)
    images, labels = images[: config.train_images], labels[: config.train_images]
    vectors = []
    for start in range(0, len(images), EMBEDDING_CHUNK):
        vectors.append(classifier.embed(images[start: start + EMBEDDING_CHUNK]))
        progress.update(0.95 * (start + len(vectors[-1])) / len(images),
                        f"Embedding training digits: {start + len(vectors[-1]):,} of {len(images):,}")
    TrainingEmbedding(unit_rows(np.concatenate(vectors)), images, labels).save(folder)
    progress.update(1.0, "Done")


def load_embedding(progress: TrainingProgress | None = None, config: DigitsConfig | None = None,
                   cache: ModelCache | None = None, locator=None) -> TrainingEmbedding:
    """The training digits' embedding from the model cache; computed first if missing (training the CNN first if
    that is missing too). Loading it does not load the CNN."""
    config, progress, cache = config or DigitsConfig.default(), progress or TrainingProgress(), cache or ModelCache()
    cnn_share = 0.0 if cache.has(spec(config)) else 0.75  # the CNN takes about three times as long as the embedding

    def compute(folder: Path, part: TrainingProgress) -> None:
        trained = load_trained(part.part(0.0, cnn_share, "CNN"), config, cache, locator)
        embed_training_digits(folder, part.part(cnn_share, 1.0, "Embedding"), trained.classifier, config, locator)

    return cache.get_or_train(embedding_spec(config), compute, TrainingEmbedding.load, progress)
