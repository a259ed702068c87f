"""Canvas -> 28x28 preprocessing: MNIST conventions, invariance to size, position and colours, blank canvases."""
import base64
import io

import numpy as np
import pytest
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo
from scipy import ndimage

from data.mnist import load_mnist
from models.digits.preprocess import PNG_DATA_URL, SIZE, canvas_pixels, ink_map, prepare
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


def png_data_url(image: Image.Image, **save_options) -> str:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **save_options)
    return PNG_DATA_URL + base64.b64encode(buffer.getvalue()).decode()


def test_a_drawing_of_the_canvas_size_is_decoded_to_its_pixels():
    drawing = Image.fromarray(canvas_with_seven(80, 60, 160, 20))
    pixels = canvas_pixels(png_data_url(drawing), 280)
    assert pixels.shape == (280, 280, 4) and pixels.dtype == np.uint8
    np.testing.assert_array_equal(pixels, np.asarray(drawing))


def test_a_huge_image_is_refused_from_its_header_before_its_pixels_are_decoded():
    bomb = png_data_url(Image.new("RGBA", (8_000, 8_000), (0, 0, 0, 255)))  # 256 MB of pixels in a few KB
    assert len(bomb) < 400_000
    with pytest.raises(InputError, match="is 8,000×8,000 pixels; this page's canvas is 280×280"):
        canvas_pixels(bomb, 280)
    far_larger = png_data_url(Image.new("1", (20_000, 20_000)))  # past Pillow's own decompression-bomb limit
    with pytest.raises(InputError, match="far larger than this page's 280×280 canvas"):
        canvas_pixels(far_larger, 280)
    with pytest.raises(InputError, match="is 140×280 pixels"):
        canvas_pixels(png_data_url(Image.new("RGBA", (140, 280))), 280)


def test_a_drawing_sent_longer_than_any_canvas_png_is_refused_before_decoding():
    # a real 280x280 PNG carrying 900 KB of incompressible text: decodable, but no canvas sends it
    padded = png_data_url(Image.new("RGBA", (280, 280)), pnginfo=incompressible_text(900_000))
    with pytest.raises(InputError, match=r"characters long; the limit is 836,290"):
        canvas_pixels(padded, 280)


def incompressible_text(size: int) -> PngInfo:
    info = PngInfo()
    info.add_text("padding", base64.b64encode(np.random.default_rng(0).bytes(size * 3 // 4)).decode())
    return info


@pytest.mark.parametrize("sent, message", [
    ("data:image/jpeg;base64,/9j/4AAQ", "did not arrive as a PNG image"),
    (PNG_DATA_URL + "not base64 at all!", "not a readable PNG image"),
    (PNG_DATA_URL + base64.b64encode(b"GIF89a" + bytes(40)).decode(), "not a readable PNG image"),
])
def test_anything_but_a_png_is_refused_with_a_message(sent, message):
    with pytest.raises(InputError, match=message):
        canvas_pixels(sent, 280)


def test_a_png_with_damaged_pixel_data_is_refused():
    whole = base64.b64decode(png_data_url(Image.fromarray(canvas_with_seven(80, 60, 160, 20)))[len(PNG_DATA_URL):])
    cut = PNG_DATA_URL + base64.b64encode(whole[: len(whole) // 2]).decode()
    with pytest.raises(InputError, match="damaged PNG image"):
        canvas_pixels(cut, 280)
