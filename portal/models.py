"""Every table of the portal, imported in one place for Alembic and the tests."""


def import_all_models() -> None:
    import portal.accounts.models
    import portal.audit
    import portal.notifications.models  # noqa: F401
