"""Home: one card per page, what it does, on which data, and whether its model is trained."""
import streamlit as st

from components.catalog import GROUPS, PAGES
from components.feedback import errors_reported
from core.jobs import JobFailed, job_board
from models.artifacts import BY_NAME

st.title("ML Atlas")
st.write(
    "Classic machine-learning and deep-learning models on real public data. Every page is backed by a model "
    "module you can test alone; trained models are cached on disk, so they train once and load in seconds."
)



def job_status():
    """How a card reads the state of a model's training job; None when the job cluster cannot be reached."""
    try:
        return job_board().status
    except JobFailed:
        return None


@st.fragment(run_every=5.0)
@errors_reported
def cards() -> None:
    """The cards, refreshed every 5 s while the warm start trains the models."""
    status_of = job_status() if not all(BY_NAME[name].is_trained() for p in PAGES for name in p.models) else None
    for group in GROUPS:
        shown = [p for p in PAGES if p.group == group]
        if not shown:
            continue
        st.subheader(group)
        columns = st.columns(3)
        for i, card in enumerate(shown):
            with columns[i % 3].container(border=True):
                st.page_link(card.script, label=f"**{card.title}**", icon=card.icon)
                st.write(card.summary)
                st.caption(f"Data: {card.data}")
                status = card.training_status(status_of)
                icon = {"trained": "check_circle", "no training needed": "bolt"}.get(status, "hourglass_empty")
                st.caption(f":material/{icon}: Model: {status}")


cards()

st.divider()
st.caption("`bash scripts/start` trains every missing model in the background (a warm start on the job cluster); "
           "`python -m models train --all` does the same from a terminal.")
