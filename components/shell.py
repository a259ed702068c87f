"""Keeping every page inside the app's navigation, and models warm between runs."""
import importlib
import sys
import threading

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner

from core.cache import ModelCache


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


def keep_models_warm_between_runs() -> None:
    """Stop Streamlit from resetting Keras after every script run.

    After each run Streamlit calls ``keras.backend.clear_session()``, meant for
    apps that build a new model on every run. ML Atlas loads each model once per
    server process and shares it between sessions, so the reset does nothing
    useful and costs a full garbage collection: about a fifth of a second of CPU
    on every rerun of every user, measured on the digits page. Matplotlib
    figures are still closed after each run, as Streamlit does.
    """
    script_runner._clean_problem_modules = _close_matplotlib_figures


def _close_matplotlib_figures() -> None:
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


HEAVY_LIBRARIES = ("keras", "prophet", "statsmodels.api", "sklearn.ensemble", "surprise")
"""Imported once per server process in the background; TensorFlow (under keras) alone takes about 4 s."""


@st.cache_resource(show_spinner=False)
def import_heavy_libraries_in_background() -> threading.Thread:
    """Start importing the model pages' libraries, once per server process, after the first page is drawn.

    The first visit to a model page then finds them imported instead of
    waiting seconds for TensorFlow. Nothing is trained or loaded here.
    """
    def import_all() -> None:
        for name in HEAVY_LIBRARIES:
            importlib.import_module(name)

    thread = threading.Thread(target=import_all, name="ml-atlas-imports", daemon=True)
    thread.start()
    return thread


@st.cache_resource(show_spinner=False)
def clean_model_cache() -> list:
    """Once per server process: remove what crashed trainings left in the model cache (see ``clean_leftovers``).

    A deployment on an external Dask cluster never runs ``python -m models cluster``, which cleans too.
    """
    return ModelCache().clean_leftovers()
