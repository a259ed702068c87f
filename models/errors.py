"""Errors a user can act on."""


class InputError(ValueError):
    """Bad input from the user (an upload, a word, a drawing); ``str(error)`` says what and how to fix it."""
