"""The chain's digital brain (产业链数字大脑): what officers record about each link of a chain.

A `LinkAssessment` holds one link's figures for one quarter. It is never overwritten: a
correction is a new row that names the row it corrects and why (`corrects_id`,
`correction_reason`), and the corrected row is stamped `superseded_at`. The database keeps one
current row per link and quarter (a partial unique index) and refuses figures out of range.

A `LinkRelation` is a supply arrow of the chain map: the supplier link feeds the customer link.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, Relationship

from portal.challenges.models import ChainLink
from portal.columns import Row, moment, refers_to, stamp, user_ref
from portal.db import checks, partial_unique

PERCENT = sa.Numeric(5, 2)


class LinkAssessment(Row, table=True):
    __table_args__ = (
        partial_unique(
            "uq_link_assessment_current", "link_id", "period", where="superseded_at IS NULL"
        ),
        *checks(
            period_is_a_quarter="length(period) = 6 AND substr(period, 5, 1) = 'Q' "
            "AND substr(period, 6, 1) IN ('1', '2', '3', '4')",
            external_percent="external_dependence >= 0 AND external_dependence <= 100",
            local_percent="local_supporting_rate >= 0 AND local_supporting_rate <= 100",
            shares_within_whole="external_dependence + local_supporting_rate <= 100",
            local_firms_counted="local_firms >= 0",
            chokepoint_scale="chokepoint_level BETWEEN 0 AND 5",
            correction_has_reason="(corrects_id IS NULL) = (correction_reason = '')",
        ),
    )

    link_id: int = refers_to("chain_link")
    period: str = Field(max_length=6, index=True)  # a quarter: "2026Q1"
    # Share of the key inputs bought from outside the country (对外依存度), %.
    external_dependence: Decimal = Field(sa_type=PERCENT)
    # Share supplied within the programme's region (本地配套率), %.
    local_supporting_rate: Decimal = Field(sa_type=PERCENT)
    local_firms: int
    chokepoint_level: int  # 卡脖子 0 (none) … 5 (no domestic supply at all)
    note: str = Field(default="", max_length=2000)
    source: str = Field(max_length=500)  # where the figures come from
    recorded_at: datetime = moment()
    recorded_by_id: int | None = user_ref()
    corrects_id: int | None = Field(default=None, foreign_key="link_assessment.id")
    correction_reason: str = Field(default="", max_length=1000)
    superseded_at: datetime | None = stamp()

    link: ChainLink = Relationship()


class LinkRelation(Row, table=True):
    __table_args__ = (
        sa.UniqueConstraint("supplier_id", "customer_id"),
        *checks(
            not_its_own_supplier="supplier_id != customer_id",
        ),
    )

    chain_id: int = refers_to("chain")
    supplier_id: int = refers_to("chain_link")
    customer_id: int = refers_to("chain_link")
    note: str = Field(default="", max_length=200)  # what flows, e.g. "光刻胶"
    created_at: datetime = moment()
    created_by_id: int | None = user_ref()
