"""Labels travel with their enum: a state, a role or a kind is named in one place (its
LabelledEnum member) and drawn on pages one way (`badge`)."""

import json
import pickle
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import render_template_string
from flask_babel import force_locale
from sqlmodel import SQLModel

from portal.i18n import lazy_gettext as _l
from portal.labels import LabelledEnum
from portal.models import import_all_models
from portal.vocabulary import ProposalStatus

ROOT = Path(__file__).resolve().parents[2]


# ---- a member is its stored string ----------------------------------------------------------


def test_a_member_is_its_stored_string_everywhere_a_string_goes():
    draft = ProposalStatus.draft
    assert draft.value == "draft" and isinstance(draft, str)
    assert str(draft) == "draft" and f"{draft}" == "draft" and f"[{draft:>7}]" == "[  draft]"
    assert draft == "draft" and draft != "submitted" and draft in ("draft",)
    assert {"draft": 1}[draft] == 1 and {draft: 1}["draft"] == 1
    assert ProposalStatus("draft") is draft and ProposalStatus["draft"] is draft
    assert json.dumps({"status": draft}) == '{"status": "draft"}'
    assert pickle.loads(pickle.dumps(draft)) is draft


def test_a_stored_value_is_found_or_the_default_given():
    assert ProposalStatus.find("in_review") is ProposalStatus.in_review
    assert ProposalStatus.find("in review") is None
    assert ProposalStatus.find(None, ProposalStatus.draft) is ProposalStatus.draft


# ---- its label follows the reader's language ------------------------------------------------


def test_the_label_is_in_the_language_in_force(app):
    with app.test_request_context():
        with force_locale("en"):
            assert ProposalStatus.rejected.label == "Rejected at the formal check"
        with force_locale("zh"):
            assert ProposalStatus.rejected.label == "形式审查未通过"


def test_choices_offer_the_members_in_order_with_labels_translated_when_shown(app):
    assert [value for value, _label in ProposalStatus.choices()] == [
        m.value for m in ProposalStatus
    ]
    chosen = ProposalStatus.choices([ProposalStatus.reserve, ProposalStatus.draft])
    assert [value for value, _label in chosen] == ["reserve", "draft"]
    with app.test_request_context(), force_locale("zh"):
        assert [str(label) for _value, label in chosen] == ["候补", "草稿"]


def test_a_label_must_be_lazy_so_that_it_can_follow_the_reader():
    with pytest.raises(TypeError, match="must be lazy"):

        class Frozen(LabelledEnum):
            only = "only", "Only"

    with pytest.raises(TypeError, match="is not a string"):

        class Numbered(LabelledEnum):
            one = 1, _l("Draft")


# ---- every enum of the portal is labelled in both languages ---------------------------------


def column_enums() -> set[type]:
    import_all_models()
    return {
        column.type.enum_class
        for table in SQLModel.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, sa.Enum) and column.type.enum_class is not None
    }


def test_every_enum_of_a_column_is_labelled_in_english_and_chinese(app):
    enums = column_enums()
    assert len(enums) > 20  # the check sees the columns
    assert sorted(e.__name__ for e in enums if not issubclass(e, LabelledEnum)) == []
    portal_enums = {e for e in LabelledEnum.__subclasses__() if e.__module__.startswith("portal.")}
    assert enums <= portal_enums
    untranslated = []
    with app.test_request_context():
        for enum_class in sorted(portal_enums, key=lambda e: e.__name__):
            for member in enum_class:
                with force_locale("en"):
                    english = member.label
                with force_locale("zh"):
                    chinese = member.label
                if not english or not re.search(r"[\u4e00-\u9fff]", chinese):
                    untranslated.append(f"{enum_class.__name__}.{member.name}")
    assert untranslated == []


# ---- one badge ------------------------------------------------------------------------------

BADGE = '{% from "macros.html" import badge %}{{ badge(status) }}'


def test_a_badge_shows_the_label_classed_by_value_and_by_enum(app):
    with app.test_request_context():
        with force_locale("en"):
            html = render_template_string(BADGE, status=ProposalStatus.in_review)
        assert html == (
            '<span class="badge badge-in_review proposal-status-in_review">In review</span>'
        )
        with force_locale("zh"):
            assert ">评审中<" in render_template_string(BADGE, status=ProposalStatus.in_review)


def test_a_template_names_a_plain_stored_value_through_its_enum(app):
    with app.test_request_context(), force_locale("en"):
        html = render_template_string("{{ enums.MemberRole(role).label }}", role="lead")
        assert html == "Lead organisation"


def test_a_role_and_a_scoring_method_are_shown_by_their_labels_not_their_codes(
    client, login, make_user, closed_challenge
):
    make_user("officer@gov.example", role="officer", name="王小明")
    challenge = closed_challenge(status="reviewing", aggregation="median")
    login("officer@gov.example")
    client.get("/language/zh")
    assert "王小明（项目主管）" in client.get("/").get_data(as_text=True)
    ranking = client.get(f"/reviews/challenges/{challenge.id}/ranking")
    assert "按 中位数 排名" in ranking.get_data(as_text=True)


# ---- no other way ---------------------------------------------------------------------------

# An enum member mapped to a label (`ProposalStatus.draft: _l("Draft")`, `"draft": _l(…)`).
LABEL_ENTRY = re.compile(r"""^\s*(\w+\.\w+|"\w+"|'\w+'): _l\(""", re.M)
# A badge drawn by hand in a template, or a value mapped to its words inside one.
HAND_DRAWN = re.compile(r"""class="badge|\{\s*'\w+'\s*:\s*'""")


def label_dictionaries(text: str) -> list[str]:
    return LABEL_ENTRY.findall(text)


def hand_drawn_badges(text: str) -> list[str]:
    return HAND_DRAWN.findall(text)


def test_the_checks_notice_what_they_forbid():
    assert label_dictionaries('STATUS = {\n    Status.draft: _l("Draft"),\n}')
    assert label_dictionaries('SORTS = {\n    "newest": _l("Newest first"),\n}')
    assert not label_dictionaries('    draft = "draft", _l("Draft")')
    assert hand_drawn_badges('<span class="badge badge-warning">x</span>')
    assert hand_drawn_badges("{{ {'ge': '≥', 'le': '≤'}[c] }}")
    assert not hand_drawn_badges("{{ badge(proposal.status) }}")


def test_labels_live_only_on_their_enums_and_badges_only_in_the_macro():
    found = [
        f"{path.relative_to(ROOT)}: {entry}"
        for path in sorted((ROOT / "portal").rglob("*.py"))
        for entry in label_dictionaries(path.read_text(encoding="utf-8"))
    ]
    found += [
        f"{path.relative_to(ROOT)}: {entry}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if path.name != "macros.html"
        for entry in hand_drawn_badges(path.read_text(encoding="utf-8"))
    ]
    assert found == []
