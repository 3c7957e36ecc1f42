"""Demo proposals: a draft, submitted ones, a withdrawn one and one submitted twice, from the
demo organisations, in consortia of two or three, built through the services as a user would:
member organisations accept the lead's invitation, team leaders sign the pledge with their own
account, administrators submit. The draft's consortium has a member that accepted and one still
invited, and its team leader was invited by e-mail and has not signed.

Challenges come from the challenges demo (`base["challenges"]`) when it has run; otherwise
this loader publishes two of its own so that it stands alone. `leader_account` and
`handed_in` serve the other modules' demos, which build proposals already handed in directly.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import force_locale
from sqlmodel import func, select

from portal import clock, sequences, storage
from portal.accounts.membership import administrators
from portal.accounts.models import (
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    Role,
    User,
)
from portal.accounts.services import hash_password
from portal.challenges.models import (
    Chain,
    ChainLink,
    Challenge,
    ChallengeStatus,
    ChallengeVersion,
    Comparison,
    Criterion,
    Indicator,
    Stage,
)
from portal.db import db
from portal.proposals import consent, drafting, signature, submission
from portal.proposals.models import Attachment, ConsentStatus, Proposal
from portal.proposals.states import set_consent

# Team leaders with an account of their own (password portal-demo); others get leaderN@.
LEADER_EMAILS = {"李明": "liming@example.com", "张华": "zhanghua@example.com"}
DEMO_PASSWORD = "portal-demo"
_password_hash: list[str] = []


def leader_account(name: str, org: Organisation) -> User:
    """The demo account of the team leader called `name` (made once, an approved member of
    `org`, password portal-demo)."""
    found = db.session.exec(
        select(User).where(User.name == name, User.role == Role.applicant)
    ).first()
    if found is not None:
        return found
    email = LEADER_EMAILS.get(name)
    if email is None:
        taken = db.session.exec(
            select(func.count()).select_from(User).where(User.email.like("leader%@example.com"))
        ).one()
        email = f"leader{taken + 1}@example.com"
    if not _password_hash:
        _password_hash.append(hash_password(DEMO_PASSWORD))
    now = clock.now()
    account = User(
        email=email,
        name=name,
        role=Role.applicant,
        password_hash=_password_hash[0],
        organisation_id=org.id,
        created_at=now,
        email_verified_at=now,
    )
    db.session.add(account)
    db.session.flush()
    db.session.add(
        Membership(
            user_id=account.id,
            organisation_id=org.id,
            status=MembershipStatus.approved,
            role=MembershipRole.member,
            created_at=now,
            decided_at=now,
        )
    )
    return account


def handed_in(proposal: Proposal, at: datetime) -> None:
    """A proposal the demos build as already handed in (flushed, before its version is
    frozen): every member accepted the invitation, and the team leader (an account named like
    `leader_name`) signed the pledge for what the proposal says."""
    db.session.flush()
    for member in proposal.members:
        admins = administrators(member.organisation_id)
        member.invited_at = at
        set_consent(member, ConsentStatus.accepted, by=admins[0] if admins else None, now=at)
    organisation = db.session.get(Organisation, proposal.leader_org_id or proposal.lead_org_id)
    signature.record_signature(proposal, leader_account(proposal.leader_name, organisation), at)
    db.session.flush()


def demo_pdf(title: str) -> bytes:
    """A one-page PDF with a line of text (ASCII), with a correct cross-reference table."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
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


def _link(chain_name: str, stage: Stage, link_name: str) -> ChainLink:
    chain = db.session.exec(select(Chain).where(Chain.name == chain_name)).first()
    if chain is None:
        chain = Chain(name=chain_name, leader_title=f"{chain_name}产业链链长")
        db.session.add(chain)
        db.session.flush()
    link = db.session.exec(
        select(ChainLink).where(ChainLink.chain_id == chain.id, ChainLink.name == link_name)
    ).first()
    if link is None:
        link = ChainLink(chain_id=chain.id, stage=stage, name=link_name)
        db.session.add(link)
        db.session.flush()
    return link


