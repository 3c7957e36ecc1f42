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
MAX_ATTACHMENTS = 20  # current attachments of one proposal
MAX_CONTENT_LENGTH = 25 * 1024 * 1024
MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024

TIME_ZONE = "Asia/Shanghai"
LANGUAGES = {"zh": "中文", "en": "English"}
# The language of pages for a browser that states no preference, of command-line work, and of
# messages to a person whose language is not known yet (PORTAL_DEFAULT_LOCALE).
DEFAULT_LOCALE = "zh"
BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "translations")
PAGE_SIZE = 20
# Anonymous visitors may see a public page (catalogue, challenge, publicity) this many seconds
# old; 0 turns the cache off (see portal/pagecache.py).
PUBLIC_CACHE_SECONDS = 5
# The chain's digital brain (portal/chains). A consortium member is local when its organisation's
# region starts with PROGRAMME_REGION; a link is a chokepoint (卡脖子) from CHOKEPOINT_LEVEL on
# the 0–5 scale of its assessment; the trend lines show CHAIN_TREND_QUARTERS quarters.
PROGRAMME_REGION = "广东省深圳市"
CHOKEPOINT_LEVEL = 3
CHAIN_TREND_QUARTERS = 8
# The resilience index (0–100) of a link or chain: 100 × Σ weight × term ÷ Σ weight, over the
# terms below that have data, each term between 0 and 1 (portal/chains/resilience.py):
#   local_supporting      local supporting rate ÷ 100
#   independence          1 − external dependence ÷ 100
#   chokepoint_relief     1 − chokepoint level ÷ 5
#   chokepoints_attacked  chokepoints with a running or completed project ÷ chokepoints
#   milestones_on_time    milestones accepted by their due date ÷ milestones due
#   industry_academia     funded consortia that mix enterprises, universities and institutes ÷
#                         funded consortia
RESILIENCE_WEIGHTS = {
    "local_supporting": 30,
    "independence": 25,
    "chokepoint_relief": 15,
    "chokepoints_attacked": 15,
    "milestones_on_time": 10,
    "industry_academia": 5,
}
# Which funding decisions wait for a second staff member's approval before they take effect:
# "departures" (those that depart from the experts' ranking), "always" or "never". A departure
# needs its written reason whatever this says.
DECISION_APPROVAL = "departures"
# Fair deadlines (portal/challenges/deadlines.py): a challenge is published at least
# MIN_APPLICATION_DAYS before its deadline; an amendment that brings the deadline forward leaves
# at least MIN_NOTICE_DAYS between the amendment and the new deadline, and waits for a second
# staff member. An applicant may appeal a rejection at the formal check within APPEAL_DAYS.
MIN_APPLICATION_DAYS = 14
MIN_NOTICE_DAYS = 7
APPEAL_DAYS = 5
# Review totals of one proposal further apart than this (0–100 points) are flagged as divergent.
REVIEW_DIVERGENCE_POINTS = 30

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PREFERRED_URL_SCHEME = "http"
WTF_CSRF_TIME_LIMIT = None

# A login ends after this many minutes without a request, and this many hours after it began,
# whatever happens in between (checked on every request; portal/accounts/sessions.py).
SESSION_IDLE_MINUTES = 120
SESSION_MAX_HOURS = 12

# Reverse proxies in front of the portal that add X-Forwarded-For and X-Forwarded-Proto (1 for a
# single nginx); 0 when clients connect directly. Throttling then counts each client's address as
# the last of these proxies reports it, not the proxy's own.
TRUSTED_PROXIES = 0

# Login throttling (portal/accounts/throttling.py). One account may fail this many times in a
# row from one address; after each further failure that pair waits twice as long as before
# (1, 2, 4 … minutes, at most LOGIN_MAX_WAIT_MINUTES). One address may fail this many times
# within LOGIN_ADDRESS_WINDOW_MINUTES, over all accounts, before it waits too, except for
# accounts that have logged in from it before.
LOGIN_FREE_FAILURES = 5
LOGIN_MAX_WAIT_MINUTES = 60
LOGIN_MAX_FAILURES_PER_ADDRESS = 30
LOGIN_ADDRESS_WINDOW_MINUTES = 15
MIN_PASSWORD_LENGTH = 10

