"""Accounts: registration, login, sessions, organisations and their members."""
