"""Blind review leaks nothing: not an image that would call its owner from the expert's
browser."""

from __future__ import annotations

import pikepdf
import pytest
from sqlmodel import select

from portal.accounts.models import User
from portal.db import db
from portal.proposals.models import Attachment, Proposal, SubmittedVersion
from portal.proposals.services import freeze
from portal.reviews import services
from portal.storage import store_bytes
from tests.pdfs import pdf

pytest_plugins = ["tests.reviews_fixtures"]

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
            version.content = freeze(live, 1, version.submitted_at)
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
            services.assign(live, db.session.get(User, expert.id), by=officer)
            db.session.commit()
        return proposal

    return make


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
