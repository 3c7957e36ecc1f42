"""Demo data: every role's account, and (from each module) objects in every state.

Every demo account's password is `portal-demo`.
"""

from __future__ import annotations

import io

from sqlmodel import func, select
from werkzeug.datastructures import FileStorage

from portal.accounts import invitations, membership, organisations
from portal.accounts.models import Organisation, User
from portal.db import db
from portal.demo import alerts as alerts_demo
from portal.demo import awards as awards_demo
from portal.demo import build
from portal.demo import chains as chains_demo
from portal.demo import challenges as challenges_demo
from portal.demo import notices as notices_demo
from portal.demo import proposals as proposals_demo
from portal.demo import reviews as reviews_demo
from portal.vocabulary import OrgType, Role

ORGANISATIONS = (  # key, name, type, credit code without its check digit, region
    ("enterprise", "深芯微电子有限公司", OrgType.enterprise, "91440300MA5F0A1B2", "广东省深圳市"),
    ("university", "华南理工科技大学", OrgType.university, "12440000455416503", "广东省广州市"),
    ("institute", "中科先进材料研究院", OrgType.institute, "12100000400012345", "北京市"),
    ("expert_org", "国家集成电路创新中心", OrgType.institute, "12310000MB2C3D4E5", "上海市"),
)
PEOPLE = (  # key (the address's local part but for staff), name, role
    ("admin", "系统管理员 Admin", Role.admin),
    ("officer", "王科长 Officer Wang", Role.officer),
    (
        "officer2",
        "李科长 Officer Li",
        Role.officer,
    ),  # approves a decision departing from the ranking
    ("alice", "Alice 李", Role.applicant),
    ("bob", "Bob 张", Role.applicant),
    ("carol", "Carol 陈", Role.applicant),
)
EXPERTS = (  # address's local part, name, organisation key or affiliation, expertise
    ("expert1", "刘教授 Expert Liu", "expert_org", "集成电路, lithography, photoresist"),
    ("expert2", "赵研究员 Expert Zhao", "university", "新能源汽车, battery, power electronics"),
    ("expert3", "孙工 Expert Sun", "独立专家 Independent", "集成电路, EDA, packaging"),
    ("expert4", "周博士 Expert Zhou (awaiting activation)", "某大学", "materials"),
)


def database_is_empty() -> bool:
    return db.session.exec(select(func.count()).select_from(User)).one() == 0


def licence_scan(org: Organisation) -> FileStorage:
    """A stand-in for a scanned business licence: a PNG with the organisation's code."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 420), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 629, 409), outline="darkred", width=6)
    draw.text((40, 60), "BUSINESS LICENCE (demo scan)", fill="darkred")
    draw.text((40, 120), f"Unified social credit code: {org.credit_code}", fill="black")
    data = io.BytesIO()
    image.save(data, format="PNG")
    data.seek(0)
    return FileStorage(stream=data, filename="营业执照.png", content_type="image/png")


def load_accounts() -> dict[str, object]:
    orgs = {key: build.organisation(*row) for key, *row in ORGANISATIONS}
    users = {key: build.account(f"{key}@example.com", name, role) for key, name, role in PEOPLE}
    for local, name, where, expertise in EXPERTS:
        org = orgs.get(where)
        users[local] = build.account(
            f"{local}@example.com",
            name,
            Role.expert,
            active=local != "expert4",
            affiliation=org.name if org else where,
            affiliation_org=org,
            expertise=expertise,
        )
    users["pending_expert"] = users.pop("expert4")
    orgs["unverified"] = build.organisation(
        "粤海新材料科技有限公司", OrgType.enterprise, "91440600MA4X7Y8U9", "广东省佛山市", False
    )
    users["dave"] = build.account("dave@example.com", "Dave 王 (waiting to join)", Role.applicant)
    users["erin"] = build.account("erin@example.com", "Erin 何", Role.applicant)
    db.session.flush()
    for name, org in (
        ("alice", "enterprise"),
        ("bob", "university"),
        ("carol", "institute"),
        ("erin", "unverified"),
    ):
        membership.join(users[name], orgs[org])  # nobody speaks for it yet: its administrator
    membership.join(users["dave"], orgs["enterprise"])  # waits for alice to approve
    invitations.invite_colleague(orgs["enterprise"], "frank@example.com", by=users["alice"])
    organisations.upload_licence(
        orgs["unverified"], licence_scan(orgs["unverified"]), by=users["erin"]
    )
    db.session.flush()
    return {"orgs": orgs, "users": users}


def load_demo() -> dict[str, object]:
    """Load every module's demo data, in the order the journey runs."""
    base = load_accounts()
    base = challenges_demo.load(base)
    base = proposals_demo.load(base)
    base = reviews_demo.load(base)
    base = awards_demo.load(base)
    base = notices_demo.load(base)
    base = chains_demo.load(base)
    base = alerts_demo.load(base)
    return base
