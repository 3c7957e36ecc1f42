"""The portal's own drawing of form attributes is WTForms' to the character."""

import pytest
from markupsafe import Markup
from wtforms.widgets.core import html_params as wtforms_html_params

from portal.templating import html_params

CASES = [
    {"name": "q", "id": "q", "class_": "wide"},
    {"checked": True, "readonly": False, "name": "agree", "value": "y"},
    {"data_money": "wan", "aria_describedby": "amount-help amount-error", "inputmode": "decimal"},
    {"value": Markup('already "safe" <b>'), "title": "x\"<>&'"},
    {"value": 3, "min": 0, "step": "0.01", "placeholder": None},
    {"value": "中文 & <script>", "for_": "id"},
]


@pytest.mark.parametrize("attributes", CASES)
def test_attributes_are_drawn_as_wtforms_draws_them(attributes):
    drawn = html_params(**attributes)
    assert isinstance(drawn, Markup)
    assert drawn == wtforms_html_params(**attributes)


def test_every_input_of_a_page_is_drawn_by_the_portal_s_attributes(client):
    from wtforms import widgets

    assert widgets.TextInput.html_params is html_params
    html = client.get("/challenges?q=%22quoted%22+%3Cb%3E").get_data(as_text=True)
    assert 'value="&#34;quoted&#34; &lt;b&gt;"' in html
