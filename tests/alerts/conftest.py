"""Alerts: reminders with a moved clock, subscriptions to chains and links, and calendars."""

from tests.alerts.fixtures import (  # noqa: F401  (fixtures of these stories)
    assign,
    inbox,
    lead_org,
    run_at,
)
from tests.awards.fixtures import (  # noqa: F401  (projects, publicity and their officer)
    make_project,
    officer,
    publicise,
    start_clock,
)
from tests.reviews.fixtures import make_expert  # noqa: F401
