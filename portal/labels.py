"""Enums whose members carry their own translated label: the one place a state, a role or a
kind is named for people.

    class ProposalStatus(LabelledEnum):
        draft = "draft", _l("Draft")
        submitted = "submitted", _l("Submitted")

A member is its stored string: `.value`, `str(member)`, f-strings, JSON, comparisons with plain
strings, `ProposalStatus("draft")` and the non-native enum columns (portal.db.enum_type) all see
"draft", exactly as for an `enum.StrEnum`. `.label` is the label in the language in force, and
`choices()` what a SelectField offers. Templates draw a member with `badge(member)`
(templates/macros.html) and name one with `member.label`; a value kept as a plain string (in a
frozen version's JSON, say) is named through its enum: `enums.Stage(content.stage).label`.
Messages write `member.label`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from functools import cache
from typing import Self

from flask_babel.speaklater import LazyString


class LabelledEnum(enum.StrEnum):
    """A string enum whose members are declared as `value, lazy label`."""

    _label: LazyString

    def __new__(cls, value: str, label: LazyString) -> Self:
        if not isinstance(value, str):
            raise TypeError(f"{cls.__name__}: the value {value!r} is not a string")
        if not isinstance(label, LazyString):
            raise TypeError(
                f"{cls.__name__}.{value}: the label must be lazy (_l), to follow the reader"
            )
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        """The label, translated into the language in force now."""
        return str(self._label)

    @property
    def kind(self) -> str:
        """The enum's name in CSS form ("ProposalStatus" → "proposal-status"): a badge's class
        is `<kind>-<value>`, so a page can tell a submitted proposal from a submitted review."""
        return _kebab(type(self).__name__)

    @classmethod
    def find(cls, value: object, default: Self | None = None) -> Self | None:
        """The member stored as `value`, or `default` when there is none (a typed or tampered
        query string, say)."""
        try:
            return cls(value)
        except ValueError:
            return default

    @classmethod
    def choices(cls, members: Iterable[Self] | None = None) -> list[tuple[str, LazyString]]:
        """(value, label) pairs for a SelectField: every member, or `members` in their order.
        The labels stay lazy, so a form declared at import translates at each render."""
        return [(m.value, m._label) for m in (cls if members is None else members)]


@cache
def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


class EnumsByName:
    """The portal's labelled enums by class name, for templates (the Jinja global `enums`):
    `enums.MemberRole(m.role).label`. Looked up when asked, so every enum defined by then is
    found; a name that is not exactly one labelled enum is an error, not an empty label."""

    def __getattr__(self, name: str) -> type[LabelledEnum]:
        found = [c for c in LabelledEnum.__subclasses__() if c.__name__ == name]
        if len(found) != 1:
            raise AttributeError(f"{len(found)} labelled enums are called {name!r}")
        return found[0]
