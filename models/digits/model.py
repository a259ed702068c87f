"""A compact Keras CNN that reads handwritten digits, trained on all of MNIST.

The classic design (convolution -> pooling -> convolution -> pooling -> dense
with dropout) plus batch normalisation, light augmentation (small rotations,
zooms, shifts and stroke-width changes, which also make it robust to how people
draw) and a warm-up + cosine learning-rate schedule, sized to train in a few
minutes on a 2-core CPU. Trained artifacts hold the model (``model.keras``) and
its report on the 10,000 test digits (``report.json`` + ``report.npz``), so a
page never re-evaluates the test set.

Its cache key and declaration are in :mod:`models.digits.artifacts`, light to import; this module imports TensorFlow.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from core.cache import ModelCache
from core.progress import TrainingProgress
from data.mnist import load_mnist
from models.digits.artifacts import EMBEDDING_LAYER, DigitsConfig, spec
from models.digits.preprocess import Prepared, prepare

CONFIDENT = 0.7
"""Below this top probability the page says the model is unsure instead of naming a digit."""
GALLERY_SIZE = 60
CONV_LAYERS = ("conv1", "conv2", "conv3")


def build_network(config: DigitsConfig):
    """conv -> pool -> conv -> pool -> conv -> dense -> softmax, each conv followed by batch norm + ReLU."""
    inputs = keras.Input((28, 28, 1), name="digit")
    hidden = inputs
    for index, filters in enumerate(config.filters, start=1):
        hidden = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{index}")(hidden)
        hidden = layers.BatchNormalization(momentum=0.9, name=f"conv{index}_bn")(hidden)
        hidden = layers.ReLU(name=f"conv{index}_relu")(hidden)
        if index < len(config.filters):
            hidden = layers.MaxPooling2D(name=f"pool{index}")(hidden)
    hidden = layers.Flatten()(hidden)
    hidden = layers.Dropout(config.dropout)(hidden)
    hidden = layers.Dense(config.dense_units, activation="relu", name="dense")(hidden)
    hidden = layers.Dropout(config.dropout)(hidden)
    outputs = layers.Dense(10, activation="softmax", name="probabilities")(hidden)
    return keras.Model(inputs, outputs, name="digits_cnn")


def augment(images, config: DigitsConfig, seed):
    """Randomly rotate, zoom, shift and thicken/thin a batch of (n, 28, 28, 1) float images (one affine warp each)."""
    n = tf.shape(images)[0]
    seeds = tf.random.experimental.stateless_split(seed, 5)
    angle = tf.random.stateless_uniform([n], seeds[0], -1.0, 1.0) * config.rotation_degrees * np.pi / 180
    scale = 1.0 + tf.random.stateless_uniform([n], seeds[1], -config.zoom, config.zoom)
    shift = tf.random.stateless_uniform([n, 2], seeds[2], -config.shift_pixels, config.shift_pixels)
    # Output pixel (x, y) samples input at A @ ((x, y) - c) + c - shift, A = rotation / scale, c = centre.
    cos, sin, centre = tf.cos(angle) / scale, tf.sin(angle) / scale, 13.5
    a0, a1, b0, b1 = cos, -sin, sin, cos
    tx = centre - a0 * centre - a1 * centre - shift[:, 0]
    ty = centre - b0 * centre - b1 * centre - shift[:, 1]
    zeros = tf.zeros_like(cos)
    transforms = tf.stack([a0, a1, tx, b0, b1, ty, zeros, zeros], axis=1)
    warped = tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transforms, output_shape=[28, 28], fill_value=0.0,
        interpolation="BILINEAR", fill_mode="CONSTANT")
    # Stroke width: blend towards a 3x3 dilation (thicker) or erosion (thinner) by a random amount.
    amount = tf.random.stateless_uniform([n, 1, 1, 1], seeds[3], -config.stroke_jitter, config.stroke_jitter)
    dilated = tf.nn.max_pool2d(warped, 3, 1, "SAME")
    eroded = -tf.nn.max_pool2d(-warped, 3, 1, "SAME")
    return tf.where(amount > 0, warped + amount * (dilated - warped), warped - amount * (eroded - warped))


def progress_callback(progress: TrainingProgress, total_steps: int, steps_per_epoch: int, share: float):
    """A Keras callback relaying the batch count and loss to ``progress`` (up to ``share`` of the bar)."""
    class Relay(keras.callbacks.Callback):
        step = 0

        def on_train_batch_end(self, batch, logs=None):
            self.step += 1
            if self.step % 20 == 0 or self.step == total_steps:
                epoch = (self.step - 1) // steps_per_epoch + 1
                loss = (logs or {}).get("loss", float("nan"))
                progress.update(share * self.step / total_steps,
                                f"Training epoch {epoch}: batch {self.step}/{total_steps}, loss {loss:.3f}")

    return Relay()


class DigitClassifier:
    """Estimator-style CNN: ``fit(images, labels)``, ``predict_proba(images)``, ``feature_maps(image)``.

    Images are (n, 28, 28) arrays, uint8 0..255 or float 0..1, bright digit on dark.
    """
    def __init__(self, config: DigitsConfig | None = None):
        self.config = config or DigitsConfig.default()
        self.model_ = None
        self.fit_seconds_: float | None = None

    def fit(self, images: np.ndarray, labels: np.ndarray, progress: TrainingProgress | None = None,
            progress_share: float = 1.0) -> "DigitClassifier":
        """Train from scratch with augmentation and a warm-up + cosine-decay learning rate."""
        config, progress = self.config, progress or TrainingProgress()
        keras.utils.set_random_seed(config.seed)
        x = as_model_input(images)
        y = np.asarray(labels, dtype=np.int32)
        steps_per_epoch = int(np.ceil(len(x) / config.batch_size))
        total_steps = steps_per_epoch * config.epochs
        warmup = max(1, total_steps // 10)
        schedule = keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=config.peak_learning_rate / 10, decay_steps=total_steps - warmup, alpha=0.01,
            warmup_target=config.peak_learning_rate, warmup_steps=warmup)
        self.model_ = build_network(config)
        self.model_.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                            metrics=["accuracy"])
        seeds = tf.data.Dataset.random(seed=config.seed, rerandomize_each_iteration=True).batch(2)
        batches = (tf.data.Dataset.from_tensor_slices((x, y))
                   .shuffle(len(x), seed=config.seed, reshuffle_each_iteration=True)
                   .batch(config.batch_size))
        batches = (tf.data.Dataset.zip((batches, seeds))
                   .map(lambda xy, s: (augment(xy[0], config, tf.cast(s, tf.int32)), xy[1]),
                        num_parallel_calls=tf.data.AUTOTUNE)
                   .prefetch(tf.data.AUTOTUNE))
        callback = progress_callback(progress, total_steps, steps_per_epoch, progress_share)
        started = time.perf_counter()
        self.model_.fit(batches, epochs=config.epochs, shuffle=False, verbose=0, callbacks=[callback])
        self.fit_seconds_ = time.perf_counter() - started
        self._compile_inference()
        return self

    def _compile_inference(self) -> None:
        """Traced functions for single drawings (model.predict is far slower for one sample)."""
        model = self.model_
        conv_outputs = [model.get_layer(f"{name}_relu").output for name in CONV_LAYERS]
        maps_model = keras.Model(model.inputs, conv_outputs)
        embedding_model = keras.Model(model.inputs, model.get_layer(EMBEDDING_LAYER).output)
        spec = tf.TensorSpec([None, 28, 28, 1], tf.float32)
        self._forward = tf.function(lambda batch: model(batch, training=False), input_signature=[spec])
        self._maps = tf.function(lambda batch: maps_model(batch, training=False), input_signature=[spec])
        self._embed = tf.function(lambda batch: embedding_model(batch, training=False), input_signature=[spec])

    def predict_proba(self, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
        """(n, 10) class probabilities."""
        return batched(self._forward, as_model_input(images), batch_size)

    def embed(self, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
        """(n, dense units) activations of the penultimate layer: where the network places each image."""
        return batched(self._embed, as_model_input(images), batch_size)

    def predict(self, images: np.ndarray) -> np.ndarray:
        return self.predict_proba(images).argmax(axis=1)

    def feature_maps(self, image: np.ndarray) -> dict[str, np.ndarray]:
        """Each convolution layer's activations (after batch norm + ReLU) for one image: name -> (h, w, channels)."""
        outputs = self._maps(as_model_input(image[None]))
        return {name: output.numpy()[0] for name, output in zip(CONV_LAYERS, outputs)}

    def save(self, folder: Path) -> None:
        self.model_.save(folder / "model.keras")

    @classmethod
    def load(cls, folder: Path, config: DigitsConfig) -> "DigitClassifier":

        classifier = cls(config)
        classifier.model_ = keras.models.load_model(folder / "model.keras", compile=False)
        classifier._compile_inference()
        return classifier


