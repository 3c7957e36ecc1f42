"""Hostile input to every route of the portal, on the demo data: hostile form bodies never give a
5xx and a refusal writes nothing; ids that do not exist or are someone else's give 404; hostile
query strings never fail; a POST without its CSRF token is refused; an oversized upload shows the
413 page; a script typed by a user is shown escaped."""

from __future__ import annotations

import inspect
import io
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_login.utils import _create_identifier
from sqlmodel import SQLModel, select
from werkzeug.routing import AnyConverter, IntegerConverter, Rule
from wtforms import FieldList, FormField
from wtforms.form import BaseForm

from portal import clock, create_app
from portal.accounts.models import Invitation, Membership, Organisation, User
from portal.accounts.sessions import LOGGED_IN_AT, SEEN_AT
from portal.alerts.models import Subscription
from portal.awards.models import (
    Award,
    AwardIndicator,
    Decision,
    Milestone,
    MilestoneReport,
    Objection,
    ReportEvidence,
)
from portal.chains.models import LinkAssessment, LinkRelation
from portal.challenges.models import (
    Chain,
    ChainLink,
    Challenge,
    ChallengeAttachment,
    ChallengeVersion,
    Clarification,
    DeadlineChange,
)
from portal.db import db
from portal.jobs.models import Job
from portal.notices.models import Notice, NoticeBatch
from portal.notifications.models import Notification
from portal.proposals.models import Attachment, Proposal, SubmittedVersion
from portal.reviews.models import Appeal, Assignment, AvoidanceRequest, PanelMember, Review
from portal.vocabulary import AssignmentStatus, ChallengeStatus, Role
from tests.hostile import CONTROL, HOSTILE_VALUES, SCRIPT, form_values, hostile_bodies

pytestmark = pytest.mark.slow

UNKNOWN_ID = 999999
# Tables a refusal writes to by design: failed logins are counted to slow down guessing.
WRITTEN_ON_REFUSAL = {"login_attempt"}
BODIES_PER_ROUTE = 5
# Routes whose objects the demo does not make (challenge guides, milestone report evidence,
# notice batches, deadlines waiting to be brought forward, appeals, jobs): the walks cover
# every other route.
NOT_IN_DEMO = {
    "awards.report_evidence",
    "challenges.officer_approve_deadline",
    "challenges.officer_return_deadline",
    "challenges.guide",
    "challenges.officer_guide",
    "challenges.officer_remove_guide",
    "notices.batch",
    "notices.batch_progress",
    "notices.batch_zip",
    "reviews.appeal",
    "operations.retry",
}


def row_counts(app: Flask) -> dict[str, int]:
    """Every table's row count, in one statement."""
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in WRITTEN_ON_REFUSAL]
    with app.app_context():
        row = db.session.execute(
            sa.select(
                *(
                    sa.select(sa.func.count()).select_from(t).scalar_subquery().label(t.name)
                    for t in tables
                )
            )
        ).one()
        db.session.rollback()
        return dict(row._mapping)


def sign_in(client, user_id: int | None) -> None:
    """Act as the user, without the cost of a password check per route."""
    with client.session_transaction() as session:
        session.clear()
        if user_id is not None:
            with client.application.test_request_context(environ_base=client.environ_base):
                session["_user_id"] = db.session.get(User, user_id).get_id()
                session["_id"] = _create_identifier()
            session["_fresh"] = True
            session[LOGGED_IN_AT] = session[SEEN_AT] = int(clock.now().timestamp())


# ---- filling URL parameters from the demo data ----


def ids(statement) -> list:
    return list(db.session.exec(statement.limit(3)).all())


def one_per_status(model) -> Callable[[dict], list]:
    """One id per status of the model, so that routes see objects in different states."""

    def resolve(chosen: dict) -> list:
        seen: dict[object, int] = {}
        for obj in db.session.exec(select(model).order_by(model.id)).all():
            seen.setdefault(obj.status, obj.id)
        return list(seen.values())

    return resolve


