"""The officer's export of the proposals handed in for a challenge: CSV (UTF-8 with a byte-order
mark, for spreadsheet programs), one row per proposal: its lead organisation, status and time of
submission, and what its latest submitted version froze."""

from __future__ import annotations

import csv
import io

from portal.accounts.models import User
from portal.challenges.models import Challenge
from portal.i18n import gettext as _
from portal.presentation import format_local
from portal.proposals.queries import submissions_with_versions
from portal.proposals.snapshot import SubmittedContent
from portal.vocabulary import MemberRole


def _cell(value) -> str:
    """A CSV cell that Excel shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


def submissions_csv(challenge: Challenge, user: User) -> str:
    """The CSV of the proposals of `challenge` that `user` may read, drafts excepted."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Proposal"),
            _("Title"),
            _("Lead organisation"),
            _("Credit code"),
            _("Members"),
            _("Team leader"),
            _("Funding requested (yuan)"),
            _("Self-raised funds (yuan)"),
            _("Status"),
            _("Submitted at"),
        ]
    )
    for proposal in submissions_with_versions(challenge, user):
        latest = proposal.versions[-1].content if proposal.versions else None
        content = SubmittedContent.from_json(latest)
        writer.writerow(
            _cell(value)
            for value in [
                proposal.id,
                content.title,
                proposal.lead_org.name,
                proposal.lead_org.credit_code,
                "; ".join(m.name for m in content.members if m.role is MemberRole.member),
                content.leader.name,
                _money(content.budget.requested),
                _money(content.budget.self_funds),
                proposal.status.label,
                format_local(proposal.submitted_at),
            ]
        )
    return "\ufeff" + out.getvalue()
