"""Errors a reader of the app can meet (a checkpoint that cannot be loaded, a dataset that is not
on the machine, an upload that cannot be used), each with a stable code.

``AevizError.key`` names a sentence in the catalogues (``aeviz/locales``) and ``.params`` fill it,
so a page says it in the reader's language (``aeviz.ui.texts.error_text``). ``str(e)`` is the
English sentence, with ``detail`` (the text of the library error underneath, e.g. safetensors')
in parentheses: the CLI and the logs are for engineers and stay English. A ValueError subclass, so
callers that catch ValueError keep working. No Streamlit here."""
from __future__ import annotations

from aeviz.i18n import translate


class AevizError(ValueError):
    """A user-facing error: ``key`` (catalogue key), ``params`` (its values), ``detail`` (English
    text of the underlying error, left out of the translated sentence)."""

    def __init__(self, key: str, /, detail: str = "", **params):
        self.key = key
        self.params = params
        self.detail = detail
        super().__init__(self.english())

    def english(self) -> str:
        try:
            text = translate("en", self.key, **self.params)
        except (KeyError, IndexError, ValueError):  # a template and its values out of step: still say something
            text = f"{self.key}: {self.params}"
        return f"{text} ({self.detail})" if self.detail else text

    def __reduce__(self):  # picklable despite the keyword-only constructor (worker processes, caches)
        return (_rebuild, (type(self), self.key, self.detail, self.params))


def _rebuild(cls, key, detail, params):
    err = AevizError.__new__(cls)
    AevizError.__init__(err, key, detail=detail, **params)
    return err
