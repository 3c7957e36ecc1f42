"""Awards: publicity, objections, milestones, tranches and horse races."""

from tests.awards.fixtures import (  # noqa: F401  (fixtures of these stories)
    make_project,
    officer,
    publicise,
    start_clock,
)