def batched(function, x: np.ndarray, batch_size: int) -> np.ndarray:
    """A traced function's outputs over ``x`` in batches of ``batch_size``, joined."""
    return np.concatenate([function(x[i: i + batch_size]).numpy() for i in range(0, len(x), batch_size)])


def as_model_input(images: np.ndarray) -> np.ndarray:
    """(n, 28, 28) uint8 or float images -> (n, 28, 28, 1) float32 in [0, 1]."""
    x = np.asarray(images)
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    return x.reshape(-1, 28, 28, 1)


@dataclass(frozen=True)
class Report:
    """How the model does on the test digits: accuracy, confusion matrix, the digits it gets wrong."""
    accuracy: float
    test_images: int
    fit_seconds: float
    confusion: np.ndarray
    """confusion[true, predicted] counts."""
    wrong_images: np.ndarray
    wrong_true: np.ndarray
    wrong_predicted: np.ndarray
    wrong_confidence: np.ndarray

    @classmethod
    def evaluate(cls, classifier: DigitClassifier, images: np.ndarray, labels: np.ndarray) -> "Report":
        probabilities = classifier.predict_proba(images)
        predicted = probabilities.argmax(axis=1)
        confusion = np.zeros((10, 10), dtype=np.int64)
        np.add.at(confusion, (labels.astype(int), predicted), 1)
        wrong = np.flatnonzero(predicted != labels)
        wrong = wrong[np.argsort(-probabilities[wrong, predicted[wrong]])][:GALLERY_SIZE]
        return cls(accuracy=float((predicted == labels).mean()), test_images=len(labels),
                   fit_seconds=float(classifier.fit_seconds_ or 0.0), confusion=confusion,
                   wrong_images=np.asarray(images[wrong], dtype=np.uint8), wrong_true=labels[wrong].astype(np.int64),
                   wrong_predicted=predicted[wrong], wrong_confidence=probabilities[wrong, predicted[wrong]])

    def save(self, folder: Path) -> None:
        summary = {"accuracy": self.accuracy, "test_images": self.test_images, "fit_seconds": self.fit_seconds}
        (folder / "report.json").write_text(json.dumps(summary, indent=1))
        np.savez_compressed(folder / "report.npz", confusion=self.confusion, wrong_images=self.wrong_images,
                            wrong_true=self.wrong_true, wrong_predicted=self.wrong_predicted,
                            wrong_confidence=self.wrong_confidence)

    @classmethod
    def load(cls, folder: Path) -> "Report":
        summary = json.loads((folder / "report.json").read_text())
        with np.load(folder / "report.npz", allow_pickle=False) as arrays:
            return cls(**summary, **{key: arrays[key] for key in arrays.files})