def challenge_numbers(chosen: dict) -> list[str]:
    published = db.session.exec(
        select(Challenge.number)
        .where(Challenge.status == ChallengeStatus.published)
        .order_by(Challenge.id)
    ).all()
    others = db.session.exec(
        select(Challenge.number).where(Challenge.status != ChallengeStatus.published)
    ).all()
    return [*published[:2], *others[:1]]


def attachments(chosen: dict) -> list[int]:
    if "proposal_id" in chosen:
        return ids(select(Attachment.id).where(Attachment.proposal_id == chosen["proposal_id"]))
    if "challenge_id" in chosen:
        return ids(
            select(ChallengeAttachment.id).where(
                ChallengeAttachment.challenge_id == chosen["challenge_id"]
            )
        )
    challenge = db.session.exec(select(Challenge).where(Challenge.number == chosen["number"])).one()
    return ids(
        select(ChallengeAttachment.id).where(ChallengeAttachment.challenge_id == challenge.id)
    )


def int_number(chosen: dict) -> list[int]:
    """`<int:number>`: a submitted version of the proposal (also the attachment's number)."""
    return ids(
        select(SubmittedVersion.number).where(SubmittedVersion.proposal_id == chosen["proposal_id"])
    )


def challenge_versions(chosen: dict) -> list[int]:
    challenge = db.session.exec(select(Challenge).where(Challenge.number == chosen["number"])).one()
    return ids(
        select(ChallengeVersion.version).where(ChallengeVersion.challenge_id == challenge.id)
    )


def of_award(model) -> Callable[[dict], list]:
    return lambda chosen: ids(select(model.id).where(model.award_id == chosen["award_id"]))


def reports(chosen: dict) -> list[int]:
    return ids(
        select(MilestoneReport.id)
        .join(Milestone, Milestone.id == MilestoneReport.milestone_id)
        .where(Milestone.award_id == chosen["award_id"])
    )


def evidence(chosen: dict) -> list[int]:
    return ids(
        select(ReportEvidence.id)
        .join(MilestoneReport, MilestoneReport.id == ReportEvidence.report_id)
        .join(Milestone, Milestone.id == MilestoneReport.milestone_id)
        .where(Milestone.award_id == chosen["award_id"])
    )


def all_of(model, column=None) -> Callable[[dict], list]:
    return lambda chosen: ids(select(column or model.id).order_by(model.id))


def of_alices_organisation(model) -> Callable[[dict], list]:
    """Rows of the organisation that alice, the applicant who acts on member pages, runs."""
    alices = select(User.organisation_id).where(User.email == "alice@example.com")
    return lambda chosen: ids(
        select(model.id).where(model.organisation_id == alices.scalar_subquery()).order_by(model.id)
    )


