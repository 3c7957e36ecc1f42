"""Hostile form input for property-based tests: what careless or malicious people type."""

from __future__ import annotations

from hypothesis import strategies as st

CONTROL = "".join(chr(c) for c in range(0, 32)) + "\x7f\u200b\u202e\ufeff"

hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=CONTROL, min_size=1, max_size=10),
    st.sampled_from(
        [
            "",
            " ",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "'; DROP TABLE user; --",
            "揭榜挂帅 مرحبا Привет 🚀",
            "NaN",
            "-Infinity",
            "1e309",
            "-1",
            "0",
            "99999999999999999999999999",
            "2026-02-30",
            "0000-00-00T25:61",
            "%s%n%x",
            "../../etc/passwd",
            "\x00",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.builds(lambda n: "长" * n, st.integers(min_value=200, max_value=12000)),
)


def hostile_form(fields: list[str]):
    """A form body: each field hostile, missing, or repeated with different values."""
    value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, value))
