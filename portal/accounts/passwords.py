"""Passwords: the one place they are hashed and checked, and what makes one hard to guess.

Hashing (werkzeug's scrypt) costs about a tenth of a second of one core and runs outside
Python's lock. At a deadline, dozens of people log in and sign within seconds; run all at
once, their hashes would take every core and each page of every other user would wait behind
them. A process hashes one password at a time (`HASHING_AT_ONCE`): the others wait their turn
without using the CPU, so the rest of the portal's requests keep their speed, and the same
number of log-ins are done each second.

Passwords that are hard to guess: long enough, not common, not made of the person's own name
or e-mail address.

zxcvbn estimates how many guesses a password would take, matching it against its bundled lists
of common passwords, words, names and keyboard patterns, and against the person's own words that
we pass it. It is used rather than a list of common passwords alone because a list misses the
variants that guessers try first (Password2024!, l33t spellings, repeats, dates, keyboard walks,
a name with digits), and because it is widely used, small and has no dependencies of its own.

A password must score at least 3 of 4 ("safely unguessable": about 10^8 guesses or more); one
that uses the person's own words must score 4, that is, be strong without them.
"""

from __future__ import annotations

import re
import threading

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from portal.i18n import gettext as _

MIN_SCORE = 3
MIN_SCORE_WITH_OWN_WORDS = 4
CHECKED_LENGTH = 72  # zxcvbn refuses longer input; a longer password is judged by its start
HASHING_AT_ONCE = 1  # per process
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)


def hashed(password: str) -> str:
    """What the database keeps of a password."""
    with _hashing:
        return generate_password_hash(password)


def matches(password_hash: str, password: str | None) -> bool:
    """Whether `password` is the one `password_hash` was made of."""
    with _hashing:
        return check_password_hash(password_hash, password or "")


def own_words(name: str, email: str) -> list[str]:
    """The words of a person that a guesser would try: the name, with and without its spaces
    and each part, and the e-mail address with its local part and domain parts."""
    name, email = (name or "").strip().lower(), (email or "").strip().lower()
    local, _at, domain = email.partition("@")
    words = [name, name.replace(" ", ""), *name.split(), email, local]
    words += re.split(r"[._+\-]", local) + domain.split(".")
    return sorted({word for word in words if len(word) >= 3})


def problem(password: str, *, name: str = "", email: str = "") -> str | None:
    """Why `password` may not be used by the person named `name` at `email`, or None."""
    minimum = current_app.config["MIN_PASSWORD_LENGTH"]
    if len(password) < minimum:
        return _("Use at least %(n)s characters.", n=minimum)
    estimate = zxcvbn(password[:CHECKED_LENGTH], user_inputs=own_words(name, email))
    uses_own_words = any(m.get("dictionary_name") == "user_inputs" for m in estimate["sequence"])
    if estimate["score"] >= (MIN_SCORE_WITH_OWN_WORDS if uses_own_words else MIN_SCORE):
        return None
    if uses_own_words:
        return _("Do not build the password from your name or e-mail address.")
    return _(
        "This password is too common or too easy to guess. A few unrelated words make a good one."
    )
