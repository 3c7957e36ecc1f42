"""The forms of a person's alert page; each follows the PortalForm protocol."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired

from portal.alerts.models import AlertSettings
from portal.challenges.models import Chain
from portal.formtools import PortalForm
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l


class SubscribeForm(PortalForm):
    """Follow a whole chain (`chain-<id>`) or one of its links (`link-<id>`)."""

    target = SelectField(
        _l("Chain or link"),
        choices=[],
        validators=[InputRequired(_l("Choose a chain or a link."))],
        # HTML allows `required` on a grouped list only with an empty first option outside the
        # groups, which WTForms cannot draw: the server requires a choice, the browser does not.
        render_kw={"required": False},
    )

    def offer(self, chains: list[Chain]) -> SubscribeForm:
        """The chains and their links, grouped by chain."""
        self.target.choices = {
            chain.name: [
                (f"chain-{chain.id}", _("%(chain)s: the whole chain", chain=chain.name)),
                *(
                    (f"link-{link.id}", f"{chain.name} · {link.stage.label} · {link.name}")
                    for link in chain.links
                ),
            ]
            for chain in chains
        }
        return self

    def to_input(self) -> dict[str, Any]:
        kind, _dash, number = (self.target.data or "").partition("-")
        ident = int(number) if number.isdigit() else None
        return {
            "chain_id": ident if kind == "chain" else None,
            "link_id": ident if kind == "link" else None,
        }


class AnswersForm(PortalForm):
    answered_questions = BooleanField(
        _l("Tell me of each answered question on the challenges my organisation is drafting for")
    )

    @classmethod
    def from_model(cls, obj: AlertSettings | None, **kwargs: Any) -> AnswersForm:
        form = cls(**kwargs)
        form.answered_questions.data = bool(obj and obj.answered_questions)
        return form

    def to_input(self) -> dict[str, Any]:
        return {"wanted": bool(self.answered_questions.data)}
