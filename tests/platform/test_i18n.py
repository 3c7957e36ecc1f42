"""Chinese and English: the language switch and the browser's preference."""


def test_the_browser_language_chooses_chinese(client):
    html = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(
        as_text=True
    )
    assert 'lang="zh-Hans"' in html
    assert "登录" in html


def test_switching_to_chinese_translates_navigation_forms_and_messages(client, make_user):
    make_user("alice@alpha.example")
    client.get("/language/zh?next=/login")
    html = client.get("/login").get_data(as_text=True)
    assert "电子邮箱" in html and "密码" in html and "注册" in html
    response = client.post("/login", data={"email": "alice@alpha.example", "password": "wrong"})
    assert "电子邮箱或密码不正确" in response.get_data(as_text=True)
    client.get("/language/en?next=/")
    assert "Log in" in client.get("/login").get_data(as_text=True)


def test_every_message_in_the_code_has_a_chinese_translation():
    """Extracts every translatable string from the code and templates, as `make messages` does."""
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    method_map = [("portal/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "lazy_gettext": None,
        "_ln": (1, 2),
    }
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            root, method_map=method_map, keywords=keywords
        )
    }
    po = root / "portal/translations/zh/LC_MESSAGES/messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else all(m.string))
    }
    assert sorted(found - translated) == []


def test_messages_can_be_translated_outside_a_request(app):
    """Command-line work (demo data, batch notices) writes in the default language."""
    from flask_babel import gettext

    with app.app_context():
        assert gettext("Log in") == "Log in"


def test_chinese_terms_beside_headings_are_not_repeated_in_chinese(client):
    english = client.get("/challenges", headers={"Accept-Language": "en"}).get_data(as_text=True)
    chinese = client.get("/challenges", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert '<h1>Challenges <span lang="zh-Hans">榜单</span></h1>' in english
    assert "<h1>榜单</h1>" in chinese


def test_a_form_s_own_checks_speak_the_language_of_the_page(client):
    """WTForms' messages ("Field cannot be longer than …") come from catalogues kept per
    language: a Chinese and an English visitor in one process each read their own."""
    too_long = "/challenges?q=" + "x" * 201
    chinese = client.get(too_long, headers={"Accept-Language": "zh"}).get_data(as_text=True)
    english = client.get(too_long, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "字段长度不能超过 200 个字符" in chinese and "cannot be longer" not in chinese
    assert "Field cannot be longer than 200 characters" in english
    assert "字段长度不能超过" not in english
    again = client.get(too_long, headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "字段长度不能超过 200 个字符" in again