# Keyed by argument name (and "int:" for an integer converter); a route with an argument not
# listed here fails the tests below, so that a new route is covered when it is added.
RESOLVERS: dict[str, Callable[[dict], list]] = {
    "number": challenge_numbers,
    "int:number": int_number,
    "int:n": challenge_versions,
    "int:user_id": lambda chosen: ids(
        select(User.id).where(User.role != Role.admin).order_by(User.id.desc())
    ),
    "int:chain_id": all_of(Chain),
    "int:change_id": all_of(DeadlineChange),
    "int:decision_id": all_of(Decision),
    "int:appeal_id": all_of(Appeal),
    "int:link_id": lambda chosen: ids(
        select(ChainLink.id).where(ChainLink.chain_id == chosen.get("chain_id", ChainLink.chain_id))
    ),
    "int:assessment_id": all_of(LinkAssessment),
    "int:relation_id": lambda chosen: ids(
        select(LinkRelation.id).where(LinkRelation.chain_id == chosen["chain_id"])
    ),
    "name": lambda chosen: ["trend", "funding", "composition", "on_time"],
    "int:challenge_id": one_per_status(Challenge),
    "int:attachment_id": attachments,
    "int:clarification_id": all_of(Clarification),
    "int:proposal_id": one_per_status(Proposal),
    "int:award_id": one_per_status(Award),
    "int:milestone_id": of_award(Milestone),
    "int:indicator_id": of_award(AwardIndicator),
    "int:report_id": reports,
    "int:evidence_id": evidence,
    "int:objection_id": one_per_status(Objection),
    "int:request_id": all_of(AvoidanceRequest),
    "int:member_id": all_of(PanelMember),
    "int:review_id": one_per_status(Review),
    "int:note_id": all_of(Notification),
    "int:subscription_id": all_of(Subscription),
    "int:notice_id": one_per_status(Notice),
    "int:batch_id": all_of(NoticeBatch),
    "int:job_id": all_of(Job),
    "code": all_of(Notice, Notice.code),
    "int:membership_id": of_alices_organisation(Membership),
    "int:invitation_id": of_alices_organisation(Invitation),
    "int:org_id": one_per_status(Organisation),
    "token": lambda chosen: ["not-a-token-that-was-ever-sent"],
    "section": lambda chosen: ["general", "members", "commitments", "milestones", "budget"],
    "lang": lambda chosen: ["zh", "en"],
    "fmt": lambda chosen: ["csv", "xlsx"],
}


def resolver_key(rule: Rule, name: str) -> str:
    converter = rule._converters[name]
    return f"int:{name}" if isinstance(converter, IntegerConverter) else name


def argument_order(rule: Rule) -> list[str]:
    """The arguments in the order they appear in the URL, so parents come before children."""
    return [m.group(1) for m in re.finditer(r"<(?:[^:>]+:)?(\w+)>", rule.rule)]


def fill(rule: Rule, variant: int) -> dict | None:
    """URL values for the rule from the demo data (variant picks among the candidates), or None
    when the demo has no object for one of them."""
    chosen: dict[str, object] = {}
    for name in argument_order(rule):
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):  # one view for a few fixed words
            candidates = sorted(converter.items)
        else:
            key = resolver_key(rule, name)
            assert key in RESOLVERS, f"no resolver for <{key}> of {rule.rule}: add one"
            candidates = RESOLVERS[key](chosen)
        if not candidates:
            return None
        chosen[name] = candidates[variant % len(candidates)]
    return chosen


def owner_of(chosen: dict, role: str) -> int:
    """The user who may act on the objects: their applicant, their expert, or a staff member."""

    def first_user(statement) -> int | None:
        return db.session.exec(statement.order_by(User.id)).first()

    def by_email(email: str) -> int:
        return db.session.exec(select(User.id).where(User.email == email)).one()

    if role == "admin":
        return by_email("admin@example.com")
    if role == "officer":
        return by_email("officer@example.com")
    if role == "expert":
        if "review_id" in chosen:
            return db.session.get(Review, chosen["review_id"]).expert_id
        if "proposal_id" in chosen:
            expert = db.session.exec(
                select(Assignment.expert_id).where(Assignment.proposal_id == chosen["proposal_id"])
            ).first()
            if expert:
                return expert
        return by_email("expert1@example.com")
    if "note_id" in chosen:
        return db.session.get(Notification, chosen["note_id"]).user_id
    proposal_id = chosen.get("proposal_id")
    if "award_id" in chosen:
        proposal_id = db.session.get(Award, chosen["award_id"]).proposal_id
    if proposal_id:
        lead = db.session.get(Proposal, proposal_id).lead_org_id
        user = first_user(
            select(User.id).where(User.organisation_id == lead, User.role == Role.applicant)
        )
        if user:
            return user
    return by_email("alice@example.com")