@dataclass
class TrainedDigits:
    """What a page needs: the classifier and its test report."""
    classifier: DigitClassifier
    report: Report
    config: DigitsConfig


def train_artifact(folder: Path, progress: TrainingProgress, config: DigitsConfig, locator=None) -> None:
    """Train on the (first ``train_images``) training digits, evaluate on the test digits, save both."""
    progress.update(0.0, "Loading MNIST")
    train_x, train_y = load_mnist("train", locator)
    test_x, test_y = load_mnist("test", locator)
    classifier = DigitClassifier(config).fit(train_x[: config.train_images], train_y[: config.train_images],
                                             progress, progress_share=0.95)
    progress.update(0.95, f"Evaluating on {config.test_images:,} test digits")
    classifier.save(folder)
    Report.evaluate(classifier, test_x[: config.test_images], test_y[: config.test_images]).save(folder)
    progress.update(1.0, "Done")


def load_trained(progress: TrainingProgress | None = None, config: DigitsConfig | None = None,
                 cache: ModelCache | None = None, locator=None) -> TrainedDigits:
    """The trained model and its report from the model cache, training them first if needed."""
    config = config or DigitsConfig.default()
    return (cache or ModelCache()).get_or_train(
        spec(config),
        lambda folder, prog: train_artifact(folder, prog, config, locator),
        lambda folder: TrainedDigits(DigitClassifier.load(folder, config), Report.load(folder), config),
        progress,
    )


@dataclass(frozen=True)
class Reading:
    """What the model makes of one drawing."""
    prepared: Prepared
    probabilities: np.ndarray

    @property
    def digit(self) -> int:
        return int(self.probabilities.argmax())

    @property
    def confidence(self) -> float:
        return float(self.probabilities.max())

    @property
    def verdict(self) -> str:
        """'digit', 'unsure' (top probability under CONFIDENT) or 'scribble' (too much ink for a digit)."""
        if self.prepared.looks_like_scribble:
            return "scribble"
        return "digit" if self.confidence >= CONFIDENT else "unsure"


def read_drawing(classifier: DigitClassifier, rgba: np.ndarray) -> Reading | None:
    """Preprocess a canvas image and classify it; None for a blank canvas."""
    prepared = prepare(rgba)
    if prepared is None:
        return None
    return Reading(prepared, classifier.predict_proba(prepared.image[None])[0])


def tile_maps(maps: np.ndarray, columns: int = 8, limit: int = 16, pad: int = 1) -> np.ndarray:
    """Up to ``limit`` channels of an (h, w, channels) activation as one grey grid in [0, 1], each scaled alone."""
    channels = maps[..., :limit]
    peak = channels.max(axis=(0, 1), keepdims=True)
    channels = np.where(peak > 0, channels / np.maximum(peak, 1e-6), 0.0)
    h, w, count = channels.shape
    rows = int(np.ceil(count / columns))
    grid = np.ones((rows * (h + pad) - pad, columns * (w + pad) - pad), dtype=np.float32)
    for index in range(count):
        r, c = divmod(index, columns)
        grid[r * (h + pad): r * (h + pad) + h, c * (w + pad): c * (w + pad) + w] = channels[..., index]
    return grid
