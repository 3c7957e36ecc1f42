"""Every route declares who may use it."""


def test_every_view_declares_its_access_rule(app):
    undeclared = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and not getattr(app.view_functions[rule.endpoint], "access_rule", None)
    ]
    assert undeclared == []


def test_an_undecorated_view_is_caught(app):
    """The check above would notice a view added without a rule."""
    from flask import Flask

    from portal.access import public

    probe = Flask("probe")
    probe.add_url_rule("/open", "open", public(lambda: "ok"))
    probe.add_url_rule("/forgotten", "forgotten", lambda: "oops")
    missing = [
        r.endpoint
        for r in probe.url_map.iter_rules()
        if r.endpoint != "static"
        and not getattr(probe.view_functions[r.endpoint], "access_rule", None)
    ]
    assert missing == ["forgotten"]
