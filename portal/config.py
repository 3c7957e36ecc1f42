"""Default settings.

`instance/config.py` overrides them, and so does any environment variable named `PORTAL_<KEY>`
(for example `PORTAL_DATABASE_URL`), read last so that a deployment can change a setting without
touching a file.
"""

from pathlib import Path

INSTANCE_PATH = Path(__file__).resolve().parent.parent / "instance"

DATABASE_URL = f"sqlite:///{INSTANCE_PATH / 'portal.db'}"
SQL_ECHO = False

# Where uploads and issued notices are kept; a shared volume when several hosts serve the portal.
STORAGE_ROOT = str(INSTANCE_PATH)
MAX_UPLOAD_MB = 20
MAX_CONTENT_LENGTH = 25 * 1024 * 1024
MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024

TIME_ZONE = "Asia/Shanghai"
LANGUAGES = {"zh": "中文", "en": "English"}
BABEL_DEFAULT_LOCALE = "en"
BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "translations")
PAGE_SIZE = 20
# Review totals of one proposal further apart than this (0–100 points) are flagged as divergent.
REVIEW_DIVERGENCE_POINTS = 30

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PREFERRED_URL_SCHEME = "http"
WTF_CSRF_TIME_LIMIT = None

# Login throttling: wrong passwords in a row before an account is locked for LOGIN_LOCK_MINUTES,
# and failures from one address within that window before the address is refused.
LOGIN_MAX_FAILURES = 5
LOGIN_MAX_FAILURES_PER_ADDRESS = 30
LOGIN_LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 10

# Outgoing mail; nothing is sent while MAIL_SERVER is empty (the in-app inbox still works).
MAIL_SERVER = ""
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USERNAME = ""
MAIL_PASSWORD = ""
MAIL_SENDER = "noreply@jiebang.example"
