"""Blind review leaks nothing: not the document metadata of the PDFs experts download, not an
image that would call its owner from the expert's browser, and not the organisation's short or
English name, or its name without the legal form. Names are found as words, not inside words."""

from __future__ import annotations

import io

import pikepdf
import pytest
from sqlmodel import select

from portal.accounts.models import User
from portal.accounts.names import name_pattern, variants
from portal.db import db
from portal.proposals.models import Attachment, Proposal, SubmittedVersion
from portal.proposals.snapshot import SubmittedContent
from portal.reviews.assignment import assign
from portal.storage import store_bytes
from tests.pdfs import has_xmp, info_of, pdf

WRITTEN_BY = {
    "author": "Li Lei",
    "creator": "Shenxin budget template",
    "title": "深芯微电子 budget",
}


def _with_xmp(document: pikepdf.Pdf) -> None:
    with document.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = ["Li Lei"]


@pytest.fixture
def in_blind_review(
    app, closed_challenge, make_proposal, make_org, make_user, make_expert, officer, add_to_panel
):
    """A proposal of 深芯微电子有限公司 in blind review, its approach written by the
    applicant, one PDF attached; `expert@x.example` is assigned to it."""

    def make(approach: str, *, attachment: bytes | None = None, blind: bool = True, **org):
        shenxin = make_org("深芯微电子有限公司", **org)
        make_user("al@shenxin.example", org=shenxin, name="Al")
        challenge = closed_challenge(blind_review=blind)
        proposal = make_proposal(lead=shenxin, challenge=challenge, status="in_review")
        expert = make_expert("expert@x.example", name="Expert Zhou")
        add_to_panel(challenge, expert)
        with app.test_request_context():
            version = db.session.exec(
                select(SubmittedVersion).where(SubmittedVersion.proposal_id == proposal.id)
            ).one()
            live = db.session.get(Proposal, proposal.id)
            live.approach = approach
            data = attachment or pdf("Budget", change=_with_xmp, **WRITTEN_BY)
            stored = store_bytes(data, "budget.pdf", "proposals")
            db.session.add(
                Attachment(
                    proposal_id=proposal.id,
                    title="Budget",
                    filename=stored.filename,
                    stored_name=stored.stored_name,
                    size=stored.size,
                    sha256=stored.sha256,
                    uploaded_at=version.submitted_at,
                )
            )
            db.session.flush()  # the version freezes the attachment with the rest
            version.content = SubmittedContent.from_proposal(
                live, 1, version.submitted_at
            ).to_json()
            assign(live, db.session.get(User, expert.id), by=officer)
            db.session.commit()
        return proposal

    return make


def test_the_experts_download_has_no_document_metadata_but_the_officers_has(
    client, login, in_blind_review
):
    proposal = in_blind_review("A pilot line.")
    original = pdf("Budget", change=_with_xmp, **WRITTEN_BY)
    assert info_of(original)["/Author"] == "Li Lei" and has_xmp(original)

    login("expert@x.example")
    download = client.get(f"/reviews/proposals/{proposal.id}/attachments/1")

    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == 'attachment; filename="Attachment 1.pdf"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert info_of(download.data) == {}
    assert not has_xmp(download.data)
    assert b"Li Lei" not in download.data and b"Shenxin" not in download.data
    with pikepdf.open(io.BytesIO(download.data)) as document:
        assert len(document.pages) == 1  # the document itself is all there

    login("officer@gov.example")
    kept = client.get(f"/reviews/proposals/{proposal.id}/attachments/1")
    assert info_of(kept.data)["/Author"] == "Li Lei"


def test_a_file_that_cannot_be_cleaned_is_not_given_to_a_blind_reviewer(
    client, login, in_blind_review
):
    proposal = in_blind_review("A pilot line.", attachment=b"%PDF-1.4 Author (Li Lei)")
    login("expert@x.example")

    download = client.get(f"/reviews/proposals/{proposal.id}/attachments/1")

    assert download.status_code == 409
    assert b"Li Lei" not in download.data
    assert "Ask the programme officer" in download.get_data(as_text=True)


def test_an_external_image_in_the_applicants_markdown_is_not_loaded_by_the_expert(
    client, login, in_blind_review
):
    proposal = in_blind_review(
        "Our results: ![yield chart](https://tracker.example/pixel.png?who=expert) "
        "and [the standard](https://standards.example/gb)."
    )
    login("expert@x.example")

    page = client.get(f"/reviews/proposals/{proposal.id}").get_data(as_text=True)

    assert "tracker.example" not in page and "<img" not in page
    assert "yield chart" in page  # its description is shown as text
    assert 'href="https://standards.example/gb"' in page  # links stay


@pytest.mark.parametrize(
    ("org", "written"),
    [
        ({"short_name": "深芯微电子"}, "深芯微电子"),
        ({"english_name": "Shenxin Microelectronics"}, "Shenxin  microelectronics"),
        ({"english_name": "Shenxin Microelectronics Co., Ltd."}, "SHENXIN MICROELECTRONICS"),
        ({}, "深芯微电子"),  # the registered name without 有限公司, with no short name given
    ],
)
def test_the_short_and_english_names_are_withheld(client, login, in_blind_review, org, written):
    proposal = in_blind_review(f"{written} will build a pilot line.", **org)
    login("expert@x.example")

    page = client.get(f"/reviews/proposals/{proposal.id}").get_data(as_text=True)

    assert written.casefold() not in page.casefold()
    assert "[withheld] will build a pilot line." in page


def test_a_short_latin_name_is_withheld_as_a_word_not_inside_words(client, login, in_blind_review):
    proposal = in_blind_review("Al tested the material; al. Alkaline etching, as Al said.")
    login("expert@x.example")

    page = client.get(f"/reviews/proposals/{proposal.id}").get_data(as_text=True)

    assert (
        "[withheld] tested the material; [withheld]. Alkaline etching, as [withheld] said." in page
    )


def test_names_are_matched_as_words_in_latin_script_and_as_substrings_in_chinese():
    pattern = name_pattern(["Al", "Li Lei", "深芯微电子", "X"])
    text = "Al and li  lei tested the material at 深芯微电子公司 (Xi'an); Alibaba, Lilei."
    assert pattern.sub("#", text) == "# and # tested the material at #公司 (Xi'an); Alibaba, Lilei."


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("深芯微电子有限公司", {"深芯微电子有限公司", "深芯微电子"}),
        (
            "深圳市深芯微电子股份有限公司",
            {
                "深圳市深芯微电子股份有限公司",
                "深圳市深芯微电子",
                "深芯微电子股份有限公司",
                "深芯微电子",
            },
        ),
        ("深芯微电子（深圳）有限公司", {"深芯微电子（深圳）有限公司", "深芯微电子"}),
        (
            "Shenxin Microelectronics Co., Ltd.",
            {"Shenxin Microelectronics Co., Ltd.", "Shenxin Microelectronics"},
        ),
        ("Beta University", {"Beta University", "Beta"}),
        ("AB Inc.", {"AB Inc."}),  # "AB" alone would not be distinctive
        ("某大学", {"某大学"}),  # nor would one character
    ],
)
def test_an_organisations_name_without_its_legal_form_is_kept_only_when_distinctive(name, expected):
    assert variants(name) == expected
