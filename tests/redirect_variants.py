"""`next=` values as they appear in a URL's query string: ways to make a redirect leave the site
(for the tests of the login, the language switch and Chromium), and paths that must still work."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

OFF_SITE = [
    "//evil.example",
    "///evil.example",
    "/%09/evil.example",  # a tab, which browsers drop: //evil.example
    "/%0A/evil.example",
    "/%0D%0A/evil.example",
    "%09//evil.example",
    "%20//evil.example",
    "/%00/evil.example",
    "/%5Cevil.example",  # /\evil.example: browsers read a backslash as a slash
    "%5C%5Cevil.example",
    "/%5C/evil.example",
    "/%2F/evil.example",
    "/%252F%252Fevil.example",  # next=/%2F%2Fevil.example
    "/%2509/evil.example",  # next=/%09/evil.example
    "/%255Cevil.example",  # next=/%5Cevil.example
    "/%25252F%25252Fevil.example",  # encoded twice over
    "http://evil.example",
    "HTTPS://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "data:text/html,hello",
    "/%E2%80%AE/evil.example",  # a right-to-left override
    "/%E3%80%80/evil.example",  # an ideographic space
    "/login%0D%0ASet-Cookie:%20x=1",
    "evil.example",
]
# (next= as written in the URL, where the portal goes)
ON_SITE = [
    ("/challenges", "/challenges"),
    ("/challenges%3Fq%3D%25E5%2585%2589%26page%3D2", "/challenges?q=%E5%85%89&page=2"),
    ("/officer/challenges", "/officer/challenges"),
]


def reads_as_a_path_of_the_site(location: str) -> bool:
    """Whether a Location header leads to this site, as written and as a browser reads it (the
    URL standard drops tabs and newlines, trims controls and spaces, and takes a backslash for a
    slash)."""
    if not location.startswith("/") or location.startswith(("//", "/\\")):
        return False
    if not location.isprintable() or " " in location:
        return False
    as_read = re.sub(r"[\t\n\r]", "", location).strip("\x00- ").replace("\\", "/")
    return urlsplit(urljoin("http://portal.example/", as_read)).netloc == "portal.example"
