"""Accounts: registration, login, sessions, organisations and their members."""

from tests.accounts.fixtures import people  # noqa: F401  (a fixture of these stories)
