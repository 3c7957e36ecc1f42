"""Translation functions for the portal's code: the same as Flask-Babel's, but faster.

Flask-Babel looks up its request context, the locale and the catalogue on every single string,
which made translating a page's labels a third of its time. These functions keep the catalogue
of the current locale (and honour `force_locale`, which changes that locale) and otherwise do
exactly what Flask-Babel's do.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel.support import NullTranslations, Translations
from flask import g
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from wtforms.i18n import messages_path

_catalogues: dict[object, Translations | NullTranslations] = {}
# The last locale asked for and its catalogue: a page asks for the same one a hundred times, and
# finding a babel Locale in a dict compares it by its name, which costs more than the lookup.
_last: tuple[object, Translations | NullTranslations] = (None, NullTranslations())


def catalogue() -> Translations | NullTranslations:
    """The catalogue of the locale in force (the request's, or one set by force_locale)."""
    global _last
    try:
        locale = g._flask_babel.babel_locale
    except (AttributeError, RuntimeError):
        return get_translations()
    if locale is None:
        return get_translations()
    last_locale, found = _last
    if last_locale is locale:
        return found
    try:
        found = _catalogues[locale]
    except KeyError:
        _catalogues[locale] = found = get_translations()
    _last = (locale, found)
    return found


@cache
def _wtforms_catalogue(locale: str) -> Translations | NullTranslations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsTranslations:
    """WTForms' own messages ("Not a valid choice.") in the language of the page, each
    language's catalogue read once per process: Flask-WTF's translations read it from disk on
    every request that shows a form."""

    def gettext(self, string: str) -> str:
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


wtforms_translations = WTFormsTranslations()


def gettext(string: str, **variables) -> str:
    translated = catalogue().ugettext(string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return catalogue().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    return LazyString(gettext, string, **variables)


@dataclass(frozen=True)
class Plural:
    """A message with a singular and a plural form whose count is not known yet: filling it in
    (`plural % params`) translates it under the locale then in force, in the form that
    `params["num"]` calls for. The lazy counterpart of ngettext, for a catalogue of messages."""

    singular: str
    plural: str

    def __mod__(self, params: dict) -> str:
        return catalogue().ungettext(self.singular, self.plural, params["num"]) % params


def lazy_ngettext(singular: str, plural: str) -> Plural:
    return Plural(singular, plural)


def current_language() -> str:
    """The language pages are shown in now: the one chosen, else the browser's, else the
    default. A new account keeps it, so that what it is sent reads as its pages did."""
    return str(get_locale() or "")
