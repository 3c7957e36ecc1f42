"""Walk the portal as one person does: from the home page, follow every link on every page.

`walk(client)` answers the HTML of each page reached, keyed by its path. Links that would change
something (the language switch, logging out) or leave the HTML pages (downloads, files) are not
followed, and each route is opened at most `per_route` times (a list of a thousand proposals
needs one of them checked, not all).
"""

from __future__ import annotations

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException

NOT_FOLLOWED_PREFIXES = ("/language/", "/logout", "/static/")
NOT_FOLLOWED_SUFFIXES = (".csv", ".xlsx", ".zip", ".pdf", ".png", ".svg", ".ico", "/healthz")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str) -> list[str]:
    """The same-site paths (with their query) that a page links to."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url = urlsplit(urldefrag(href).url)
        if url.scheme or url.netloc or not url.path.startswith("/"):
            continue
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def followed(path: str) -> bool:
    bare = path.split("?")[0]
    return not bare.startswith(NOT_FOLLOWED_PREFIXES) and not bare.endswith(NOT_FOLLOWED_SUFFIXES)


def route_of(app: Flask, path: str) -> str:
    try:
        endpoint, _args = app.url_map.bind("localhost").match(path.split("?")[0], method="GET")
    except HTTPException:
        return path
    return endpoint


def walk(app: Flask, client, start: str = "/", per_route: int = 2) -> dict[str, str]:
    """Every HTML page reached from `start`, by path; fails on a server error."""
    pages: dict[str, str] = {}
    opened: Counter[str] = Counter()
    queue = deque([start])
    seen = {start}
    while queue:
        path = queue.popleft()
        route = route_of(app, path)
        if opened[route] >= per_route:
            continue
        opened[route] += 1
        response = client.get(path)
        assert response.status_code < 500, f"{path} answered {response.status_code}"
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        pages[path] = html
        for link in links(html):
            if link not in seen and followed(link):
                seen.add(link)
                queue.append(link)
    return pages
