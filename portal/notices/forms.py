"""The forms of the notices' pages, on the house protocol (portal/formtools.PortalForm): each
field is named as the service's argument, so `to_input()` is what the service takes."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.formtools import PortalForm
from portal.i18n import lazy_gettext as _l

LANGUAGE_CHOICES = [("zh", _l("Chinese")), ("en", _l("English"))]


class IssueForm(PortalForm):
    language = SelectField(_l("Language of the notice"), choices=LANGUAGE_CHOICES, default="zh")


class CorrectionForm(PortalForm):
    reason = TextAreaField(
        _l("What the correction changes"), validators=[DataRequired(), Length(max=1000)]
    )
    language = SelectField(_l("Language of the notice"), choices=LANGUAGE_CHOICES, default="zh")

    @classmethod
    def from_model(cls, notice: Any, **kwargs: Any) -> CorrectionForm:
        """In the notice's language; what the correction changes is for the officer to say."""
        return cls(language=notice.language, **kwargs)


class CodeForm(PortalForm):
    """The public verification's code (a GET form, without a token)."""

    class Meta:
        csrf = False

    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(min=4, max=40)])


class UploadForm(PortalForm):
    """A file to compare with the issued one (nothing is stored)."""

    file = FileField(_l("The PDF file you received"), validators=[FileRequired()])
