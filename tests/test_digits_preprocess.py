"""Canvas -> 28x28 preprocessing: MNIST conventions, invariance to size, position and colours, blank canvases."""
import numpy as np
import pytest
from PIL import Image, ImageDraw
from scipy import ndimage

from data.mnist import load_mnist
from models.digits.preprocess import SIZE, ink_map, prepare
from core.errors import InputError


def canvas_with_seven(left: int, top: int, height: int, stroke: int, inverted: bool = False) -> np.ndarray:
    """A 280x280 RGBA canvas with a '7' drawn as lines: white on transparent, or black on opaque white."""
    layer = Image.new("L", (280, 280), 0)
    draw = ImageDraw.Draw(layer)
    width = height * 0.6
    points = [(left, top), (left + width, top), (left + width * 0.35, top + height)]
    draw.line(points, fill=255, width=stroke, joint="curve")
    ink = np.asarray(layer)
    rgba = np.zeros((280, 280, 4), dtype=np.uint8)
    if inverted:
        rgba[..., :3] = (255 - ink)[..., None]
        rgba[..., 3] = 255
    else:
        rgba[..., :3] = 255
        rgba[..., 3] = ink
    return rgba


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    ys, xs = np.indices(image.shape)
    return float((ys * image).sum() / image.sum()), float((xs * image).sum() / image.sum())


def test_mnist_digits_come_back_unchanged():
    """MNIST digits are already in the target convention: preprocessing one must (almost) not change it."""
    images, _ = load_mnist("test")
    for digit in images[:50]:
        rgba = np.zeros((28, 28, 4), dtype=np.uint8)
        rgba[..., 3] = digit
        assert np.abs(prepare(rgba).image - digit / 255.0).mean() < 0.01


def test_digit_fits_20_pixels_and_is_centred_by_mass():
    prepared = prepare(canvas_with_seven(left=10, top=15, height=120, stroke=14))
    image = prepared.image
    assert image.shape == (SIZE, SIZE) and image.dtype == np.float32
    rows, cols = np.flatnonzero(image.max(axis=1) > 0.05), np.flatnonzero(image.max(axis=0) > 0.05)
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 == pytest.approx(20, abs=1)
    cy, cx = centre_of_mass(image)
    assert abs(cy - 14) <= 0.75 and abs(cx - 14) <= 0.75


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of slightly blurred images (thin strokes may land half a pixel apart)."""
    a, b = ndimage.gaussian_filter(a, 1.0), ndimage.gaussian_filter(b, 1.0)
    return float((a * b).sum() / np.linalg.norm(a) / np.linalg.norm(b))


def test_same_digit_big_or_small_anywhere_gives_the_same_image():
    small_corner = prepare(canvas_with_seven(left=5, top=5, height=70, stroke=6)).image
    big_centre = prepare(canvas_with_seven(left=60, top=20, height=240, stroke=21)).image
    bottom_right = prepare(canvas_with_seven(left=170, top=150, height=120, stroke=11)).image
    one = np.zeros((280, 280, 4), dtype=np.uint8)
    one[50:200, 100:115] = 255
    assert similarity(small_corner, big_centre) > 0.85
    assert similarity(bottom_right, big_centre) > 0.85
    assert similarity(prepare(one).image, big_centre) < 0.7


def test_black_on_white_equals_white_on_black():
    white_ink = prepare(canvas_with_seven(left=40, top=40, height=180, stroke=16)).image
    black_ink = prepare(canvas_with_seven(left=40, top=40, height=180, stroke=16, inverted=True)).image
    np.testing.assert_allclose(white_ink, black_ink, atol=0.02)
    opaque_white_on_black = np.zeros((50, 50, 3), dtype=np.uint8)
    opaque_white_on_black[10:40, 20:26] = 255
    assert ink_map(opaque_white_on_black)[20, 22] == 1.0 and ink_map(opaque_white_on_black)[0, 0] == 0.0


@pytest.mark.parametrize("pixels", [0, 5])
def test_blank_or_nearly_blank_canvas_gives_nothing(pixels):
    rgba = np.zeros((280, 280, 4), dtype=np.uint8)
    rgba[100, 100: 100 + pixels] = 255
    assert prepare(rgba) is None
    opaque_black = np.zeros((280, 280, 4), dtype=np.uint8)
    opaque_black[..., 3] = 255
    assert prepare(opaque_black) is None


def test_blot_is_flagged_as_a_scribble_and_a_digit_is_not():
    blot = np.zeros((280, 280, 4), dtype=np.uint8)
    blot[40:240, 60:220] = 255
    assert prepare(blot).looks_like_scribble
    assert not prepare(canvas_with_seven(left=40, top=40, height=180, stroke=16)).looks_like_scribble


def test_wrong_shape_is_an_input_error():
    with pytest.raises(InputError, match="RGB or RGBA"):
        prepare(np.zeros((280, 280), dtype=np.uint8))
