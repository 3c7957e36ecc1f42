"""Demo proposals: a draft, submitted ones, a withdrawn one and one submitted twice, from the
demo organisations, in consortia of two or three, built through the services as a user would:
member organisations accept the lead's invitation, team leaders sign the pledge with their own
account, administrators submit. The draft's consortium has a member that accepted and one still
invited, and its team leader was invited by e-mail and has not signed.

Challenges come from the challenges demo (`base["challenges"]`) when it has run; otherwise
this loader publishes two of its own so that it stands alone.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal

from flask_babel import force_locale

from portal import clock, storage
from portal.accounts.models import Organisation, User
from portal.challenges import services as challenge_services
from portal.challenges.models import Challenge
from portal.db import db
from portal.demo import build
from portal.demo.challenges import STANDALONE, challenge_data
from portal.proposals import consent, drafting, signature, submission
from portal.proposals.models import Attachment, Proposal
from portal.vocabulary import Stage

ADMINISTRATORS = {"enterprise": "alice", "university": "bob", "institute": "carol"}


def demo_pdf(title: str, filler: bytes = b"") -> bytes:
    """A one-page PDF with a line of text (ASCII), with a correct cross-reference table; `filler`
    is embedded as a stream of its own, to make a file of a given size (as a scan is)."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if filler:
        objects.append(_stream(filler))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes) -> bytes:
    return b"<< /Length " + str(len(data)).encode() + b" >>\nstream\n" + data + b"\nendstream"


def own_challenges(base: dict) -> list[Challenge]:
    """Published through the challenges services, as the officer would."""
    officer = base["users"]["officer"]
    made = []
    for entry in STANDALONE.values():
        chain, link, stage = entry["link"]
        link_id = build.chain_link(chain, link, Stage(stage)).id
        challenge = challenge_services.create_draft(
            challenge_data(entry, link_id, clock.now()), by=officer
        )
        challenge_services.publish(challenge, by=officer)
        made.append(challenge)
    db.session.flush()
    return made


def _open_challenges(base: dict) -> list[Challenge]:
    given = base.get("challenges")
    if isinstance(given, dict):
        given = list(given.values())
    now = clock.now()
    usable = [
        c
        for c in (given or [])
        if isinstance(c, Challenge)
        and c.accepts_proposals(now)
        and {"enterprise", "university", "institute"} <= set(c.allowed_org_types)
        and not c.region
        and c.max_members >= 2
    ]
    return usable if len(usable) >= 2 else own_challenges(base)


def _build(
    challenge: Challenge,
    lead: User,
    members: list[Organisation],
    title: str,
    leader_email: str,
    leader_name: str = "",
    complete: bool = True,
) -> Proposal:
    proposal = drafting.start_proposal(challenge, by=lead)
    drafting.save_members(
        proposal,
        by=lead,
        revision=proposal.revision,
        lead_responsibility="总体设计与中试 Overall design and pilot line",
        rows=[
            drafting.MemberInput(
                credit_code=org.credit_code, responsibility="联合攻关 Joint research and testing"
            )
            for org in members
        ],
    )
    drafting.save_general(
        proposal,
        by=lead,
        revision=proposal.revision,
        title=title,
        leader_name=leader_name,
        leader_title="首席科学家 Chief scientist",
        leader_phone="+86 20 8888 0000",
        leader_email=leader_email,
        leader_org_id=proposal.lead_org_id,
        approach="## 技术路线 Approach\n\n1. 树脂合成 resin synthesis\n2. **中试验证** pilot line",
        innovation="- 自主单体 Own monomer\n- 国产化检测 Domestic metrology" if complete else "",
    )
    drafting.save_commitments(
        proposal,
        by=lead,
        revision=proposal.revision,
        rows=[
            drafting.CommitmentInput(indicator_id=ind.id, value=ind.target)
            for ind in challenge.indicators
        ],
    )
    if not complete:
        return proposal
    today = clock.local_date(clock.now())
    drafting.save_milestones(
        proposal,
        by=lead,
        revision=proposal.revision,
        rows=[
            drafting.MilestoneInput(
                title=name,
                due_date=today + timedelta(days=300 * (i + 1)),
                deliverable=deliverable,
                verification="专家现场验收 On-site acceptance",
                share_percent=Decimal(share),
            )
            for i, (name, deliverable, share) in enumerate(
                (
                    ("配方定型 Formulation fixed", "配方与小试报告 Lab report", "30"),
                    ("中试线 Pilot line", "中试线运行记录 Run records", "40"),
                    ("用户验证 Customer qualification", "检测报告 Test report", "30"),
                )
            )
        ],
    )
    requested = (challenge.funding_cap or Decimal("10000000")) * Decimal("0.8")
    n = len(proposal.members)
    each = (requested / n).quantize(Decimal("0.01"))
    drafting.save_budget(
        proposal,
        by=lead,
        revision=proposal.revision,
        requested=requested,
        self_funds=Decimal("6000000.00"),
        shares={
            m.id: (requested - each * (n - 1) if i == 0 else each)
            for i, m in enumerate(proposal.members)
        },
    )
    stored = storage.store_bytes(demo_pdf(f"Proposal: {title}"), "方案书 proposal.pdf", "proposals")
    db.session.add(
        Attachment(
            **asdict(stored),
            proposal_id=proposal.id,
            title="揭榜方案书 Proposal document",
            uploaded_at=clock.now(),
            uploaded_by_id=lead.id,
        )
    )
    db.session.flush()
    db.session.refresh(proposal)
    return proposal


