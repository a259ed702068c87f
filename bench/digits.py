"""Digits bench: test accuracy, training time, drawing latency and robustness to how people draw.

Run from the project root: ``.venv/bin/python -m bench.digits`` (trains the full
model first when the model cache does not hold it yet; the training time is the
one measured when the cached model was trained).

Robustness: every MNIST test digit is rendered onto a 280x280 canvas the way a
user might draw it -- at a random position, with its height 30-95% of the
canvas, strokes thickened by a random amount, half of them white ink on a
transparent canvas and half black ink on an opaque white one -- and read back
through the page's own preprocessing and model.
"""
from __future__ import annotations

import time

import numpy as np
from PIL import Image
from scipy import ndimage

from data.mnist import load_mnist
from core.cache import ModelCache, verify
from core.progress import TrainingProgress
from models.digits.model import DigitsConfig, load_trained, read_drawing, spec
from models.digits.preprocess import prepare

CANVAS = 280
TARGETS = {"accuracy": 0.994, "train_seconds": 300.0, "p95_ms": 20.0, "robust": 0.985}


class PrintProgress(TrainingProgress):
    def __init__(self):
        self.last = -1

    def update(self, fraction: float, message: str = "") -> None:
        if int(fraction * 10) != self.last:
            self.last = int(fraction * 10)
            print(f"  {fraction:4.0%} {message}", flush=True)


def render_on_canvas(digit: np.ndarray, rng: np.random.Generator, inverted: bool) -> np.ndarray:
    """An (280, 280, 4) uint8 canvas image of a 28x28 MNIST digit drawn big or small, anywhere, thick or thin."""
    ink = digit.astype(np.float32) / 255.0
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0.1), np.flatnonzero(ink.max(axis=0) > 0.1)
    crop = ink[rows[0]: rows[-1] + 1, cols[0]: cols[-1] + 1]
    height = rng.uniform(0.30, 0.95) * CANVAS
    scale = min(height / crop.shape[0], 0.95 * CANVAS / crop.shape[1])
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    big = np.asarray(Image.fromarray(crop, mode="F").resize(size, Image.Resampling.BILINEAR))
    big = np.clip((big - 0.25) / 0.5, 0.0, 1.0)  # crisp brush-like edges instead of blurred upscaling
    radius = int(rng.integers(0, max(1, round(0.04 * size[1])) + 1))
    if radius:
        disk = np.hypot(*np.mgrid[-radius: radius + 1, -radius: radius + 1]) <= radius
        big = ndimage.grey_dilation(np.pad(big, radius), footprint=disk)
    big = big[: CANVAS, : CANVAS]
    top = int(rng.integers(0, CANVAS - big.shape[0] + 1))
    left = int(rng.integers(0, CANVAS - big.shape[1] + 1))
    layer = np.zeros((CANVAS, CANVAS), dtype=np.float32)
    layer[top: top + big.shape[0], left: left + big.shape[1]] = big
    canvas = np.zeros((CANVAS, CANVAS, 4), dtype=np.uint8)
    if inverted:  # black brush on an opaque white canvas
        canvas[..., :3] = np.round(255 * (1 - layer))[..., None]
        canvas[..., 3] = 255
    else:  # white brush on a transparent canvas: the ink is the opacity
        canvas[..., :3] = 255
        canvas[..., 3] = np.round(255 * layer)
    return canvas


def robustness(classifier, images: np.ndarray, labels: np.ndarray, seed: int = 0) -> float:
    """Accuracy on test digits rendered onto a canvas and read through the page's preprocessing."""
    rng = np.random.default_rng(seed)
    prepared = []
    for index, digit in enumerate(images):
        result = prepare(render_on_canvas(digit, rng, inverted=bool(index % 2)))
        prepared.append(np.zeros((28, 28), np.float32) if result is None else result.image)
    return float((classifier.predict(np.stack(prepared)) == labels).mean())


def latency_ms(classifier, images: np.ndarray, repeats: int = 300, seed: int = 1) -> tuple[float, float]:
    """p50 and p95 of preprocessing + inference for one canvas drawing, in milliseconds."""
    rng = np.random.default_rng(seed)
    canvases = [render_on_canvas(images[i % len(images)], rng, inverted=False) for i in range(repeats)]
    for canvas in canvases[:20]:
        read_drawing(classifier, canvas)
    times = []
    for canvas in canvases:
        started = time.perf_counter()
        read_drawing(classifier, canvas)
        times.append((time.perf_counter() - started) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    config = DigitsConfig.default()
    print(f"Digits bench: config {config}")
    trained = load_trained(PrintProgress(), config)
    manifest = verify(ModelCache().path(spec(config)))
    report = trained.report
    test_x, test_y = load_mnist("test")
    test_x, test_y = test_x[: config.test_images], test_y[: config.test_images]

    print(f"model trained at {manifest['created']} (fit on {config.train_images:,} images, {config.epochs} epochs)")
    print(f"test accuracy        {report.accuracy:.2%} on {report.test_images:,} test digits "
          f"(target >= {TARGETS['accuracy']:.1%}: {verdict(report.accuracy >= TARGETS['accuracy'])})")
    fast_enough = report.fit_seconds <= TARGETS["train_seconds"]
    print(f"training time        {report.fit_seconds:.0f} s fit, {manifest['training_seconds']:.0f} s with loading and "
          f"evaluation (target <= {TARGETS['train_seconds']:.0f} s: {verdict(fast_enough)})")
    p50, p95 = latency_ms(trained.classifier, test_x)
    print(f"drawing -> prediction p50 {p50:.1f} ms, p95 {p95:.1f} ms (preprocessing + inference, 280x280 canvas; "
          f"target p95 <= {TARGETS['p95_ms']:.0f} ms: {verdict(p95 <= TARGETS['p95_ms'])})")
    started = time.perf_counter()
    robust = robustness(trained.classifier, test_x, test_y)
    print(f"robustness           {robust:.2%} on {len(test_y):,} test digits drawn on the canvas at random positions, "
          f"heights 30-95%, thickened strokes ({time.perf_counter() - started:.0f} s; "
          f"target >= {TARGETS['robust']:.1%}: {verdict(robust >= TARGETS['robust'])})")


if __name__ == "__main__":
    main()
