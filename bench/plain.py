"""The plain page: the public catalogue as a small program would serve it, to measure the portal
against what is possible here.

The same 20 rows of the same database, the chain and link options of the filter and a Chinese
layout of about the same size, read with the standard library's sqlite3 and drawn by one
compiled Jinja template, served by `make bench` with the portal's gunicorn settings. The distance
from the portal's catalogue to this page is overhead the portal wrote.
"""

from __future__ import annotations

import os
import sqlite3
from decimal import Decimal

from flask import Flask, request
from jinja2 import Environment
from sqlalchemy.engine import make_url

PAGE = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>榜单 · 揭榜挂帅平台</title><link rel="stylesheet" href="/static/portal.css"></head>
<body><header class="site"><a class="brand" href="/">揭榜挂帅平台</a>
<nav><a href="/challenges">榜单</a> <a href="/publicity">公示</a> <a href="/chains">产业链</a>
<a href="/login">登录</a> <a href="/register">注册</a></nav></header>
<main><h1>榜单</h1>
<p class="lead">关键核心技术攻关榜单：量化指标、经费上限和截止时间明确，有能力的联合体均可揭榜。</p>
<form method="get" class="filters" role="search" action="/challenges">
<label>关键词 <input name="q" value="{{ q }}"></label>
<label>产业链环节 <select name="link"><option value="">全部</option>
{% for id, link, chain in links %}<option value="{{ id }}">{{ chain }} · {{ link }}</option>
{% endfor %}</select></label>
<label>状态 <select name="status"><option value="">全部</option>
{% for value, label in states.items() %}<option value="{{ value }}">{{ label }}</option>
{% endfor %}</select></label>
<label>截止日期自 <input type="date" name="deadline_from"></label>
<label>截止日期至 <input type="date" name="deadline_to"></label>
<label>经费下限（万元） <input name="funding_min" inputmode="decimal"></label>
<label>经费上限（万元） <input name="funding_max" inputmode="decimal"></label>
<label>排序 <select name="sort"><option value="deadline">截止时间</option>
<option value="funding">经费上限</option><option value="newest">最新发布</option></select></label>
<button type="submit">搜索</button></form>
<ul class="cards challenge-list">
{% for c in rows %}<li class="card">
<p class="muted">{{ c[0] }} · {{ c[7] or "" }} · {{ c[6] or "" }}</p>
<h2><a href="/challenges/{{ c[0] | urlencode }}">{{ c[1] }}</a></h2>
<p><span class="badge challenge-status-{{ c[2] }}">{{ states[c[2]] }}</span></p>
<dl class="facts"><dt>经费上限</dt><dd>{{ money(c[3]) }}</dd>
<dt>截止时间</dt><dd>{{ (c[4] or "")[:16] }}</dd></dl></li>
{% endfor %}</ul>
<nav class="pagination">共 {{ total }} 项 · 第 1 页</nav></main>
<footer class="site">揭榜挂帅平台</footer></body></html>"""
)
STATES = {
    "published": "征集中",
    "closed": "已截止",
    "reviewing": "评审中",
    "decided": "已确定",
    "cancelled": "已取消",
}
ROWS = """
SELECT c.number, c.title, c.status, c.funding_cap, c.deadline, c.funding_mode, l.name, ch.name
FROM challenge c
LEFT JOIN chain_link l ON l.id = c.chain_link_id
LEFT JOIN chain ch ON ch.id = l.chain_id
WHERE c.status IN ('published', 'closed', 'reviewing', 'decided')
ORDER BY c.deadline DESC, c.id DESC LIMIT 20
"""
TOTAL = (
    "SELECT count(*) FROM challenge WHERE status IN ('published', 'closed', 'reviewing', 'decided')"
)
LINKS = """
SELECT l.id, l.name, ch.name FROM chain_link l JOIN chain ch ON ch.id = l.chain_id
ORDER BY ch.name, l.position, l.id
"""

app = Flask(__name__)
_connection: sqlite3.Connection | None = None


def connection() -> sqlite3.Connection:
    """One connection per process, opened on the first request (gunicorn forks first)."""
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(make_url(os.environ["PORTAL_DATABASE_URL"]).database)
    return _connection


def money(value) -> str:
    return "—" if value is None else f"{Decimal(value) / 10000:,.2f} 万元"


@app.get("/hello")
def hello():
    return "hello"


@app.get("/challenges")
def catalogue():
    db = connection()
    return PAGE.render(
        rows=db.execute(ROWS).fetchall(),
        total=db.execute(TOTAL).fetchone()[0],
        links=db.execute(LINKS).fetchall(),
        q=request.args.get("q", ""),
        states=STATES,
        money=money,
    )
