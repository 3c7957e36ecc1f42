"""Every route declares who may use it."""

from flask import Flask

from portal.access import public


def undeclared_routes(app: Flask) -> list[str]:
    """The endpoints whose view carries no access rule (public, login, roles)."""
    return [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and not getattr(app.view_functions[rule.endpoint], "access_rule", None)
    ]


def test_every_view_declares_its_access_rule(app):
    assert undeclared_routes(app) == []


def test_an_undecorated_view_is_caught():
    """The check above notices a view added without a rule."""
    probe = Flask("probe")
    probe.add_url_rule("/open", "open", public(lambda: "ok"))
    probe.add_url_rule("/forgotten", "forgotten", lambda: "oops")
    assert undeclared_routes(probe) == ["forgotten"]