def load(base: dict) -> dict:
    """Run outside a request (the `demo` command): texts frozen into versions are Chinese."""
    with force_locale("zh"):
        return _load(base)


def _accept(proposal: Proposal, organisation: Organisation, by: User) -> None:
    """An administrator of `organisation` accepts the lead's invitation."""
    member = next(m for m in proposal.members if m.organisation_id == organisation.id)
    consent.accept(member, by=by)


def _sign(proposal: Proposal, leader: User) -> None:
    signature.sign_pledge(proposal, by=leader, password=build.PASSWORD, leads_the_team=True)


def _load(base: dict) -> dict:
    users, orgs = base["users"], base["orgs"]
    first, second = _open_challenges(base)[:2]
    alice, bob = users["alice"], users["bob"]
    liming = build.leader_account("李明", orgs["enterprise"])
    zhanghua = build.leader_account("张华", orgs["university"])
    made = {}
    for key, challenge, lead, members, title, leader in (
        (
            "submitted",
            first,
            alice,
            ("university", "institute"),
            "国产 ArF 光刻胶联合攻关 Domestic ArF photoresist",
            liming,
        ),
        (
            "withdrawn",
            second,
            bob,
            ("institute",),
            "高可靠 IGBT 模块 Reliable IGBT module",
            zhanghua,
        ),
        ("resubmitted", second, alice, ("institute",), "碳化硅混合模块 SiC hybrid module", liming),
    ):
        made[key] = _build(challenge, lead, [orgs[k] for k in members], title, leader.email)
        for k in members:
            _accept(made[key], orgs[k], users[ADMINISTRATORS[k]])
        _sign(made[key], leader)
        submission.submit_proposal(made[key], by=lead)
    submission.withdraw_proposal(made["withdrawn"], by=bob)
    submission.withdraw_proposal(made["resubmitted"], by=alice)
    submission.submit_proposal(made["resubmitted"], by=alice)

    # The draft: the enterprise accepted, the university is still invited; the team leader has
    # no account yet and was invited by e-mail, so nobody has signed.
    made["draft"] = _build(
        first,
        users["carol"],
        [orgs["enterprise"], orgs["university"]],
        "光刻胶检测平台 Photoresist metrology",
        "chenjing@example.com",
        leader_name="陈静",
        complete=False,
    )
    _accept(made["draft"], orgs["enterprise"], alice)

    base["challenges_for_proposals"] = [first, second]
    base["leaders"] = {"signed": liming, "invited": "chenjing@example.com"}
    base["proposals"] = made
    return base
