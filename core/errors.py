"""Errors a user can act on, shared by data/ and models/: ``str(error)`` says what was wrong and what to do."""


class AtlasError(Exception):
    """An error whose message is meant for the user; pages show it instead of a traceback."""


class InputError(AtlasError, ValueError):
    """Bad input from the user (an upload, a word, a drawing); ``str(error)`` says what and how to fix it."""


class DataError(AtlasError):
    """A data set cannot be used (missing, damaged, not downloadable); ``str(error)`` is a message for the user."""
