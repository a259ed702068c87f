"""Why the digits CNN reads what it reads: occlusion saliency, the training digits' embedding and its nearest
neighbours, and the session gallery's score; on the quick model (shared with the model tests) and real MNIST."""
import numpy as np
import pytest

from data.mnist import load_mnist
from models.digits.artifacts import DIGITS_CNN, DIGITS_EMBEDDING, EMBEDDING_NAME, embedding_spec, spec
from models.digits.explain import PATCH_SIZES, TrainingEmbedding, load_embedding, occlusion
from models.digits.gallery import SessionGallery
from models.digits.model import Reading
from models.digits.preprocess import Prepared
from test_digits_model import cache, quick_config, trained  # noqa: F401 (fixtures: the quick model, trained once)

BLOCK = 6


@pytest.fixture(scope="module")
def embedding(cache, quick_config):  # noqa: F811
    return load_embedding(config=quick_config, cache=cache)


@pytest.fixture(scope="module")
def test_images():
    images, labels = load_mnist("test")
    return images[:40] / 255.0, labels[:40]


def blocked_digits(classifier, images):
    """Real test digits with a bright 6x6 block added where it changes the network's reading:
    (image with the block, the block's mask, the ink outside it, the new reading)."""
    readings = classifier.predict_proba(images).argmax(axis=1)
    found = []
    for image, reading in zip(images, readings):
        for top in range(2, 21, 4):
            for left in range(2, 21, 4):
                mask = np.zeros((28, 28), dtype=bool)
                mask[top: top + BLOCK, left: left + BLOCK] = True
                blocked = np.where(mask, 1.0, image)
                new_reading = int(classifier.predict_proba(blocked[None])[0].argmax())
                if new_reading != reading:
                    found.append((blocked, mask, (image > 0.3) & ~mask, new_reading))
    return found


def test_a_block_that_changes_the_reading_is_what_the_new_reading_rests_on(trained, test_images):  # noqa: F811
    cases = blocked_digits(trained.classifier, test_images[0])
    assert len(cases) >= 20, "enough blocks change the reading to judge the maps"
    salient = []
    for blocked, mask, ink, reading in cases:
        saliency = occlusion(trained.classifier, blocked)[reading]
        salient.append(saliency[mask].mean() > saliency[ink].mean())
    assert np.mean(salient) >= 0.8, f"the block outweighs the digit's own ink in {np.mean(salient):.0%} of cases"


def test_occlusion_is_the_mean_fall_over_every_patch_covering_a_pixel(trained, test_images):  # noqa: F811
    """Against blanking every patch (blank ones too) one at a time: reading only the inked ones in one batch gives
    the same maps, and pixels that no inked patch covers get exactly 0."""
    image, patch, stride = test_images[0][3], 4, 2
    classifier = trained.classifier
    log_p = lambda x: np.log(np.maximum(classifier.predict_proba(x[None])[0], np.finfo(np.float32).tiny))
    total, covering = np.zeros((10, 28, 28)), np.zeros((28, 28))
    for top in range(0, 28 - patch + 1, stride):
        for left in range(0, 28 - patch + 1, stride):
            blanked = image.copy()
            blanked[top: top + patch, left: left + patch] = 0.0
            total[:, top: top + patch, left: left + patch] += (log_p(image) - log_p(blanked))[:, None, None]
            covering[top: top + patch, left: left + patch] += 1
    maps = occlusion(classifier, image, patch, stride)
    assert maps.shape == (10, 28, 28)
    np.testing.assert_allclose(maps, total / covering, atol=2e-4)
    near_ink = np.zeros((28, 28), dtype=bool)
    for top, left in zip(*np.nonzero(image)):
        near_ink[max(0, top - patch): top + patch, max(0, left - patch): left + patch] = True
    assert (maps[:, ~near_ink] == 0).all() and np.abs(maps[:, near_ink]).max() > 0


@pytest.mark.parametrize("patch", PATCH_SIZES)
def test_every_offered_patch_covers_the_whole_image(trained, test_images, patch):  # noqa: F811
    maps = occlusion(trained.classifier, test_images[0][0], patch)
    assert maps.shape == (10, 28, 28) and np.isfinite(maps).all()


def test_the_embedding_is_an_artifact_keyed_on_the_cnn_it_came_from(embedding, cache, quick_config):  # noqa: F811
    assert embedding_spec(quick_config).data_checksum == spec(quick_config).key
    assert DIGITS_EMBEDDING.name == EMBEDDING_NAME and DIGITS_EMBEDDING.needs == (DIGITS_CNN,)
    assert "embedding.npz" in {p.name for p in cache.path(embedding_spec(quick_config)).iterdir()}
    train_images, train_labels = load_mnist("train")
    assert embedding.vectors.shape == (quick_config.train_images, quick_config.dense_units)
    np.testing.assert_allclose(np.linalg.norm(embedding.vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(embedding.images, train_images[: quick_config.train_images])
    np.testing.assert_array_equal(embedding.labels, train_labels[: quick_config.train_images])
    reloaded = TrainingEmbedding.load(cache.path(embedding_spec(quick_config)))
    np.testing.assert_array_equal(reloaded.vectors, embedding.vectors)


def test_the_nearest_training_digits_of_a_training_digit_start_with_itself(trained, embedding):  # noqa: F811
    for index in (0, 7, 123, 999, 3_210):
        found = embedding.nearest(trained.classifier, embedding.images[index] / 255.0, 8)
        assert found.indices[0] == index and found.similarities[0] == pytest.approx(1.0, abs=1e-4)
        assert np.all(np.diff(found.similarities) <= 1e-6), "nearest first"
        assert (found.labels == embedding.labels[index]).sum() >= 6, found.labels
        np.testing.assert_array_equal(found.images[0], embedding.images[index])


def test_the_penultimate_layer_is_the_dense_relu_layer(trained, test_images):  # noqa: F811
    vectors = trained.classifier.embed(test_images[0][:5])
    assert vectors.shape == (5, 128) and (vectors >= 0).all()


def reading(digit: int, confidence: float = 0.9, fill: float = 0.2) -> Reading:
    probabilities = np.full(10, (1 - confidence) / 9)
    probabilities[digit] = confidence
    return Reading(Prepared(np.zeros((28, 28), dtype=np.float32), fill), probabilities)


def test_the_gallery_keeps_one_drawing_per_canvas_and_scores_the_marked_ones():
    gallery = SessionGallery()
    assert gallery.score() == (0, 0)
    gallery.keep(0, reading(1))
    gallery.mark(0, 7)
    gallery.keep(0, reading(7))  # a stroke more on the same canvas: the drawing is replaced, its mark stays
    gallery.keep(1, reading(3, confidence=0.4))  # unsure: its best guess counts
    gallery.keep(2, reading(5))  # not marked: not counted
    assert len(gallery.drawings) == 3 and gallery.drawings[0].true_digit == 7
    assert gallery.score() == (1, 1)
    gallery.mark(1, 8)
    assert gallery.score() == (1, 2)
    assert [number for number, _ in gallery.newest_first()] == [2, 1, 0]
    assert gallery.drawings[1].verdict == "unsure" and gallery.drawings[1].right is False
