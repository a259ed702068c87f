"""Home: one card per page, what it does, on which data, and whether its model is trained."""
import streamlit as st

from components.catalog import GROUPS, PAGES

st.title("ML Atlas")
st.write(
    "Classic machine-learning and deep-learning models on real public data. Every page is backed by a model "
    "module you can test alone; trained models are cached on disk, so they train once and load in seconds."
)

for group in GROUPS:
    cards = [p for p in PAGES if p.group == group]
    if not cards:
        continue
    st.subheader(group)
    columns = st.columns(3)
    for i, card in enumerate(cards):
        with columns[i % 3].container(border=True):
            st.page_link(card.script, label=f"**{card.title}**", icon=card.icon)
            st.write(card.summary)
            st.caption(f"Data: {card.data}")
            status = card.training_status()
            icon = {"trained": "check_circle", "no training needed": "bolt"}.get(status, "hourglass_empty")
            st.caption(f":material/{icon}: Model: {status}")

st.divider()
st.caption("Pre-train every model before users arrive: `python -m models train --all`.")