def acting_role(app: Flask, rule: Rule) -> str | None:
    """The role that uses the route: None for public routes."""
    access = app.view_functions[rule.endpoint].access_rule
    if access == "public":
        return None
    if access == "login":
        return "applicant"
    roles = access.removeprefix("roles:").split(",")
    for role in ("officer", "applicant", "expert", "admin"):
        if role in roles:
            return role
    raise AssertionError(f"unknown access rule {access} of {rule.rule}")


def routes(app: Flask, method: str, with_arguments: bool | None = None) -> list[Rule]:
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if method in rule.methods
            and rule.endpoint != "static"
            and (with_arguments is None or bool(rule.arguments) == with_arguments)
        ),
        key=lambda rule: rule.rule,
    )


# ---- the form fields a route reads ----


def field_names(form: BaseForm) -> list[str]:
    names = []
    for field in form:
        if isinstance(field, FieldList):
            if not field.entries:
                field.append_entry()
            for entry in field.entries:
                if isinstance(entry, FormField):
                    names.extend(sub.name for sub in entry)
                else:
                    names.append(entry.name)
        elif isinstance(field, FormField):
            names.extend(sub.name for sub in field)
        else:
            names.append(field.name)
    return names


def form_fields(app: Flask, rule: Rule) -> list[str]:
    """The names of the fields of the forms the view builds (read from its source)."""
    view = inspect.unwrap(app.view_functions[rule.endpoint])
    module = inspect.getmodule(view)
    forms_module = getattr(module, "forms", module)
    names: list[str] = []
    with app.test_request_context():
        for class_name in sorted(set(re.findall(r"\b(\w+Form)\(", inspect.getsource(view)))):
            form_class = getattr(forms_module, class_name, None) or getattr(module, class_name)
            try:
                form = form_class(meta={"csrf": False})
            except TypeError:
                continue
            names.extend(n for n in field_names(form) if n not in names)
    return names


def page_fields(html: str) -> list[str]:
    return sorted(
        set(re.findall(r'<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"', html))
        - {"csrf_token"}
    )


def follow(client, response) -> str:
    """The page shown after the response (the redirect's target when there is one)."""
    if response.status_code in (301, 302, 303) and response.location:
        shown = client.get(response.location)
        assert shown.status_code < 500, response.location
        return shown.get_data(as_text=True)
    return response.get_data(as_text=True)


# How a refusal shows: errors next to the fields or above the form, or an error flash message.
REFUSAL_SHOWN = re.compile(r'role="alert"|<p class="flash flash-error"')


def posted_fields(app: Flask, client, rule: Rule, role: str | None) -> list[str]:
    """The fields of the view's forms, and those of the page the route shows on GET."""
    names = form_fields(app, rule)
    if "GET" in rule.methods:
        with app.app_context():
            values = fill(rule, 0)
            user = owner_of(values or {}, role) if role else None
        if values is not None:
            sign_in(client, user)
            page = client.get(rule.build(values)[1])
            assert page.status_code < 500, rule.rule
            names += [n for n in page_fields(page.get_data(as_text=True)) if n not in names]
    return names


# ---- 1. hostile form bodies on every POST route ----


def test_hostile_bodies_on_every_post_route_never_fail_nor_half_write(demo, app, client):
    failures: list[str] = []
    posted: set[str] = set()
    for index, rule in enumerate(routes(app, "POST")):
        role = acting_role(app, rule)
        for variant, body in enumerate(
            hostile_bodies(posted_fields(app, client, rule, role), BODIES_PER_ROUTE, seed=index)
        ):
            with app.app_context():
                values = fill(rule, variant)
                user = owner_of(values or {}, role) if role else None
            if values is None:
                continue
            sign_in(client, user)
            path = rule.build(values)[1]
            before = row_counts(app)
            try:
                response = client.post(path, data=body)
            except Exception as exc:  # the testing app lets a server error through
                failures.append(f"{exc!r} on POST {path} as {role} with {sorted(body)}")
                db.remove()
                continue
            where = f"POST {path} as {role} with {sorted(body)}"
            posted.add(rule.endpoint)
            if response.status_code >= 500:
                failures.append(f"{response.status_code} on {where}")
                continue
            after = row_counts(app)
            shown = follow(client, response)
            refused = response.status_code >= 400 or REFUSAL_SHOWN.search(shown) is not None
            if response.status_code == 422 and not refused:
                failures.append(f"a form refused without a message on {where}")
            if refused and after != before:
                changed = {t: (before[t], n) for t, n in after.items() if before[t] != n}
                failures.append(f"half-written {changed} on {where}")
            if SCRIPT in shown:
                failures.append(f"unescaped script after {where}")
    assert failures == [], "\n".join(failures)
    assert {r.endpoint for r in routes(app, "POST")} - NOT_IN_DEMO <= posted


