"""Draw a digit: a CNN trained on all of MNIST reads it live, shows what it saw, why it read it so, and where it goes
wrong."""
import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from components.artifact_store import loaded
from components.chart_export import chart
from components.charts.classification import confusion_matrix
from components.charts.images import digit_probabilities, feature_maps, upscaled
from components.data_source import source_line
from components.data_status import attribution
from components.digit_explain import (LABELS, embedding_if_ready, explain_settings, show_neighbours,
                                      show_saliency)
from components.digit_gallery import drawings_gallery
from components.feedback import errors_reported, explain_input_errors
from components.linked_view import LinkNote
from components.shell import ensure_app_navigation
from components.url_state import BIND
from models.digits.artifacts import DIGITS_CNN, DIGITS_EMBEDDING
from models.digits.model import CONFIDENT, TrainedDigits, read_drawing
from models.digits.preprocess import canvas_pixels

ensure_app_navigation()

CANVAS_SIZE = 280  # the canvas's width and height in pixels; a drawing of any other size was not drawn here
GALLERY_SHOWN = 24

st.title("Draw a digit")
st.write(
    "Draw a digit from 0 to 9 in the black box. A convolutional network trained on the 60,000 MNIST training digits "
    "reads it each time you lift the mouse (or finger). Your drawing is cropped, scaled to 20 pixels and centred "
    "by its centre of mass in a 28×28 image, exactly how the MNIST digits were prepared, so size and position "
    "do not matter."
)

trained: TrainedDigits = loaded(DIGITS_CNN, "Training the digit reader on MNIST (first use only)",
                               done="Digit reader trained")


def sent_drawing(canvas_key: str) -> str | None:
    """The drawing as the canvas sent it, a PNG data URL not decoded yet (None before the first stroke).

    Read from the component's state rather than decoded by ``st_canvas``, which would decode an image of any size:
    :func:`canvas_pixels` checks its length and its size first.
    """
    return (st.session_state[canvas_key].get("drawing") or {}).get("data")


@st.fragment
@errors_reported
def draw_and_read(trained: TrainedDigits) -> None:
    """The canvas, the reading, why, the gallery and the feature maps: a stroke reruns only this part."""
    if "canvas_round" not in st.session_state:
        st.session_state.canvas_round = 0

    link = LinkNote()
    drawing_side, result_side = st.columns([1, 1], gap="large")
    with drawing_side:
        brush = st.slider(LABELS["brush"], min_value=6, max_value=40, value=20, step=1, key="brush", bind=BIND)
        if st.button("Clear", icon=":material/ink_eraser:"):
            st.session_state.canvas_round += 1  # a new key gives a fresh, empty canvas
        canvas_key = f"digit_canvas_{st.session_state.canvas_round}"
        st_canvas(
            stroke_width=brush, stroke_color="#FFFFFF", background_color="#000000", height=CANVAS_SIZE,
            width=CANVAS_SIZE, drawing_mode="freedraw", update_streamlit=True, return_image_data=True, key=canvas_key,
        )

    reading = None
    with result_side:
        with explain_input_errors(stop=False):
            drawing = sent_drawing(canvas_key)
            reading = None if drawing is None else read_drawing(trained.classifier, canvas_pixels(drawing, CANVAS_SIZE))
        if reading is None:
            st.metric("Prediction", "—")
            st.info("Draw a digit on the canvas to see what the network reads.", icon=":material/draw:")
        else:
            if reading.verdict == "digit":
                st.metric("Prediction", f"{reading.digit} · {reading.confidence:.1%}")
            elif reading.verdict == "scribble":
                st.metric("Prediction", "Not a digit?")
                st.warning("That looks more like a scribble or a blot than a digit. Clear the canvas and draw a "
                           "single digit with a thinner brush.")
            else:
                st.metric("Prediction", "Not sure")
                st.warning(f"The network is not sure (best guess {reading.digit} at {reading.confidence:.0%}, under "
                           f"{CONFIDENT:.0%}). Try drawing the digit larger and more clearly.")
            chart(digit_probabilities(reading.probabilities), "The network's probability of each digit for a drawing",
                  "probabilities_chart")
            st.caption("Probabilities: " + " · ".join(f"{d}: {p:.1%}" for d, p in enumerate(reading.probabilities)))
            st.image(upscaled(reading.prepared.image, 5), caption="What the network saw: 28×28 pixels", clamp=True)

    st.subheader("Why this reading?")
    settings = explain_settings()
    link.check(LABELS)
    if reading is None:
        st.caption("Draw a digit: which parts of it made the reading, and the training digits it is closest to, "
                   "show here.")
    else:
        show_saliency(trained.classifier, reading, settings)
        st.markdown("**The nearest training digits**")
        show_neighbours(trained.classifier, reading, embedding_if_ready(), settings.nearest)
    drawings_gallery(reading, st.session_state.canvas_round)

    if reading is not None:
        st.subheader("What the network sees")
        st.write("Each convolution layer turns the image into feature maps: bright where a learned filter responds "
                 "(edges, strokes and curves in the first layer, larger parts of digits deeper down). The first 16 maps "
                 "of each layer, each scaled to its own brightest point:")
        for name, activation in trained.classifier.feature_maps(reading.prepared.image).items():
            h, w, channels = activation.shape
            st.image(feature_maps(activation), clamp=True,
                     caption=f"{name}: {channels} filters, {h}×{w} maps (first 16 shown)")


draw_and_read(trained)

report = trained.report
st.subheader("How good is the network?")
cols = st.columns(3)
cols[0].metric("Test accuracy", f"{report.accuracy:.2%}")
cols[1].metric("Test digits", f"{report.test_images:,}")
cols[2].metric("Training time", f"{report.fit_seconds:.0f} s")
confusion_title = "Confusion matrix on the test digits (rows: true digit, columns: prediction)"
chart(confusion_matrix(report.confusion, [str(d) for d in range(10)], confusion_title, "digits", height=520,
                       colour_mistakes=True), confusion_title, "confusion_chart", source_line("mnist"))

st.write(f"**Test digits the network gets wrong** (the {min(GALLERY_SHOWN, len(report.wrong_true))} it is most "
         f"confident about, of {int(report.test_images - np.trace(report.confusion))} mistakes):")
gallery = st.columns(8)
for index in range(min(GALLERY_SHOWN, len(report.wrong_true))):
    gallery[index % 8].image(upscaled(report.wrong_images[index] / 255.0, 3), clamp=True,
                             caption=f"true {report.wrong_true[index]}, read {report.wrong_predicted[index]} "
                                     f"({report.wrong_confidence[index]:.0%})")

attribution("mnist")
loaded(DIGITS_EMBEDDING, f"Placing the {trained.config.train_images:,} training digits in the network's penultimate "
       "layer, for the nearest training digits (first use only)", done="Training digits placed")
