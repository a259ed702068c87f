"""Telling the user what went wrong, on the page, without a traceback."""
from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st

from core.errors import AtlasError, InputError

ERROR_ICON = ":material/error:"
log = logging.getLogger("ml_atlas")
F = TypeVar("F", bound=Callable)


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


@contextmanager
def report_unexpected_errors() -> Iterator[None]:
    """The last line of defence around a page or a fragment: no error reaches the visitor as a traceback.

    An :class:`AtlasError` (meant for the user) is shown as it is. Any other error (a bug, a
    library failing in a way its caller did not expect) becomes a short message with an
    incident number, and its traceback goes to the server log under that number. What the
    page drew before the error stays. Streamlit's own control flow (``st.stop``, ``st.rerun``)
    is not an ``Exception`` and passes through.
    """
    try:
        yield
    except AtlasError as error:
        log.warning("Shown to the visitor: %s", error)
        st.error(str(error), icon=ERROR_ICON)
    except Exception as error:
        incident = secrets.token_hex(4)
        log.exception("Unexpected error on a page (incident %s)", incident)
        st.error(f"Something went wrong on our side ({type(error).__name__}), and this part of the page could not "
                 f"be drawn. Try again, or change the input that led here; if it keeps happening, report incident "
                 f"{incident} (the server log has the details).", icon=ERROR_ICON)


def errors_reported(function: F) -> F:
    """``function`` run inside :func:`report_unexpected_errors` (for fragments, which rerun without their page)."""
    @functools.wraps(function)
    def guarded(*args, **kwargs):
        with report_unexpected_errors():
            return function(*args, **kwargs)
    return guarded  # type: ignore[return-value]
