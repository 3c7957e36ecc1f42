"""`flask doctor` says what this machine lacks to print notices, and how to fix it."""

from __future__ import annotations

import re


def test_doctor_is_happy_on_a_machine_with_everything(app):
    result = app.test_cli_runner().invoke(args=["doctor"])

    assert result.exit_code == 0, result.output
    assert "[ok] CJK font" in result.output
    assert "[ok] HarfBuzz font subsetting" in result.output


def test_doctor_names_the_one_font_face_and_the_subsetter_a_notice_will_use(app):
    result = app.test_cli_runner().invoke(args=["doctor"])

    font = next(line for line in result.output.splitlines() if "CJK font" in line)
    assert re.search(
        r"Noto Serif CJK SC Regular, face \d+ of /\S+/NotoSerifCJK-Regular\.ttc$", font
    )
    subsetter = next(line for line in result.output.splitlines() if "subsetting" in line)
    assert re.search(r"HarfBuzz hb-subset [\d.]+ \(libharfbuzz-subset0\)$", subsetter)


def test_doctor_reports_a_missing_cjk_font(app, tmp_path, monkeypatch):
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    result = app.test_cli_runner().invoke(args=["doctor"])

    assert result.exit_code != 0
    assert "[MISSING] CJK font" in result.output
    assert "apt-get install fonts-noto-cjk" in result.output


def test_doctor_reports_missing_harfbuzz_subsetting(app, monkeypatch):
    import weasyprint.pdf.fonts

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)

    result = app.test_cli_runner().invoke(args=["doctor"])

    assert result.exit_code != 0
    assert "[MISSING] HarfBuzz font subsetting" in result.output
    assert "falls back to fontTools" in result.output
    assert "apt-get install libharfbuzz-subset0" in result.output


def test_doctor_reports_a_missing_seal(app, seal):
    seal.unlink()

    result = app.test_cli_runner().invoke(args=["doctor"])

    assert result.exit_code != 0
    assert "[MISSING] Authority's seal image" in result.output


def test_the_portal_warns_at_start_when_the_font_is_missing(tmp_path, monkeypatch, caplog):
    from portal.notices import health

    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    health.startup_problems.cache_clear()
    try:
        with caplog.at_level("WARNING", logger="portal.notices"):
            health.warn_if_unready()
    finally:
        health.startup_problems.cache_clear()

    assert "fonts-noto-cjk" in caplog.text
