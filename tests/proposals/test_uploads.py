"""Uploads are checked by content with a real PDF parser, stored and served under the checked
type's extension, always as downloads, and a proposal holds at most MAX_ATTACHMENTS files."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pikepdf import Array, Dictionary, Name, String
from PIL import Image
from sqlmodel import func, select
from werkzeug.datastructures import FileStorage

from portal import clock, storage
from portal.db import db
from portal.errors import ValidationFailed
from portal.proposals.models import Attachment
from tests.challenges.fixtures import publish_challenge
from tests.factories import PASSWORD
from tests.pdfs import pdf
from tests.proposals.fixtures import attach
from tests.together import together

# ---- what is refused ----------------------------------------------------------------------


def _open_action_script(document):
    document.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))


def _named_script(document):
    script = document.make_indirect(Dictionary(S=Name.JavaScript, JS=String("this.print()")))
    document.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("start"), script])))


def _page_opens_a_script(document):
    page = document.pages[0].obj
    page.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String("app.launchURL('x')")))


def _script_link(document):
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([0, 0, 10, 10]),
        A=Dictionary(S=Name.URI, URI=String(" JavaScript:alert(1)")),
    )
    document.pages[0].Annots = document.make_indirect(Array([link]))


def _launches_a_program(document):
    document.Root.OpenAction = Dictionary(S=Name.Launch, F=String("cmd.exe"))


def _embedded_file(document):
    data = document.make_stream(b"MZ payload")
    data.Type = Name.EmbeddedFile
    spec = Dictionary(Type=Name.Filespec, F=String("tool.exe"), EF=Dictionary(F=data))
    document.Root.Names = Dictionary(
        EmbeddedFiles=Dictionary(Names=Array([String("tool.exe"), spec]))
    )


def _file_attachment_annotation(document):
    data = document.make_stream(b"secret")
    data.Type = Name.EmbeddedFile
    annotation = Dictionary(
        Type=Name.Annot,
        Subtype=Name.FileAttachment,
        Rect=Array([0, 0, 10, 10]),
        FS=Dictionary(Type=Name.Filespec, F=String("a.txt"), EF=Dictionary(F=data)),
    )
    document.pages[0].Annots = document.make_indirect(Array([annotation]))


PLAIN = pdf("Plan")
REFUSED = {
    "html before the header": (
        b"<html><body><script>alert(1)</script></body></html>\n" + PLAIN,
        "this file is not a PDF",
    ),
    "html right after the header": (
        PLAIN.replace(b"\n", b"\n%<html><script>alert(1)</script>\n", 1),
        "web-page (HTML) markup",
    ),
    "html after the end": (PLAIN + b"<!doctype html><script>alert(1)</script>", "HTML"),
    "JavaScript run on opening": (pdf(change=_open_action_script), "JavaScript"),
    "JavaScript in the names tree": (pdf(change=_named_script), "JavaScript"),
    "JavaScript in a page's actions": (pdf(change=_page_opens_a_script), "JavaScript"),
    "a link to a javascript: address": (pdf(change=_script_link), "JavaScript"),
    "a launch action": (pdf(change=_launches_a_program), "starts a program"),
    "an embedded file": (pdf(change=_embedded_file), "files embedded"),
    "a file attachment annotation": (pdf(change=_file_attachment_annotation), "files embedded"),
    "a truncated file": (PLAIN[: len(PLAIN) * 2 // 3], "damaged or incomplete"),
    "a header and nothing else": (b"%PDF-1.7\n", "damaged or incomplete"),
}


@pytest.fixture
def draft(app, make_org, make_user, make_proposal):
    """A draft proposal of Alpha Tech, whose administrator Alice is logged in to edit it."""
    alpha = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=alpha, name="Alice Applicant")
    return make_proposal(lead=alpha, status="draft")


def upload(client, proposal_id: int, data: bytes, name: str = "plan.pdf", title: str = "Plan"):
    return client.post(
        f"/proposals/{proposal_id}/attachments",
        data={"title": title, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def stored_files(app) -> set:
    return {p for p in (app.config["STORAGE_ROOT"] / "proposals").rglob("*") if p.is_file()}


@pytest.fixture
def storage_root(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_ROOT", tmp_path)
    (tmp_path / "proposals").mkdir()
    return tmp_path


@pytest.mark.parametrize("case", REFUSED)
def test_a_file_that_is_not_a_plain_pdf_is_refused_at_the_field(
    app, client, login, draft, storage_root, case
):
    data, message = REFUSED[case]
    login("alice@alpha.example")

    response = upload(client, draft.id, data)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(r'<p class="error" id="file-error" role="alert">(.*?)</p>', html, re.S)
    assert error is not None and message in error.group(1), html[:3000]
    assert 'value="Plan"' in html  # what was typed is kept
    with app.app_context():
        assert db.session.exec(select(Attachment)).all() == []
    assert stored_files(app) == set()


def test_a_real_pdf_named_html_is_kept_and_served_as_a_pdf_download(
    app, client, login, draft, storage_root
):
    login("alice@alpha.example")

    response = upload(client, draft.id, PLAIN, name="poly.html", title="")

    assert response.status_code == 302
    with app.app_context():
        attachment = db.session.exec(select(Attachment)).one()
        assert attachment.filename == "poly.pdf"
        assert attachment.stored_name.endswith(".pdf")
    page = client.get(f"/proposals/{draft.id}/attachments").get_data(as_text=True)
    assert "poly.pdf" in page and "poly.html" not in page
    download = client.get(f"/proposals/{draft.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PLAIN
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == 'attachment; filename="poly.pdf"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_download_keeps_its_chinese_name_and_never_the_uploaders_extension(
    app, client, login, draft, storage_root
):
    attachment_id = attach(app, draft.id, "方案书 v2.html")  # a row stored before the rule
    login("alice@alpha.example")

    download = client.get(f"/proposals/{draft.id}/attachments/{attachment_id}")

    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"v2.pdf\"; filename*=UTF-8''%E6%96%B9%E6%A1%88%E4%B9%A6%20v2.pdf"
    )
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("name", "header"),
    [
        (
            "方案书.pdf",
            'attachment; filename="download.pdf"; '
            "filename*=UTF-8''%E6%96%B9%E6%A1%88%E4%B9%A6.pdf",
        ),
        ('a"b;c.pdf', "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%3Bc.pdf"),
        ("report.PDF", 'attachment; filename="report.PDF"'),
    ],
)
def test_download_names_are_safe_in_the_header(name, header):
    assert storage.content_disposition(storage.with_extension(name, storage.PDF)) == header


# ---- how many ---------------------------------------------------------------------------------


def test_the_twenty_first_attachment_is_refused_until_one_is_removed(
    app, client, login, draft, storage_root
):
    assert app.config["MAX_ATTACHMENTS"] == 20
    ids = [attach(app, draft.id, f"part-{i}.pdf") for i in range(20)]
    login("alice@alpha.example")

    refused = upload(client, draft.id, PLAIN, name="part-21.pdf")

    assert refused.status_code == 422
    assert "at most 20 attachments" in refused.get_data(as_text=True)
    assert client.post(f"/proposals/{draft.id}/attachments/{ids[0]}/remove").status_code == 302
    assert upload(client, draft.id, PLAIN, name="part-21.pdf").status_code == 302
    with app.app_context():
        count = db.session.exec(
            select(func.count()).where(Attachment.proposal_id == draft.id)
        ).one()
    assert count == 20


def test_two_tabs_uploading_the_last_place_at_once_get_one_file_in(
    app, draft, storage_root, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_ATTACHMENTS", 3)
    for i in range(2):
        attach(app, draft.id, f"part-{i}.pdf")

    def tab(_i):
        client = app.test_client()
        client.post("/login", data={"email": "alice@alpha.example", "password": PASSWORD})
        return client

    responses = together(4, tab, lambda i, client: upload(client, draft.id, PLAIN, f"tab{i}.pdf"))

    assert sorted(r.status_code for r in responses) == [302, 422, 422, 422]
    with app.app_context():
        count = db.session.exec(
            select(func.count()).where(Attachment.proposal_id == draft.id)
        ).one()
    assert count == 3


# ---- guides -----------------------------------------------------------------------------------


def test_a_challenge_guide_is_checked_like_any_upload_and_served_as_a_download(
    app, client, login, make_user, make_chain, storage_root
):
    officer = make_user("officer@example.com", role="officer")
    now = clock.now()
    challenge_id, number = publish_challenge(
        app, officer.id, make_chain().id, now + timedelta(days=30)
    )
    login("officer@example.com")

    refused = client.post(
        f"/officer/challenges/{challenge_id}/guides",
        data={"file": (io.BytesIO(pdf(change=_open_action_script)), "指南.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    error = re.search(r'id="file-error" role="alert">(.*?)</p>', refused.get_data(as_text=True))
    assert error is not None and "JavaScript" in error.group(1)

    added = client.post(
        f"/officer/challenges/{challenge_id}/guides",
        data={"file": (io.BytesIO(PLAIN), "申报指南.htm")},
        content_type="multipart/form-data",
    )
    assert added.status_code == 302
    client.post("/logout")
    page = client.get(f"/challenges/{number}").get_data(as_text=True)
    href = page.split("/guides/", 1)[1].split('"', 1)[0]
    download = client.get(f"/challenges/{number}/guides/{href}")
    assert download.data == PLAIN
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Content-Disposition"].endswith(".pdf")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


# ---- images, for the uploads that accept them -------------------------------------------------


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format=fmt)
    return out.getvalue()


def test_an_image_is_stored_and_served_as_its_checked_type(app, storage_root):
    kinds = (storage.PDF, storage.PNG, storage.JPEG)
    with app.test_request_context():
        png = storage.store_upload(
            FileStorage(io.BytesIO(_image("PNG")), "licence.pdf"),
            field="licence",
            folder="proposals",
            kinds=kinds,
        )
        jpeg = storage.store_upload(
            FileStorage(io.BytesIO(_image("JPEG")), "licence.jpeg"),
            field="licence",
            folder="proposals",
            kinds=kinds,
        )
        assert (png.stored_name[-4:], png.filename) == (".png", "licence.png")
        assert (jpeg.stored_name[-4:], jpeg.filename) == (".jpg", "licence.jpeg")
        served = storage.send_stored(png.stored_name, png.filename)
        assert served.headers["Content-Type"] == "image/png"
        assert served.headers["Content-Disposition"] == 'attachment; filename="licence.png"'

        broken = _image("PNG")[:60]
        with pytest.raises(ValidationFailed) as refused:
            storage.store_upload(
                FileStorage(io.BytesIO(broken), "licence.png"),
                field="licence",
                folder="proposals",
                kinds=kinds,
            )
        assert "damaged" in refused.value.problems["licence"]
        with pytest.raises(ValidationFailed) as not_pdf:
            storage.store_pdf(FileStorage(io.BytesIO(_image("PNG")), "plan.pdf"), field="file")
        assert "not a PDF" in not_pdf.value.problems["file"]
