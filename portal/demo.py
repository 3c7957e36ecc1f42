"""Demo data: every role's account, and (from each module) objects in every state.

Every demo account's password is `portal-demo`.
"""

from __future__ import annotations

from sqlmodel import func, select

from portal import clock
from portal.accounts import creditcode
from portal.accounts.models import (
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    OrgStatus,
    OrgType,
    Role,
    User,
)
from portal.accounts.services import hash_password
from portal.awards import demo as awards_demo
from portal.challenges import demo as challenges_demo
from portal.db import db
from portal.notices import demo as notices_demo
from portal.proposals import demo as proposals_demo
from portal.reviews import demo as reviews_demo

PASSWORD = "portal-demo"


def database_is_empty() -> bool:
    return db.session.exec(select(func.count()).select_from(User)).one() == 0


def organisation(name: str, type_: OrgType, code17: str, region: str) -> Organisation:
    """An organisation that platform staff have verified."""
    org = Organisation(
        name=name,
        type=type_,
        credit_code=creditcode.complete(code17),
        region=region,
        created_at=clock.now(),
        status=OrgStatus.verified,
        verified_at=clock.now(),
    )
    db.session.add(org)
    return org


def administrator(account: User, org: Organisation) -> Membership:
    """`account` as the approved administrator of `org`."""
    account.organisation = org
    membership = Membership(
        user=account,
        organisation=org,
        status=MembershipStatus.approved,
        role=MembershipRole.administrator,
        created_at=clock.now(),
        decided_at=clock.now(),
    )
    db.session.add(membership)
    return membership


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
    for name, org in (("alice", "enterprise"), ("bob", "university"), ("carol", "institute")):
        administrator(users[name], orgs[org])
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
    return base
