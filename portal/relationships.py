"""The relationships many tables declare alike, declared once.

    class Proposal(Row, table=True):
        lead_org: Organisation = through("Proposal.lead_org_id")
        commitments: list["Commitment"] = children("proposal")
        attachments: list["Attachment"] = in_order("proposal", "Attachment.id")

Each helper returns the very Relationship a table would otherwise spell out.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Relationship


def children(back_populates: str, *, order_by: str | None = None) -> Any:
    """The rows a parent owns (a proposal's milestones): saved and deleted with it, and deleted
    when taken out of the list; in `order_by` ("Model.column") when given."""
    kwargs = {"cascade": "all, delete-orphan"}
    if order_by:
        kwargs["order_by"] = order_by
    return Relationship(back_populates=back_populates, sa_relationship_kwargs=kwargs)


def in_order(back_populates: str, order_by: str) -> Any:
    """The rows that refer to this one and live on their own (an award's objections), in
    `order_by` ("Model.column")."""
    return Relationship(
        back_populates=back_populates, sa_relationship_kwargs={"order_by": order_by}
    )


def through(foreign_key: str, **kwargs: Any) -> Any:
    """The row named by `foreign_key` ("Model.column"), for a table that refers to the same table
    more than once (a decision's proposer and approver are both users)."""
    return Relationship(sa_relationship_kwargs={"foreign_keys": foreign_key}, **kwargs)
