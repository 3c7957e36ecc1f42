"""Domain errors: how services refuse, with a message to show (portal/error_pages.py shows the
HTTP errors)."""

from __future__ import annotations

from portal.i18n import gettext as _


class DomainError(Exception):
    """A refused operation; its message is shown to the user as it is.

    The unit of work rolls back what the refused operation changed, unless `keep_changes` says
    that what it wrote must stay (a refused login's recorded attempt)."""

    keep_changes = False

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotAllowed(DomainError):
    def __init__(self, message: str | None = None):
        super().__init__(message or _("You are not allowed to do this."))


def require(allowed: bool, message: str | None = None) -> None:
    """How services enforce a `can_<verb>(user, obj)` rule: NotAllowed unless it holds."""
    if not allowed:
        raise NotAllowed(message)


class ValidationFailed(DomainError):
    """Several problems at once, each tied to a form field (or None for the whole form)."""

    def __init__(self, problems: dict[str | None, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def given_text(value: str | None, field: str, message: str) -> str:
    """`value` without the white space around it; ValidationFailed on `field`, saying
    `message`, when nothing is left (a reason, an answer that must be written)."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed({field: message})
    return value
