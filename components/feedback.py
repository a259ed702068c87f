"""Telling the user what was wrong with their input, on the page, without a traceback."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from core.errors import InputError

ERROR_ICON = ":material/error:"


@contextmanager
def explain_input_errors(stop: bool = True) -> Iterator[None]:
    """Show an :class:`InputError` raised in the block as a message on the page, then stop the page.

    With ``stop=False`` the page goes on after the block (the caller checks what it got).
    Everything drawn before the block stays on the page.
    """
    try:
        yield
    except InputError as error:
        st.error(str(error), icon=ERROR_ICON)
        if stop:
            st.stop()
