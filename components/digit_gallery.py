"""The visitor's drawings of this session, each with its reading, a control to mark the true digit, and how often the
network read them right."""
from __future__ import annotations

import streamlit as st

from components.charts.images import upscaled
from models.digits.gallery import Drawing, SessionGallery
from models.digits.model import Reading

GALLERY = "digit_gallery"
"""Session state: this visitor's :class:`SessionGallery`."""
SHOWN = 12
COLUMNS = 6


def _marked(gallery: SessionGallery, canvas: int, key: str) -> None:
    gallery.mark(canvas, st.session_state[key])


def _caption(drawing: Drawing) -> str:
    read = {"digit": f"read {drawing.digit}", "unsure": f"unsure, {drawing.digit}?",
            "scribble": "not a digit?"}[drawing.verdict]
    verdict = "" if drawing.right is None else (" ✓" if drawing.right else " ✗")
    return f"{read} ({drawing.probabilities.max():.0%}){verdict}"


def drawings_gallery(reading: Reading | None, canvas: int) -> None:
    """Keep the current canvas's reading in the session's gallery, and show the gallery."""
    gallery = st.session_state.setdefault(GALLERY, SessionGallery())
    if reading is not None:
        gallery.keep(canvas, reading)
    st.subheader("Your drawings")
    if not gallery.drawings:
        st.caption("Each drawing you make lands here with its reading (press Clear to start the next one); mark what "
                   "you drew to see how often the network gets your handwriting right.")
        return
    right, marked = gallery.score()
    st.metric("Read right", f"{right} of {marked} · {right / marked:.0%}" if marked else "—",
              help="Of the drawings you marked with the digit you drew: how many the network read as that digit "
                   "(its best guess, also when it was unsure).")
    drawings = gallery.newest_first()
    columns = st.columns(COLUMNS)
    for index, (number, drawing) in enumerate(drawings[:SHOWN]):
        key = f"true_digit_{number}"
        if key not in st.session_state:  # a control not drawn on the last run lost its state: the gallery has it
            st.session_state[key] = drawing.true_digit
        with columns[index % COLUMNS]:
            st.image(upscaled(drawing.image, 3), clamp=True, caption=_caption(drawing))
            st.selectbox("True digit", range(10), index=None, placeholder="I drew…", key=key,
                         on_change=_marked, args=(gallery, number, key), label_visibility="collapsed")
    if len(drawings) > SHOWN:
        st.caption(f"Your {SHOWN} most recent drawings of {len(drawings)}; the score counts them all.")
