"""The audit trail names what happened in the reader's language; the code stays beside it for
filtering."""

from __future__ import annotations

from portal.audit import action_label
from portal.vocabulary import AuditAction


def test_the_audit_trail_reads_in_chinese_with_the_code_beside(client, make_user, login):
    make_user("admin@example.gov.cn", role="admin", language="zh")
    login("admin@example.gov.cn")  # recorded as user.logged_in
    client.get("/language/zh")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "用户：登录" in page
    assert '<code lang="en">user.logged_in</code>' in page


def test_every_action_the_demo_records_has_a_name(demo_copy):
    recorded = {row["action"] for row in demo_copy.rows["audit_event"]}
    assert recorded and recorded <= {a.value for a in AuditAction}


def test_an_action_without_a_name_is_shown_as_its_code(app):
    with app.test_request_context():
        assert action_label("something.new") == "something.new"
        assert action_label("proposal.submitted") == "Proposal: submitted"
