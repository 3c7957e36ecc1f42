"""Notices: issuing, correcting, batches and verification."""

from tests.notices.fixtures import make_award, officer, seal  # noqa: F401  (fixtures of these stories)
