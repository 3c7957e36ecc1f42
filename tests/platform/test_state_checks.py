"""The models build their state CHECKs from a few words; the SQL must stay exactly the text the
migrations wrote, or a database built from the models would differ from a migrated one."""

from portal.db import set_after, set_iff, set_only_in, set_past


def test_a_stamp_set_in_some_states_reads_as_the_migrations_wrote_it():
    assert set_iff("used_at", "used") == "(status = 'used') = (used_at IS NOT NULL)"
    assert (
        set_iff("decided_at", "effective", "reopened")
        == "(status IN ('effective', 'reopened')) = (decided_at IS NOT NULL)"
    )
    assert (
        set_only_in("finished_at", "done", "failed")
        == "(status IN ('done', 'failed') AND finished_at IS NOT NULL) OR "
        "(status NOT IN ('done', 'failed') AND finished_at IS NULL)"
    )
    assert (
        set_only_in("lease_until", "running")
        == "(status = 'running' AND lease_until IS NOT NULL) OR "
        "(status <> 'running' AND lease_until IS NULL)"
    )


def test_a_stamp_set_once_the_first_states_are_left_reads_as_the_migrations_wrote_it():
    assert (
        set_after("consent_decided_at", "invited", status="consent")
        == "(consent = 'invited') = (consent_decided_at IS NULL)"
    )
    assert (
        set_past("decided_at", ("pending",), ("accepted", "returned"), status="decision")
        == "(decision = 'pending' AND decided_at IS NULL) OR "
        "(decision IN ('accepted', 'returned') AND decided_at IS NOT NULL)"
    )
