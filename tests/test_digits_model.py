"""The digits CNN on a small MNIST subset: training, the cached artifact and its report, reading drawings."""
import numpy as np
import pytest

from data.mnist import load_mnist
from core.cache import ModelCache
from models.digits.artifacts import DIGITS_CNN, DigitsConfig, spec
from models.digits.model import (CONV_LAYERS, DigitClassifier, Reading, augment, load_trained, read_drawing, tile_maps)
from models.digits.preprocess import Prepared



@pytest.fixture(scope="module")
def quick_config():
    """The quick configuration (4,000 training digits, 1 epoch), as the tests' app runs it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ML_ATLAS_QUICK", "1")
        return DigitsConfig.default()


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """Shared with the page tests (same folder), so the quick model is trained once per test session."""
    return ModelCache(tmp_path_factory.getbasetemp() / "digits-quick-models")


@pytest.fixture(scope="module")
def trained(cache, quick_config):
    return load_trained(config=quick_config, cache=cache)


@pytest.fixture(scope="module")
def test_digits():
    images, labels = load_mnist("test")
    return images[:1_000], labels[:1_000]


def test_learns_digits_from_a_small_subset(trained, test_digits):
    images, labels = test_digits
    probabilities = trained.classifier.predict_proba(images)
    assert probabilities.shape == (1_000, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)
    assert (probabilities.argmax(axis=1) == labels).mean() > 0.8


def test_report_is_stored_with_the_model_and_matches_it(trained, test_digits, cache, quick_config):
    images, labels = load_mnist("test")
    images, labels = images[:2_000], labels[:2_000]
    report = trained.report
    assert report.test_images == 2_000 and report.confusion.sum() == 2_000
    assert report.accuracy == pytest.approx((trained.classifier.predict(images) == labels).mean(), abs=1e-9)
    assert report.accuracy == pytest.approx(np.trace(report.confusion) / 2_000)
    assert (report.wrong_true != report.wrong_predicted).all()
    assert report.wrong_images.shape[1:] == (28, 28)
    assert np.all(np.diff(report.wrong_confidence) <= 1e-9), "gallery starts with the most confident mistakes"
    assert {"model.keras", "report.json", "report.npz"} <= {p.name for p in cache.path(spec(quick_config)).iterdir()}
    reloaded = load_trained(config=quick_config, cache=cache)  # from disk this time, not trained again
    np.testing.assert_allclose(reloaded.classifier.predict_proba(images[:20]),
                               trained.classifier.predict_proba(images[:20]), atol=1e-5)
    assert reloaded.report.accuracy == report.accuracy


def test_reads_a_canvas_drawing_and_shows_feature_maps(trained, test_digits):
    images, labels = test_digits
    canvas = np.zeros((280, 280, 4), dtype=np.uint8)
    canvas[..., :3] = 255
    canvas[60:228, 100:184, 3] = np.kron(images[0], np.ones((6, 3), dtype=np.uint8))  # stretched, off-centre
    reading = read_drawing(trained.classifier, canvas)
    assert isinstance(reading, Reading) and reading.probabilities.shape == (10,)
    assert read_drawing(trained.classifier, np.zeros((280, 280, 4), dtype=np.uint8)) is None
    maps = trained.classifier.feature_maps(reading.prepared.image)
    assert list(maps) == list(CONV_LAYERS)
    assert [m.shape[:2] for m in maps.values()] == [(28, 28), (14, 14), (7, 7)]
    assert all((m >= 0).all() for m in maps.values()), "maps are taken after the ReLU"
    grid = tile_maps(maps["conv1"])
    assert grid.shape == (2 * 28 + 1, 8 * 28 + 7) and 0.0 <= grid.min() and grid.max() <= 1.0


def test_unsure_and_scribble_verdicts():
    image = np.zeros((28, 28), dtype=np.float32)
    flat = np.full(10, 0.1)
    confident = np.eye(10)[3] * 0.9 + 0.01
    assert Reading(Prepared(image, fill=0.1), confident).verdict == "digit"
    assert Reading(Prepared(image, fill=0.1), confident).digit == 3
    assert Reading(Prepared(image, fill=0.1), flat).verdict == "unsure"
    assert Reading(Prepared(image, fill=0.9), confident).verdict == "scribble"


def test_augmentation_keeps_digits_recognisable_and_in_range(test_digits):
    import tensorflow as tf

    images = test_digits[0][:32].astype(np.float32)[..., None] / 255.0
    augmented = augment(tf.constant(images), DigitsConfig(), tf.constant([1, 2])).numpy()
    assert augmented.shape == images.shape and augmented.min() >= 0.0 and augmented.max() <= 1.0 + 1e-6
    assert not np.allclose(augmented, images)
    ink_ratio = augmented.sum(axis=(1, 2, 3)) / images.sum(axis=(1, 2, 3))
    assert np.all((ink_ratio > 0.4) & (ink_ratio < 2.0)), "strokes get thicker or thinner, digits do not vanish"


def test_pretrainable_entry_is_cheap_to_query():
    entry = DIGITS_CNN
    assert entry.name == "digits-cnn"
    assert entry.is_trained() in (True, False)


def test_classifier_accepts_uint8_and_float_images(trained, test_digits):
    images = test_digits[0][:5]
    np.testing.assert_allclose(trained.classifier.predict_proba(images),
                               trained.classifier.predict_proba(images / 255.0), atol=1e-5)
    assert isinstance(trained.classifier, DigitClassifier)
