"""Demo data: every role's account, and (from each module) objects in every state.

Every demo account's password is `portal-demo`.
"""

from __future__ import annotations

import io

from sqlmodel import func, select
from werkzeug.datastructures import FileStorage

from portal import clock
from portal.accounts import creditcode, invitations, membership, organisations
from portal.accounts.models import Organisation, OrgStatus, OrgType, Role, User
from portal.accounts.services import hash_password
from portal.db import db
from portal.demo import awards as awards_demo
from portal.demo import chains as chains_demo
from portal.demo import challenges as challenges_demo
from portal.demo import notices as notices_demo
from portal.demo import proposals as proposals_demo
from portal.demo import reviews as reviews_demo

PASSWORD = "portal-demo"


def database_is_empty() -> bool:
    return db.session.exec(select(func.count()).select_from(User)).one() == 0


def organisation(
    name: str, type_: OrgType, code17: str, region: str, verified: bool = True
) -> Organisation:
    """An organisation, verified by platform staff unless `verified` says otherwise."""
    org = Organisation(
        name=name,
        type=type_,
        credit_code=creditcode.complete(code17),
        region=region,
        created_at=clock.now(),
        status=OrgStatus.verified if verified else OrgStatus.unverified,
        verified_at=clock.now() if verified else None,
    )
    db.session.add(org)
    return org


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


def user(email: str, name: str, role: Role, password_hash: str, **fields) -> User:
    account = User(
        email=email,
        name=name,
        role=role,
        password_hash=password_hash,
        created_at=clock.now(),
        email_verified_at=clock.now(),
        **fields,
    )
    db.session.add(account)
    return account


def load_accounts() -> dict[str, object]:
    pw = hash_password(PASSWORD)
    orgs = {
        "enterprise": organisation(
            "深芯微电子有限公司", OrgType.enterprise, "91440300MA5F0A1B2", "广东省深圳市"
        ),
        "university": organisation(
            "华南理工科技大学", OrgType.university, "12440000455416503", "广东省广州市"
        ),
        "institute": organisation(
            "中科先进材料研究院", OrgType.institute, "12100000400012345", "北京市"
        ),
        "expert_org": organisation(
            "国家集成电路创新中心", OrgType.institute, "12310000MB2C3D4E5", "上海市"
        ),
    }
    users = {
        "admin": user("admin@example.com", "系统管理员 Admin", Role.admin, pw),
        "officer": user("officer@example.com", "王科长 Officer Wang", Role.officer, pw),
        # the second pair of eyes: approves a decision that departs from the ranking
        "officer2": user("officer2@example.com", "李科长 Officer Li", Role.officer, pw),
        "alice": user("alice@example.com", "Alice 李", Role.applicant, pw),
        "bob": user("bob@example.com", "Bob 张", Role.applicant, pw),
        "carol": user("carol@example.com", "Carol 陈", Role.applicant, pw),
        "expert1": user(
            "expert1@example.com",
            "刘教授 Expert Liu",
            Role.expert,
            pw,
            affiliation="国家集成电路创新中心",
            affiliation_org=orgs["expert_org"],
            expertise="集成电路, lithography, photoresist",
        ),
        "expert2": user(
            "expert2@example.com",
            "赵研究员 Expert Zhao",
            Role.expert,
            pw,
            affiliation="华南理工科技大学",
            affiliation_org=orgs["university"],
            expertise="新能源汽车, battery, power electronics",
        ),
        "expert3": user(
            "expert3@example.com",
            "孙工 Expert Sun",
            Role.expert,
            pw,
            affiliation="独立专家 Independent",
            expertise="集成电路, EDA, packaging",
        ),
        "pending_expert": user(
            "expert4@example.com",
            "周博士 Expert Zhou (awaiting activation)",
            Role.expert,
            pw,
            active=False,
            affiliation="某大学",
            expertise="materials",
        ),
    }
    orgs["unverified"] = organisation(
        "粤海新材料科技有限公司",
        OrgType.enterprise,
        "91440600MA4X7Y8U9",
        "广东省佛山市",
        verified=False,
    )
    users["dave"] = user("dave@example.com", "Dave 王 (waiting to join)", Role.applicant, pw)
    users["erin"] = user("erin@example.com", "Erin 何", Role.applicant, pw)
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
    return base
