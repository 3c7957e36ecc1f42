"""Proposals: drafting, consent, the pledge, submission and attachments."""

from tests.proposals.fixtures import consortium  # noqa: F401  (a fixture of these stories)
