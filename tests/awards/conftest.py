"""Awards: publicity, objections, milestones, tranches and horse races."""

from tests.awards.fixtures import (  # noqa: F401  (fixtures of these stories)
    make_project,
    officer,
    publicise,
    ranked_challenge,
    second_officer,
    start_clock,
)
from tests.reviews.fixtures import make_expert, write_reviews  # noqa: F401