# ---- 2. ids that do not exist, or are someone else's ----


def test_unknown_ids_give_404_on_every_route_that_takes_one(demo, app, client):
    failures, checked = [], set()
    rules = routes(app, "GET", with_arguments=True) + routes(app, "POST", True)
    for rule in rules:
        role = acting_role(app, rule)
        method = "GET" if "GET" in rule.methods else "POST"
        for variant in range(6):
            if variant >= 3 and rule.endpoint in checked:
                break
            with app.app_context():
                values = fill(rule, variant)
                user = owner_of(values or {}, role) if role else None
            if values is None:
                continue
            sign_in(client, user)
            if method == "GET":
                status = client.get(rule.build(values)[1]).status_code
                if status >= 500:
                    failures.append(f"GET {rule.build(values)[1]} as {role}: {status}")
            if rule.endpoint in checked:
                continue
            checked.add(rule.endpoint)
            for name in rule.arguments:
                key = resolver_key(rule, name)
                if key in ("lang", "fmt") or isinstance(rule._converters[name], AnyConverter):
                    continue  # a fixed word: anything else is not a route at all
                wrong = dict(values, **{name: UNKNOWN_ID if key.startswith("int:") else "NO-9"})
                path = rule.build(wrong)[1]
                status = client.open(path, method=method).status_code
                if status != 404:
                    failures.append(f"{method} {path} as {role}: {status}")
    assert failures == [], "\n".join(failures)
    expected = {r.endpoint for r in rules if set(r.arguments) - {"lang", "fmt"}}
    assert expected - NOT_IN_DEMO <= checked


# Routes where an applicant of any organisation may act on another's object, by design.
OPEN_TO_ANY_APPLICANT = {"awards.lodge_objection"}


def test_an_unrelated_applicant_gets_404_for_others_objects(demo, app, client, make_user):
    stranger = make_user("mallory@stranger.example").id
    failures, checked = [], set()
    for rule in routes(app, "GET", with_arguments=True) + routes(app, "POST", True):
        access = app.view_functions[rule.endpoint].access_rule
        if access == "public" or rule.endpoint in OPEN_TO_ANY_APPLICANT:
            continue
        if access != "login" and "applicant" not in access:
            continue
        owned = {"proposal_id", "award_id", "notice_id", "attachment_id", "objection_id"}
        if not owned & set(rule.arguments):
            continue
        for variant in range(3):
            with app.app_context():
                values = fill(rule, variant)
            if values is None:
                continue
            sign_in(client, stranger)
            method = "GET" if "GET" in rule.methods else "POST"
            path = rule.build(values)[1]
            status = client.open(path, method=method).status_code
            checked.add(rule.endpoint)
            if status != 404:
                failures.append(f"{method} {path}: {status}")
    assert failures == [], "\n".join(failures)
    assert len(checked) >= 15  # the proposals', projects', notices' and attachments' pages


# ---- 3. hostile query strings on the list pages ----

