"""Notices print at the speed of one font: loaded once per process, not once per notice."""

from __future__ import annotations

import os
import threading

import pytest
import weasyprint.css
import weasyprint.document
import weasyprint.text.fonts

from portal.notices import rendering


@pytest.fixture
def font_loads(monkeypatch) -> list[object]:
    """Every WeasyPrint font configuration built from now on, wherever WeasyPrint builds it."""
    made: list[object] = []

    class Counted(weasyprint.text.fonts.FontConfiguration):
        def __init__(self) -> None:
            made.append(self)
            super().__init__()

    for module in (weasyprint.text.fonts, weasyprint.document, weasyprint.css):
        monkeypatch.setattr(module, "FontConfiguration", Counted)
    return made


def in_a_new_thread(work) -> None:
    """Runs `work` in a thread of its own (whose fonts are not loaded yet) and waits for it."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # reported in the test's thread
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert not failures, failures


def test_three_notices_in_a_row_load_the_fonts_once(font_loads):
    def print_three() -> None:
        for _ in range(3):
            rendering.html_to_pdf("<p>立项通知书</p>", stylesheets=(rendering.NOTICE_STYLESHEET,))

    in_a_new_thread(print_three)

    assert len(font_loads) == 1


def test_a_forked_worker_starts_with_the_fonts_its_parent_loaded(font_loads):
    """What `flask notices issue --workers 2` relies on: it warms the fonts, then forks."""

    def warm_then_fork() -> None:
        rendering.warm_fonts()
        child = os.fork()
        if child == 0:  # the worker: print a notice, then say how many loads that took
            rendering.html_to_pdf("<p>立项通知书</p>", stylesheets=(rendering.NOTICE_STYLESHEET,))
            os._exit(len(font_loads))
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 1  # the parent's, and no other

    in_a_new_thread(warm_then_fork)
