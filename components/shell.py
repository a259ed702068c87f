"""Keeping every page inside the app's navigation."""
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_app_navigation() -> None:
    """Rerun a page through ``app.py`` when Streamlit ran it on its own.

    Streamlit treats a ``pages/`` folder beside the entrypoint as an old-style
    (v1) multipage app until ``app.py`` has called ``st.navigation`` once in
    the server process. So when the first visitor after a restart opens a deep
    link (say ``/digits``), the page script runs alone: a raw file-name sidebar,
    no page config, no banners. Switching the process to ``st.navigation`` and
    rerunning sends this and every later run through ``app.py``. Pages call
    this first.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
