"""Pin a review and its reading, edit the review, and compare the two readings side by side."""
from __future__ import annotations

from typing import Any

import streamlit as st

PINNED = "pinned_review"


def _pin(reading: dict[str, Any]) -> None:
    st.session_state[PINNED] = reading


def _unpin() -> None:
    st.session_state.pop(PINNED, None)


def pin_and_compare(reading: dict[str, Any]) -> None:
    """A "Pin this review" button keeping ``reading`` (text, model title, probability, label, highlight HTML) in
    the session; once pinned, the pinned reading beside the current one."""
    pinned = st.session_state.get(PINNED)
    row = st.container(horizontal=True, gap="small")
    row.button("Pin this review", key="pin_review", on_click=_pin, args=(reading,), icon=":material/push_pin:",
               help="Keep this review and its reading, then edit the review to compare the two side by side.")
    if pinned is None:
        return
    row.button("Unpin", key="unpin_review", on_click=_unpin)
    st.subheader("Pinned review beside the current one")
    for column, shown, heading in zip(st.columns(2), (pinned, reading), ("Pinned", "Current")):
        column.markdown(f"**{heading}** · {shown['model']}")
        delta = None if shown is pinned else f"{(shown['probability'] - pinned['probability']) * 100:+.1f} points"
        column.metric(f"{heading}: probability positive", f"{shown['probability']:.1%}", delta=delta)
        column.caption(f"Verdict: {shown['label']}")
        column.markdown(shown["highlight"], unsafe_allow_html=True)
    if pinned["text"] == reading["text"] and pinned["model"] == reading["model"]:
        st.caption("The review has not changed since it was pinned: edit it above to see the readings differ.")
