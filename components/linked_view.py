"""A page's view behind its link, the parts every page repeats: the one note on what a link asked that the page
cannot show, read from the bound controls themselves, and defaults that follow what the page shows (a series, a data
set)."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import streamlit as st

from components.url_state import BIND, link_fallbacks, link_request, url_strings


_REMEMBERED = "_link_note_sentences"
"""Session state: per page, per control, what the note said of it when the page was opened and what it then held."""


class LinkNote:
    """The page's note on the link's values it could not use, in one place high on the page.

    Create it before the page's first bound control (it reads the link then and keeps a slot where it is created);
    after each group of bound controls call :meth:`check` (the controls' values are read from the session) or
    :meth:`show` (the page passes them): the note is redrawn in the slot with every group so far, so a page that
    stops half-way (a job still running, a button not yet pressed) still says what it could not use above it, and a
    page shows one note, not one per group.

    The note stays on the page's later runs (a job that ends, another control changed): Streamlit drops from the
    address what a control could not use, so what the link asked is only known on the run that opened it. It is
    remembered per control until the visitor changes that control.
    """

    def __init__(self, labels: Mapping[str, str] | None = None) -> None:
        self.requested = link_request()
        self._drawn_before = set(st.session_state.keys())
        self._remembered = st.session_state.setdefault(_REMEMBERED, {}).setdefault(st.context.url or "", {})
        self._slot = st.empty()
        self._labels: dict[str, str] = dict(labels or {})
        self._as_written: dict[str, Callable[[Any], Any]] = {}
        self._said: dict[str, list[str]] = {}

    def check(self, labels: Mapping[str, str], as_written: Mapping[str, Callable[[Any], Any]] | None = None
              ) -> list[str]:
        """Add the bound controls ``labels`` names (URL name -> label on the page) and redraw the note; ``as_written``
        turns a held value into the option label the URL carries (for controls with a ``format_func``). Controls
        this run did not draw are left out. Returns the sentences shown."""
        self._labels.update(labels)
        self._as_written.update(as_written or {})
        return self.show({key: self._as_written.get(key, _same)(st.session_state[key]) for key in labels
                          if key in st.session_state})

    def show(self, held: Mapping[str, Any]) -> list[str]:
        """Add the controls ``held`` names (URL name -> the value it holds, as the URL writes it) and redraw the
        note. Returns the sentences shown."""
        for key, value in held.items():
            self._said[key] = self._said_of(key, url_strings(value))
        with self._slot:
            return _show_link_note([sentence for said in self._said.values() for sentence in said])

    def _said_of(self, key: str, holding: list[str]) -> list[str]:
        if key in self._drawn_before and key in self._remembered:  # a later run of the visit that opened the link
            said, then = self._remembered[key]
            if holding == then:
                return said
            said = []  # the visitor has changed the control since
        else:
            said = link_fallbacks({key: self.requested.get(key, [])}, {key: holding}, self._labels)
        self._remembered[key] = said, holding
        return said


def _show_link_note(sentences: list[str]) -> list[str]:
    """The note naming each of the link's values the page could not use (nothing when there is none)."""
    if sentences:
        st.info("**This link asked for something the page cannot show**\n" + "".join(f"\n- {n}" for n in sentences),
                icon=":material/link_off:")
    return sentences


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


def folded_section(label: str, key: str, opened_by: Iterable[str] = ()):
    """A part of the page folded under ``label``: its content runs only while it is open (``with section:`` then
    ``if section.open:``), so a first visit draws only the unfolded parts. Whether it is open is in the URL
    (``key=true``); a link that sets any of the ``opened_by`` parameters (the controls inside) opens it."""
    if key not in st.session_state and any(name in st.query_params for name in opened_by):
        st.session_state[key] = True
        st.query_params[key] = "true"  # the address says so too, as when the visitor opens it
    return st.expander(label, key=key, bind=BIND)
