from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.i18n import lazy_gettext as _l

LANGUAGE_CHOICES = [("zh", _l("Chinese")), ("en", _l("English"))]


class IssueForm(FlaskForm):
    language = SelectField(_l("Language of the notice"), choices=LANGUAGE_CHOICES, default="zh")


class CorrectionForm(FlaskForm):
    reason = TextAreaField(
        _l("What the correction changes"), validators=[DataRequired(), Length(max=1000)]
    )
    language = SelectField(_l("Language of the notice"), choices=LANGUAGE_CHOICES, default="zh")


class CodeForm(FlaskForm):
    class Meta:
        csrf = False

    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(min=4, max=40)])


class UploadForm(FlaskForm):
    file = FileField(_l("The PDF file you received"), validators=[FileRequired()])


class StepForm(FlaskForm):
    """A batch's next step: nothing to fill in but the CSRF token."""