HOSTILE_QUERIES = [
    {"page": "-1", "q": SCRIPT, "status": "\x00", "state": "nonsense", "stage": "-1"},
    {"page": "abc", "q": CONTROL, "role": "<script>", "chain": "abc", "per_page": "-5"},
    {"page": "99999999999999999999999", "q": "长" * 5000, "from": "2026-02-30"},
    {"page": "1e309", "date": "2026-02-30", "to": "0000-00-00", "since": "2026-13-01"},
]


def test_hostile_query_strings_never_fail(demo, app, client):
    failures = []
    pages = [
        rule
        for rule in routes(app, "GET", with_arguments=False)
        if not rule.rule.endswith((".csv", ".xlsx", ".zip", "/healthz"))
    ]
    pages += [r for r in routes(app, "GET", True) if r.endpoint == "proposals.officer_list"]
    for rule in pages:
        role = acting_role(app, rule)
        with app.app_context():
            values = fill(rule, 0)
            user = owner_of(values, role) if role else None
        sign_in(client, user)
        path = rule.build(values)[1]
        page = client.get(path)
        if page.status_code != 200 or page.mimetype != "text/html":
            continue
        names = page_fields(page.get_data(as_text=True))
        for round_, hostile in enumerate(HOSTILE_QUERIES):
            query = dict(hostile)
            for i, name in enumerate(names):
                query.setdefault(name, HOSTILE_VALUES[(i + round_) % len(HOSTILE_VALUES)])
            response = client.get(path, query_string=query)
            if response.status_code >= 500:
                failures.append(f"{response.status_code} on {path} with {sorted(query)}")
            elif SCRIPT in response.get_data(as_text=True):
                failures.append(f"unescaped query on {path}")
    assert failures == [], "\n".join(failures)


# ---- 4. CSRF and oversized uploads ----


@pytest.fixture
def small_uploads(app):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    yield
    app.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024


CSRF_SAMPLE = [
    "accounts.admin_create_user",
    "challenges.officer_new",
    "challenges.ask",
    "proposals.start",
    "reviews.add_panel",
    "awards.lodge_objection",
    "notices.issue",
    "notifications.read_all",
]


def test_a_post_without_its_csrf_token_is_refused_on_every_module(demo, app, client, small_uploads):
    guarded = create_app(
        {
            "SECRET_KEY": "csrf-test",
            "DATABASE_URL": app.config["DATABASE_URL"],
            "BABEL_DEFAULT_LOCALE": "en",
        }
    )
    guarded_client = guarded.test_client()
    rules = {rule.endpoint: rule for rule in guarded.url_map.iter_rules()}
    for endpoint in CSRF_SAMPLE:
        rule = rules[endpoint]
        role = acting_role(guarded, rule)
        with app.app_context():
            values = fill(rule, 0)
            user = owner_of(values, role)
        sign_in(guarded_client, user)
        before = row_counts(app)
        response = guarded_client.post(rule.build(values)[1], data={"title": "x", "reason": "x"})
        assert response.status_code == 400, endpoint
        assert "security token" in response.get_data(as_text=True)
        assert row_counts(app) == before

    oversized_uploads_show_the_413_page(app, client, demo)


def oversized_uploads_show_the_413_page(app, client, demo):
    with app.app_context():
        base = demo.objects()
        draft = db.session.exec(
            select(Proposal).where(Proposal.id == base["proposals"]["draft"].id)
        ).one()
        in_publicity = base["awards"]["in_publicity"].id
        owner = owner_of({"proposal_id": draft.id}, "applicant")
        stranger = db.session.exec(select(User.id).where(User.email == "carol@example.com")).one()
    big = b"%PDF-1.4\n" + b"0" * 10_000
    for user, path, data in [
        (
            owner,
            f"/proposals/{draft.id}/attachments",
            {"title": "Plan", "file": (io.BytesIO(big), "plan.pdf")},
        ),
        (
            stranger,
            f"/publicity/awards/{in_publicity}/objection",
            {"reason": "Unfair", "evidence": (io.BytesIO(big), "evidence.pdf")},
        ),
    ]:
        sign_in(client, user)
        before = row_counts(app)
        response = client.post(path, data=data, content_type="multipart/form-data")
        assert response.status_code == 413, path
        assert "Nothing was saved" in response.get_data(as_text=True)
        assert row_counts(app) == before


