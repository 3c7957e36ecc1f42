"""One applicant's hour before the deadline, as a browser sends it, and the check that nothing
they sent was lost.

`Journey` logs in once, then runs rounds: each round opens every section of the draft, saves it
with the form's CSRF token and revision, uploads a 1 MB PDF, signs the pledge with the
applicant's password and submits; a later round first withdraws the proposal to revise it. What
a round types is a function of the applicant and the round (`Draft.of`), so the check afterwards
(`lost_updates`) knows exactly what each submitted version must hold without being told more
than which rounds were acknowledged and which PDFs went with them.

The journey speaks through a `Client` (the load tool's, or a test's): it sends one request and
says whether the answer was the expected one. Redirects are not followed; a save's redirect is
checked for the page a successful save leads to, since a frozen proposal's edit address
redirects too.
"""

from __future__ import annotations

import hashlib
import random
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import NamedTuple, Protocol

from portal.demo.proposals import demo_pdf

PDF_BYTES = 1024 * 1024
SECTIONS = ("general", "members", "commitments", "milestones", "budget")
WAN = Decimal(10000)


@dataclass(frozen=True)
class Applicant:
    """What a simulated applicant knows when the rush begins: their login, their draft and the
    ids its forms carry (bench/rush_seed.py makes them)."""

    number: int
    email: str
    password: str
    name: str
    proposal_id: int
    lead_org_id: int
    partner_code: str


class Answer(NamedTuple):
    status: int
    text: str
    location: str


class Client(Protocol):
    def send(
        self,
        method: str,
        path: str,
        kind: str,
        *,
        expect: int,
        body: bytes | None = None,
        content_type: str = "",
        location: str = "",
    ) -> Answer | None:
        """Send one request, counted under `kind`; the answer, or None (counted as an error)
        when its status is not `expect` or, for a redirect, it does not lead to `location`
        (a prefix of the Location header's path)."""


class Refused(Exception):
    """A step of the journey was not answered as it should be; the round stops there."""


# ---- what an applicant types ----------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    title: str
    due_date: date
    deliverable: str
    verification: str
    share_percent: Decimal


@dataclass(frozen=True)
class Draft:
    """Everything round `round` of an applicant types, in the form's own units (万元)."""

    title: str
    leader_name: str
    leader_title: str
    leader_phone: str
    leader_email: str
    approach: str
    innovation: str
    lead_responsibility: str
    partner_responsibility: str
    commitments: tuple[tuple[Decimal, str], ...]  # value and justification, per indicator
    milestones: tuple[Milestone, ...]
    requested_wan: Decimal
    self_funds_wan: Decimal
    partner_share_wan: Decimal

    @classmethod
    def of(cls, applicant: Applicant, round_: int, today: date) -> Draft:
        n, r = applicant.number, round_
        tenth = Decimal(r) / 10
        requested = Decimal(2000 + n % 900) + tenth
        return cls(
            title=f"冲刺{n}号第{r}稿：极紫外光刻胶 EUV photoresist, applicant {n} draft {r}",
            leader_name=applicant.name,
            leader_title="首席科学家 Chief scientist",
            leader_phone=f"+86 755 {8000_0000 + n}",
            leader_email=applicant.email,
            approach=(
                f"## 技术路线 Approach (draft {r})\r\n\r\n"
                f"1. 树脂合成 resin synthesis, batch {n}-{r}\r\n"
                "2. **中试验证** pilot line & customer lots <≥ 3>\r\n"
            ),
            innovation=f"- 自主单体 Own monomer #{n}\r\n- 第{r}轮修改 Revision {r}",
            lead_responsibility=f"总体设计与中试 Overall design, pilot line (r{r})",
            partner_responsibility=f"联合攻关 Joint research and testing (r{r})",
            commitments=(
                (Decimal(27) - tenth, ""),
                (Decimal("95.5") + tenth, f"三批次 Three lots, r{r}"),
                (Decimal(80 + n % 20), ""),
            ),
            milestones=tuple(
                Milestone(
                    title=f"{name} ({r})",
                    due_date=today + timedelta(days=200 * (k + 1) + r),
                    deliverable=f"{deliverable} {n}",
                    verification="专家现场验收 On-site acceptance",
                    share_percent=Decimal(share),
                )
                for k, (name, deliverable, share) in enumerate(
                    (
                        ("配方定型 Formulation fixed", "小试报告 Lab report", "30"),
                        ("中试线 Pilot line", "运行记录 Run records", "40.5"),
                        ("用户验证 Qualification", "检测报告 Test report", "29.5"),
                    )
                )
            ),
            requested_wan=requested,
            self_funds_wan=Decimal(600 + r),
            partner_share_wan=Decimal("500.25") + tenth,
        )

    def section(self, name: str, page: dict[str, str], applicant: Applicant) -> dict[str, str]:
        """The fields a browser sends to save section `name`, with the hidden ones of `page`
        (the CSRF token, the revision, the rows' ids)."""
        hidden = {k: v for k, v in page.items() if k == "csrf_token" or k == "revision"}
        if name == "general":
            return hidden | {
                "title": self.title,
                "leader_name": self.leader_name,
                "leader_title": self.leader_title,
                "leader_phone": self.leader_phone,
                "leader_email": self.leader_email,
                "leader_org_id": str(applicant.lead_org_id),
                "approach": self.approach,
                "innovation": self.innovation,
            }
        if name == "members":
            return hidden | {
                "lead_responsibility": self.lead_responsibility,
                "members-0-credit_code": applicant.partner_code,
                "members-0-responsibility": self.partner_responsibility,
            }
        if name == "commitments":
            fields = dict(hidden)
            for k, (value, why) in enumerate(self.commitments):
                fields[f"commitments-{k}-indicator_id"] = page[f"commitments-{k}-indicator_id"]
                fields[f"commitments-{k}-value"] = str(value)
                fields[f"commitments-{k}-justification"] = why
            return fields
        if name == "milestones":
            fields = dict(hidden)
            for k, ms in enumerate(self.milestones):
                fields |= {
                    f"milestones-{k}-title": ms.title,
                    f"milestones-{k}-due_date": ms.due_date.isoformat(),
                    f"milestones-{k}-deliverable": ms.deliverable,
                    f"milestones-{k}-verification": ms.verification,
                    f"milestones-{k}-share_percent": str(ms.share_percent),
                }
            return fields
        lead_share = self.requested_wan - self.partner_share_wan
        return hidden | {
            "requested": str(self.requested_wan),
            "self_funds": str(self.self_funds_wan),
            "shares-0-member_id": page["shares-0-member_id"],
            "shares-0-share": str(lead_share),
            "shares-1-member_id": page["shares-1-member_id"],
            "shares-1-share": str(self.partner_share_wan),
        }