def _challenge(officer: User, title: str, link: ChainLink, days: int, cap: str, indicators):
    now = clock.now()
    challenge = Challenge(
        number=f"JB-{now.year}-{sequences.next_value(f'challenge-{now.year}'):03d}",
        status=ChallengeStatus.published,
        version=1,
        title=title,
        chain_link_id=link.id,
        statement="国内供给不足 5%，依赖进口。Domestic supply covers under 5% of demand.",
        background="关键材料长期依赖两家境外供应商。",
        deliverable="中试线与第三方检测报告 Pilot line and third-party test report",
        funding_cap=Decimal(cap),
        cofunding=Decimal("5000000.00"),
        duration_months=36,
        deadline=now + timedelta(days=days),
        max_members=3,
        created_by_id=officer.id,
        created_at=now,
        updated_at=now,
        published_at=now,
    )
    challenge.indicators = [
        Indicator(
            position=i,
            name=name,
            comparison=cmp,
            target=Decimal(target),
            unit=unit,
            test_method="第三方检测 Third-party test",
        )
        for i, (name, cmp, target, unit) in enumerate(indicators)
    ]
    challenge.criteria = [
        Criterion(position=i, name=name, weight=weight)
        for i, (name, weight) in enumerate(
            (
                ("技术先进性 Technical merit", 40),
                ("团队能力 Team", 30),
                ("实施方案 Plan", 20),
                ("经费合理性 Budget", 10),
            )
        )
    ]
    db.session.add(challenge)
    db.session.flush()
    db.session.add(
        ChallengeVersion(
            challenge_id=challenge.id,
            version=1,
            content={"title": title, "number": challenge.number},
            published_at=now,
            published_by_id=officer.id,
        )
    )
    return challenge


def own_challenges(base: dict) -> list[Challenge]:
    officer = base["users"]["officer"]
    return [
        _challenge(
            officer,
            "28nm ArF 浸没式光刻胶 Immersion photoresist",
            _link("集成电路", Stage.upstream, "材料与设备"),
            45,
            "30000000.00",
            (
                ("分辨率 Resolution", Comparison.le, "28", "nm"),
                ("线宽粗糙度 LWR", Comparison.le, "2.5", "nm"),
                ("批次良率 Batch yield", Comparison.ge, "95", "%"),
            ),
        ),
        _challenge(
            officer,
            "车规级 IGBT 功率模块 Automotive IGBT module",
            _link("新能源汽车", Stage.midstream, "电驱与电控"),
            60,
            "20000000.00",
            (
                ("结温 Junction temperature", Comparison.ge, "175", "°C"),
                ("功率循环 Power cycles", Comparison.ge, "100000", ""),
            ),
        ),
        _challenge(  # left open: no demo organisation has unveiled it yet
            officer,
            "高精度 EDA 时序签核工具 Timing sign-off EDA",
            _link("集成电路", Stage.midstream, "设计与制造"),
            75,
            "15000000.00",
            (("时序误差 Timing error", Comparison.le, "2", "%"),),
        ),
    ]


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
            proposal_id=proposal.id,
            title="揭榜方案书 Proposal document",
            filename=stored.filename,
            stored_name=stored.stored_name,
            size=stored.size,
            sha256=stored.sha256,
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
    signature.sign_pledge(proposal, by=leader, password=DEMO_PASSWORD, leads_the_team=True)


def _load(base: dict) -> dict:
    users, orgs = base["users"], base["orgs"]
    first, second = _open_challenges(base)[:2]
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    liming = leader_account("李明", orgs["enterprise"])
    zhanghua = leader_account("张华", orgs["university"])

    submitted = _build(
        first,
        alice,
        [orgs["university"], orgs["institute"]],
        "国产 ArF 光刻胶联合攻关 Domestic ArF photoresist",
        liming.email,
    )
    _accept(submitted, orgs["university"], bob)
    _accept(submitted, orgs["institute"], carol)
    _sign(submitted, liming)
    submission.submit_proposal(submitted, by=alice)

    withdrawn = _build(
        second, bob, [orgs["institute"]], "高可靠 IGBT 模块 Reliable IGBT module", zhanghua.email
    )
    _accept(withdrawn, orgs["institute"], carol)
    _sign(withdrawn, zhanghua)
    submission.submit_proposal(withdrawn, by=bob)
    submission.withdraw_proposal(withdrawn, by=bob)

    twice = _build(
        second, alice, [orgs["institute"]], "碳化硅混合模块 SiC hybrid module", liming.email
    )
    _accept(twice, orgs["institute"], carol)
    _sign(twice, liming)
    submission.submit_proposal(twice, by=alice)
    submission.withdraw_proposal(twice, by=alice)
    submission.submit_proposal(twice, by=alice)

    # The draft: the enterprise accepted, the university is still invited; the team leader has
    # no account yet and was invited by e-mail, so nobody has signed.
    draft = _build(
        first,
        carol,
        [orgs["enterprise"], orgs["university"]],
        "光刻胶检测平台 Photoresist metrology",
        "chenjing@example.com",
        leader_name="陈静",
        complete=False,
    )
    _accept(draft, orgs["enterprise"], alice)

    base["challenges_for_proposals"] = [first, second]
    base["leaders"] = {"signed": liming, "invited": "chenjing@example.com"}
    base["proposals"] = {
        "submitted": submitted,
        "withdrawn": withdrawn,
        "resubmitted": twice,
        "draft": draft,
    }
    return base