# ---- 5. a script typed into the forms is shown escaped everywhere ----


def post_as_shown(client, path: str, field: str, changes: dict[str, object]):
    """Open the form, change some fields as a person would, and send it."""
    page = client.get(path)
    assert page.status_code == 200, path
    values = form_values(page.get_data(as_text=True), field)
    values.update(changes)
    return client.post(path, data=values)


def test_a_script_typed_into_the_forms_is_shown_escaped_on_every_page(demo, app, client):
    with app.app_context():
        base = demo.objects()
        users = {k: u.id for k, u in base["users"].items()}
        draft = base["proposals"]["draft"].id
        published = db.session.exec(
            select(Challenge)
            .where(Challenge.status == ChallengeStatus.published)
            .order_by(Challenge.id)
        ).first()
        in_publicity = base["awards"]["in_publicity"].id
        assignment = db.session.exec(
            select(Assignment)
            .where(Assignment.status == AssignmentStatus.assigned)
            .order_by(Assignment.id)
        ).first()
        expert, reviewed = assignment.expert_id, assignment.proposal_id
        drafter = owner_of({"proposal_id": draft}, "applicant")
        outsider = db.session.exec(
            select(User.id).where(User.role == Role.applicant, User.id != drafter)
        ).first()
    typed = [
        (drafter, f"/proposals/{draft}/edit/general", "title", {"title": SCRIPT}),
        (
            users["officer"],
            f"/officer/challenges/{published.id}/amend",
            "reason",
            {"title": SCRIPT, "reason": SCRIPT},
        ),
        (users["alice"], f"/challenges/{published.number}", "question", {"question": SCRIPT}),
        (outsider, f"/publicity/awards/{in_publicity}/objection", "reason", {"reason": SCRIPT}),
        (expert, f"/reviews/proposals/{reviewed}/review", "overall_comment", None),
    ]
    for user, path, field, changes in typed:
        sign_in(client, user)
        if changes is None:  # the review: a score and a comment on every criterion
            page = client.get(path).get_data(as_text=True)
            values = form_values(page, field)
            for name in values:
                if name.endswith("-value"):
                    values[name] = "7"
                elif name.endswith("-comment") or name == "overall_comment":
                    values[name] = SCRIPT
            response = client.post(path, data=values)
        else:
            target = path if field != "question" else f"/challenges/{published.number}/questions"
            page = client.get(path)
            values = form_values(page.get_data(as_text=True), field)
            values.update(changes)
            response = client.post(target, data=values)
        assert response.status_code == 302, (path, response.get_data(as_text=True)[:3000])
    shown_escaped = set()
    failures = []
    pages = routes(app, "GET", with_arguments=False) + routes(app, "GET", True)
    for who in ("public", "officer", "alice", "drafter", "outsider", "expert"):
        user = {"public": None, "drafter": drafter, "outsider": outsider, "expert": expert}.get(
            who, users.get(who)
        )
        for rule in pages:
            if rule.rule.endswith((".csv", ".xlsx", ".pdf", ".zip", "/healthz", "/download")):
                continue
            with app.app_context():
                values = fill(rule, 0)
            if values is None:
                continue
            sign_in(client, user)
            response = client.get(rule.build(values)[1])
            if response.mimetype != "text/html":  # files: the favicon, calendars, charts
                continue
            html = response.get_data(as_text=True)
            if SCRIPT in html:
                failures.append(f"{rule.build(values)[1]} as {who}")
            if "&lt;script&gt;alert(" in html:
                shown_escaped.add(rule.rule)
    assert failures == []
    assert len(shown_escaped) >= 5, shown_escaped