# Outgoing mail; nothing is sent while MAIL_SERVER is empty (the in-app inbox still works).
MAIL_SERVER = ""
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USERNAME = ""
MAIL_PASSWORD = ""
MAIL_SENDER = "noreply@jiebang.example"

# Links sent by e-mail: how long each works (each also works only once).
ADDRESS_CONFIRMATION_HOURS = 72  # confirming the address given at registration
PASSWORD_RESET_MINUTES = 30
ADDRESS_CHANGE_HOURS = 24  # confirming a new address, sent to that address

# Award notices (立项通知书): the issuing authority, its numbering style and seal, and where the
# printed QR code leads. NOTICE_NUMBER_FORMAT receives {year} and {seq} (a per-year sequence).
NOTICE_AUTHORITY = "深圳市科技创新局"
NOTICE_AUTHORITY_EN = "Shenzhen Science, Technology and Innovation Commission"
NOTICE_NUMBER_FORMAT = "深科技〔{year}〕{seq}号"
# The seal image (SVG or PNG); a relative path is read under STORAGE_ROOT. `flask demo` draws one.
NOTICE_SEAL_PATH = "seal.svg"
NOTICE_TASK_BOOK_DAYS = 30  # the task book (任务书) must be signed within this many days
NOTICE_PDF_VARIANT = ""  # "" for plain PDF, or "pdf/a-3b" for archival PDF/A-3b
NOTICE_BATCH_CHUNK = 10  # notices rendered per step of a batch
NOTICE_RENDER_WORKERS = 2  # processes rendering a batch from the command line
PUBLIC_URL = "http://127.0.0.1:5000"  # the portal's public address, printed in QR codes

# Reminders (portal/alerts/reminders.py), sent once per person and occasion by
# `flask --app portal reminders` or the periodic job: an expert whose review is due within
# REMINDER_REVIEW_DUE_DAYS, and again once it is overdue; an applicant with a draft when the
# challenge's deadline is REMINDER_DRAFT_FIRST_DAYS away, and again REMINDER_DRAFT_LAST_DAYS
# away; a team whose milestone is due within REMINDER_MILESTONE_DUE_DAYS, and again once it is
# overdue; officers when a publicity period ends with objections open, and staff (but its
# proposer) when a decision has waited REMINDER_DECISION_APPROVAL_DAYS for approval. A review is
# due at the end of its panel's due date, or REMINDER_REVIEW_PERIOD_DAYS after the expert was
# assigned where the officer set none.
REMINDER_REVIEW_DUE_DAYS = 3
REMINDER_REVIEW_PERIOD_DAYS = 14
REMINDER_DRAFT_FIRST_DAYS = 7
REMINDER_DRAFT_LAST_DAYS = 1
REMINDER_MILESTONE_DUE_DAYS = 14
REMINDER_DECISION_APPROVAL_DAYS = 2  # staff are reminded of a decision waiting this long
# Jobs (portal/jobs): the queue engine's storage — `sqlite:///path` for one machine (`make run`),
# `redis://host:6379/0` when several hosts run `flask --app portal worker`, or `immediate` to run
# each job in the process that queued it, right after the commit (tests).
QUEUE_URL = f"sqlite:///{INSTANCE_PATH / 'queue.db'}"
QUEUE_NAME = "portal"  # the engine's key prefix: portals sharing one Redis need different names
JOB_LEASE_SECONDS = 300  # a running job whose worker is silent this long runs again elsewhere
JOB_TICK_SECONDS = 2  # how often each worker looks after the queue
JOB_REPUSH_SECONDS = 60  # a job the engine lost (a restarted Redis) is pushed again after this
JOB_RETRY_SECONDS = 10  # the first wait after a failed attempt; each next one is twice as long
JOB_RETRY_MAX_SECONDS = 3600  # … up to this
JOB_KEEP_DAYS = 30  # jobs done are listed this long, then deleted (failed ones stay)
REMINDERS_EVERY_MINUTES = 15  # how often the scheduled reminders (portal/alerts/reminders.py) run
