"""Every table of the portal, imported in one place for Alembic and the tests."""


def import_all_models() -> None:
    import portal.accounts.models  # noqa: F401
    import portal.alerts.models  # noqa: F401
    import portal.audit  # noqa: F401
    import portal.awards.models  # noqa: F401
    import portal.chains.models  # noqa: F401
    import portal.challenges.models  # noqa: F401
    import portal.formstash  # noqa: F401
    import portal.jobs.models  # noqa: F401
    import portal.notices.models  # noqa: F401
    import portal.notifications.models  # noqa: F401
    import portal.proposals.models  # noqa: F401
    import portal.reviews.models  # noqa: F401
    import portal.sequences  # noqa: F401
