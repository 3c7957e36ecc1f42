"""Blind review: experts see no organisation or person names — pages, attachment names and
exports; officers see everything."""

import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from portal.accounts.models import User
from portal.db import db
from portal.proposals.models import Attachment, Proposal, SubmittedVersion
from portal.proposals.snapshot import SubmittedContent
from portal.reviews import scoring
from portal.reviews.assignment import assign
from portal.storage import store_bytes
from tests.pdfs import info_of, pdf

NAMES = [
    "Alpha Tech",
    "Beta University",
    "Li Lei",
    "leader@example.com",
    "alpha-tech-budget",
    "Alice Applicant",
]


@pytest.fixture
def blind_setup(
    app, closed_challenge, make_proposal, make_org, make_user, make_expert, officer, add_to_panel
):
    def make(blind: bool = True):
        alpha = make_org("Alpha Tech")
        beta = make_org("Beta University", type="university")
        make_user("alice@alpha.example", org=alpha, name="Alice Applicant")
        challenge = closed_challenge(blind_review=blind)
        proposal = make_proposal(
            lead=alpha, members=(beta,), challenge=challenge, status="in_review"
        )
        expert = make_expert("expert@x.example", name="Expert Zhou")
        add_to_panel(challenge, expert)
        with app.test_request_context():
            version = db.session.exec(
                select(SubmittedVersion).where(SubmittedVersion.proposal_id == proposal.id)
            ).one()
            live = db.session.get(Proposal, proposal.id)
            live.approach = "Alpha Tech and Li Lei will build a pilot line (Alice Applicant)."
            budget = pdf("Budget", author="Alice Applicant", creator="Alpha Tech budget tool")
            stored = store_bytes(budget, "alpha-tech-budget.pdf", "uploads")
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
            p = db.session.get(Proposal, proposal.id)
            assignment = assign(p, db.session.get(User, expert.id), by=officer)
            criteria = p.challenge.criteria
            scoring.save_review(
                assignment,
                by=db.session.get(User, expert.id),
                scores=[scoring.ScoreInput(c.id, "7", "A credible resin route.") for c in criteria],
                overall_comment="The team is capable.",
                recommendation="fund",
                submit=True,
            )
            db.session.commit()
        return challenge, proposal

    return make


def expert_sees(client, challenge, proposal) -> list[str]:
    texts = []
    for url in (
        "/reviews/mine",
        f"/reviews/proposals/{proposal.id}",
        f"/reviews/proposals/{proposal.id}/review",
        "/reviews/conflicts",
        f"/reviews/mine/{challenge.id}.csv",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        texts.append(response.get_data(as_text=True))
    workbook = load_workbook(io.BytesIO(client.get(f"/reviews/mine/{challenge.id}.xlsx").data))
    texts.append(
        " ".join(str(v) for row in workbook.active.iter_rows(values_only=True) for v in row)
    )
    download = client.get(f"/reviews/proposals/{proposal.id}/attachments/1")
    assert download.status_code == 200
    texts.append(download.headers["Content-Disposition"])
    texts.append(" ".join(info_of(download.data).values()))  # the PDF's author, creator …
    return texts


def test_blind_review_hides_every_name_from_the_experts_pages_and_exports(
    app, client, login, blind_setup
):
    challenge, proposal = blind_setup(blind=True)
    with app.app_context():
        codes = [m.organisation.credit_code for m in db.session.get(Proposal, proposal.id).members]
    login("expert@x.example")
    texts = expert_sees(client, challenge, proposal)
    for text in texts:
        for name in [*NAMES, *codes]:
            assert name.lower() not in text.lower()
    assert "Attachment 1.pdf" in texts[1] and "Attachment 1.pdf" in texts[-2]
    assert "pilot line" in texts[1] and "Indicator 1" in texts[1]  # the substance stays
    assert "7" in texts[4]  # the expert's own scores are in the export
    assert client.get(f"/reviews/challenges/{challenge.id}/ranking.csv").status_code == 403


def test_officers_and_open_review_show_the_names(client, login, blind_setup):
    challenge, proposal = blind_setup(blind=False)
    login("expert@x.example")
    texts = expert_sees(client, challenge, proposal)
    assert "Alpha Tech" in texts[1] and "alpha-tech-budget.pdf" in texts[1]
    assert "Alice Applicant" in texts[-1]  # open review: the PDF as the applicant sent it

    login("officer@gov.example")
    page = client.get(f"/reviews/proposals/{proposal.id}").get_data(as_text=True)
    assert "Alpha Tech" in page and "Li Lei" in page
    scores = client.get(f"/reviews/challenges/{challenge.id}/scores.csv")
    text = scores.data.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "Alpha Tech" in text and "Expert Zhou" in text


def test_officers_see_every_name_of_a_blind_challenge_and_its_ranking_export(
    client, login, blind_setup
):
    challenge, proposal = blind_setup(blind=True)
    login("officer@gov.example")
    page = client.get(f"/reviews/proposals/{proposal.id}").get_data(as_text=True)
    assert "Alpha Tech" in page and "alpha-tech-budget.pdf" in page
    workbook = load_workbook(
        io.BytesIO(client.get(f"/reviews/challenges/{challenge.id}/ranking.xlsx").data)
    )
    cells = [str(v) for row in workbook.active.iter_rows(values_only=True) for v in row]
    assert "Alpha Tech" in cells