def proposal_pdf(applicant: Applicant, round_: int, size: int = PDF_BYTES) -> bytes:
    """A valid one-page PDF of about `size` bytes, different for every applicant and round: a
    page of text and an embedded stream of incompressible bytes (as scans are)."""
    filler = random.Random(f"{applicant.number}-{round_}").randbytes(size)
    return demo_pdf(f"Rush proposal of applicant {applicant.number}, draft {round_}", filler)


def multipart(fields: dict[str, str], name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with `fields` and one file; the body and its content type."""
    boundary = "----rush" + hashlib.sha256(data[:4096]).hexdigest()[:24]
    parts = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name"):
            self.values.setdefault(found["name"], found.get("value") or "")


def inputs(html: str) -> dict[str, str]:
    """The name and value of every input of a page (the first of each name)."""
    parser = _Inputs()
    parser.feed(html)
    return parser.values


# ---- the journey ------------------------------------------------------------------------------


@dataclass
class Submitted:
    """A round the portal acknowledged as submitted, and the PDFs the draft held then."""

    round: int
    pdfs: tuple[str, ...]


@dataclass
class Journey:
    client: Client
    applicant: Applicant
    think: Callable[[], None] = lambda: None
    today: date = field(default_factory=date.today)
    submitted: list[Submitted] = field(default_factory=list)
    pdfs: list[str] = field(default_factory=list)  # SHA-256 of each PDF the portal kept
    rounds: int = 0
    handed_in: bool = False  # whether the proposal stands submitted now

    @property
    def base(self) -> str:
        return f"/proposals/{self.applicant.proposal_id}"

    def _form(self, path: str) -> dict[str, str]:
        """The inputs of the form at `path`. Like every request of the journey, it is sent
        after a pause (the person reads, types, finds the file), never between an answer and
        what the journey records of it."""
        self.think()
        answer = self.client.send("GET", path, "open form", expect=200)
        if answer is None:
            raise Refused(path)
        return inputs(answer.text)

    def _post(
        self,
        path: str,
        kind: str,
        fields: dict[str, str],
        location: str,
        upload: tuple[str, str, bytes] | None = None,
    ) -> None:
        if upload is None:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            body, content_type = multipart(fields, *upload)
        self.think()
        answer = self.client.send(
            "POST",
            path,
            kind,
            expect=302,
            body=body,
            content_type=content_type,
            location=location,
        )
        if answer is None:
            raise Refused(path)

    def log_in(self) -> None:
        page = self._form("/login")
        fields = {"csrf_token": page["csrf_token"], "email": self.applicant.email}
        self._post("/login", "log in", fields | {"password": self.applicant.password}, location="/")

    def round(self) -> None:
        """One round, from the draft (or the submitted proposal, withdrawn first) to a
        submission. Raises Refused at the first step answered wrongly."""
        self.rounds += 1
        draft = Draft.of(self.applicant, self.rounds, self.today)
        if self.handed_in:
            page = self._form(f"{self.base}/withdraw")
            fields = {"csrf_token": page["csrf_token"]}
            self._post(f"{self.base}/withdraw", "withdraw", fields, location=self.base)
            self.handed_in = False
        for name in SECTIONS:
            page = self._form(f"{self.base}/edit/{name}")
            fields = draft.section(name, page, self.applicant)
            # A complete section leads to the proposal's page; an incomplete one, or a frozen
            # proposal, elsewhere.
            self._post(f"{self.base}/edit/{name}", "save section", fields, f"{self.base}#{name}")
        page = self._form(f"{self.base}/attachments")
        pdf = proposal_pdf(self.applicant, self.rounds)
        fields = {"csrf_token": page["csrf_token"], "title": f"揭榜方案书 draft {self.rounds}"}
        upload = ("file", f"方案书-{self.rounds}.pdf", pdf)
        self._post(f"{self.base}/attachments", "upload PDF", fields, self.base, upload)
        self.pdfs.append(hashlib.sha256(pdf).hexdigest())
        page = self._form(f"{self.base}/pledge")
        fields = {"csrf_token": page["csrf_token"], "leads_the_team": "y"}
        fields["password"] = self.applicant.password
        self._post(f"{self.base}/pledge", "sign pledge", fields, f"{self.base}/pledge")
        page = self._form(f"{self.base}/submit")
        self._post(f"{self.base}/submit", "submit", {"csrf_token": page["csrf_token"]}, self.base)
        self.handed_in = True
        self.submitted.append(Submitted(self.rounds, tuple(self.pdfs)))


# ---- the check --------------------------------------------------------------------------------


def _expected(applicant: Applicant, done: Submitted, today: date) -> dict:
    """What the version frozen by `done` must say, in the terms of SubmittedContent."""
    d = Draft.of(applicant, done.round, today)
    return {
        "title": d.title,
        "leader": (d.leader_name, d.leader_title, d.leader_phone, d.leader_email),
        "approach": d.approach,
        "innovation": d.innovation,
        "members": (
            (d.lead_responsibility, (d.requested_wan - d.partner_share_wan) * WAN),
            (d.partner_responsibility, d.partner_share_wan * WAN),
        ),
        "commitments": d.commitments,
        "milestones": tuple(
            (m.title, m.due_date, m.deliverable, m.verification, m.share_percent)
            for m in d.milestones
        ),
        "budget": (d.requested_wan * WAN, d.self_funds_wan * WAN),
        "attachments": sorted(done.pdfs),
        "signed by": d.leader_name,
    }


def _stored(content) -> dict:
    return {
        "title": content.title,
        "leader": (
            content.leader.name,
            content.leader.title,
            content.leader.phone,
            content.leader.email,
        ),
        "approach": content.approach,
        "innovation": content.innovation,
        "members": tuple((m.responsibility, m.budget_share) for m in content.members),
        "commitments": tuple((c.value, c.justification) for c in content.commitments),
        "milestones": tuple(
            (m.title, m.due_date, m.deliverable, m.verification, m.share_percent)
            for m in content.milestones
        ),
        "budget": (content.budget.requested, content.budget.self_funds),
        "attachments": sorted(a.sha256 for a in content.attachments),
        "signed by": content.pledge.signed_by if content.pledge.sha256 else "",
    }


def lost_updates(
    acknowledged: dict[str, list[Submitted]],
    begun: dict[str, int],
    applicants: list[Applicant],
    today: date,
) -> list[str]:
    """What the database does not hold of what the portal acknowledged, one line per applicant
    (empty: nothing lost). Each acknowledged submission must be a version, in order, holding
    exactly what that round sent; once an applicant's last round (of the `begun` ones) was
    acknowledged, there is no other version and the proposal stands submitted. A round cut off
    at the end of the run may have left one more version, or a withdrawn proposal. Call in an
    application context."""
    from sqlmodel import select

    from portal.db import db
    from portal.proposals.models import Proposal, ProposalStatus, SubmittedVersion
    from portal.proposals.snapshot import SubmittedContent

    problems = []
    for applicant in applicants:
        done = acknowledged.get(applicant.email, [])
        if not done:
            continue
        proposal = db.session.get(Proposal, applicant.proposal_id)
        versions = db.session.exec(
            select(SubmittedVersion)
            .where(SubmittedVersion.proposal_id == applicant.proposal_id)
            .order_by(SubmittedVersion.number)
        ).all()
        who = f"applicant {applicant.number}"
        finished = begun.get(applicant.email, 0) == done[-1].round
        if len(versions) < len(done) or (finished and len(versions) > len(done)):
            problems.append(f"{who}: {len(done)} submissions acknowledged, {len(versions)} kept")
            continue
        if finished and proposal.status is not ProposalStatus.submitted:
            problems.append(f"{who}: the proposal is {proposal.status.value}, not submitted")
        for version, submitted in zip(versions, done, strict=False):
            want = _expected(applicant, submitted, today)
            have = _stored(SubmittedContent.from_json(version.content))
            wrong = [key for key in want if want[key] != have[key]]
            if wrong:
                problems.append(
                    f"{who}, version {version.number} (round {submitted.round}): "
                    + ", ".join(f"{key} is {have[key]!r}, sent {want[key]!r}" for key in wrong)
                )
    db.session.rollback()
    return problems
