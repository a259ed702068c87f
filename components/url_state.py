"""Views behind links: a page's controls live in its URL, and a link that asks for what the page cannot show says so.

The controls themselves are bound with Streamlit's own ``bind="query-params"`` (the widget's ``key`` is the
parameter's name; options appear in the URL as they are labelled): changing a control updates the address,
opening the address in a new browser restores the control. Streamlit silently drops a value it cannot use
(an option that does not exist, a number out of range, a malformed date); :func:`link_request` reads what the
link asked for before the controls run, and :func:`link_fallbacks` compares it with what they now hold: the
sentences for a note on which values fell back to the defaults (:class:`components.linked_view.LinkNote` shows
it). Long free text (a review, an upload) never goes into a URL.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import streamlit as st

BIND = "query-params"
"""The value for a widget's ``bind``: ``st.selectbox(..., key="index", bind=BIND)``."""


def link_request() -> dict[str, list[str]]:
    """Every parameter of the address the page was opened with, each as the list of its values.

    Call it before the page's first bound control: a control drops from the URL what it cannot use.
    """
    return {name: list(st.query_params.get_all(name)) for name in st.query_params}


def url_strings(value: Any) -> list[str]:
    """How a control's value reads in a URL: one string per value (a range or a multiselect gives several)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [text for item in value for text in url_strings(item)]
    if isinstance(value, bool):
        return [str(value).lower()]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return [value.isoformat()]
    return [str(value)]


def _same(requested: str, held: str) -> bool:
    if requested == held or requested.lower() == held.lower():
        return True
    try:
        return math.isclose(float(requested), float(held), rel_tol=1e-9, abs_tol=1e-12)
    except ValueError:
        return False


def link_fallbacks(requested: Mapping[str, list[str]], held: Mapping[str, Any],
                   labels: Mapping[str, str] | None = None) -> list[str]:
    """One sentence per control whose link value the page could not use (``held``: key -> the control's value).

    Parameters the page does not bind are left alone: they may belong to another page of the app.
    """
    labels = labels or {}
    notes = []
    for key, wanted in requested.items():
        if key not in held:
            continue
        holding = url_strings(held[key])
        unused = [value for value in wanted if not any(_same(value, h) for h in holding)]
        if unused:
            shown = ", ".join(holding) if holding else "nothing"
            notes.append(f"{labels.get(key, key)}: the link's {_quoted(unused)} "
                         f"{'is' if len(unused) == 1 else 'are'} not available here; showing {shown}.")
    return notes


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f"'{value[:60]}'" for value in values)
