"""A page's view behind its link, the parts every page repeats: the one note on what a link asked that the page
cannot show, read from the bound controls themselves, and defaults that follow what the page shows (a series, a data
set)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from components.url_state import link_request, note_link_fallbacks


class LinkNote:
    """The page's note on the link's values it could not use, in one place high on the page.

    Create it before the page's first bound control (it reads the link then and keeps a slot where it is created);
    call :meth:`check` after each group of bound controls: the note is redrawn in the slot with every group checked
    so far, so a page that stops half-way (a job still running, a button not yet pressed) still says what it could
    not use above it, and a page shows one note, not one per group.
    """

    def __init__(self) -> None:
        self.requested = link_request()
        self._slot = st.empty()
        self._labels: dict[str, str] = {}
        self._as_written: dict[str, Callable[[Any], Any]] = {}

    def check(self, labels: Mapping[str, str], as_written: Mapping[str, Callable[[Any], Any]] | None = None
              ) -> list[str]:
        """Add the bound controls ``labels`` names (URL name -> label on the page) and redraw the note; ``as_written``
        turns a held value into the option label the URL carries (for controls with a ``format_func``). Controls
        this run did not draw are left out. Returns the sentences shown."""
        self._labels.update(labels)
        self._as_written.update(as_written or {})
        held = {key: self._as_written.get(key, _same)(st.session_state[key]) for key in self._labels
                if key in st.session_state}
        with self._slot:
            return note_link_fallbacks(self.requested, held, self._labels)


def _same(value: Any) -> Any:
    return value


def defaults_follow(scope: str, shown: Any, defaults: Mapping[str, Any]) -> None:
    """Call before drawing the controls ``defaults`` names (widget key -> its default for what is ``shown`` now).

    When ``shown`` differs from what the page showed on its last run, the controls are set to the new defaults
    (a default leaves the URL); on the first run they keep what the link asked for. ``scope`` names the group.
    """
    marker = f"_defaults_follow_{scope}"
    seen = st.session_state.get(marker)
    st.session_state[marker] = shown
    if seen is not None and seen != shown:
        for key, value in defaults.items():
            st.session_state[key] = value
