"""Reviews: panels, conflicts, scoring, ranking and the decision."""

from tests.reviews.fixtures import (  # noqa: F401  (fixtures of these stories)
    add_to_panel,
    assign_expert,
    bulk_proposals,
    closed_challenge,
    make_expert,
    officer,
    set_status,
    write_reviews,
)
