# The two commands of the README: `make run` and `make test`. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
PORT ?= 5000
# The suite runs in one process per core (pytest-xdist); each has a database of its own.
TEST_PROCESSES ?= auto
RUN_PACKAGES := libharfbuzz-subset0 fonts-noto-cjk
TEST_PACKAGES := chromium poppler-utils openjdk-17-jre-headless nodejs
# The page test's checkers, pinned, from npm into a folder of the project: the W3C Nu HTML Checker
# (vnu.jar, run with Java) and axe-core (run in Chromium).
TOOLS := .tools
VNU_JAR_VERSION := 26.9.27
AXE_CORE_VERSION := 4.14.1
TOOLS_STAMP := $(TOOLS)/.installed-vnu-jar-$(VNU_JAR_VERSION)-axe-core-$(AXE_CORE_VERSION)

# `make test-fast`: the same checks and every test not marked slow, on SQLite, for a quick loop.
.PHONY: run test test-fast setup test-setup lint bench bench-rush translations system-packages clean

# The worker runs the jobs (mail, notice batches, reminders) beside the web server, on the
# embedded queue (instance/queue.db) unless PORTAL_QUEUE_URL says otherwise; both stop together.
run: setup
	$(FLASK) upgrade
	$(FLASK) demo --if-empty
	@$(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: test-setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)
	@if [ -n "$$PORTAL_TEST_DATABASE_URL" ]; then \
		echo "== the suite again, on $${PORTAL_TEST_DATABASE_URL%%\?*}"; \
		PORTAL_TEST_ON_POSTGRES=1 $(BIN)/pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS); \
	fi

test-fast: test-setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_PROCESSES) -m "not slow" $(PYTEST_ARGS)

# Benchmarks print figures; they are not tests (bench/run.py ends with bench/notices.py and
# bench/rush.py). PostgreSQL for the rush: PORTAL_BENCH_POSTGRES (a database it creates and drops).
bench: setup $(VENV)/.installed-bench
	@$(MAKE) --no-print-directory system-packages PACKAGES="wrk"
	$(BIN)/python bench/run.py

# The deadline rush alone: applicants saving and submitting while visitors read, on SQLite and
# on PostgreSQL, and a check that nothing they sent was lost.
bench-rush: setup $(VENV)/.installed-bench
	$(BIN)/python bench/rush.py

setup: $(VENV)/.installed instance/config.py translations
	@chmod 600 instance/config.py
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(RUN_PACKAGES)"

test-setup: setup
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(TEST_PACKAGES)"
	@$(MAKE) --no-print-directory $(TOOLS_STAMP)

# --ignore-scripts: vnu-jar's install script would fetch a Java runtime; the system's is used.
$(TOOLS_STAMP):
	@command -v npm >/dev/null || { echo "Please install npm (Debian: apt-get install npm)"; exit 1; }
	rm -rf $(TOOLS)/node_modules $(TOOLS)/.installed-*
	npm install --prefix $(TOOLS) --no-audit --no-fund --ignore-scripts --save-exact \
		vnu-jar@$(VNU_JAR_VERSION) axe-core@$(AXE_CORE_VERSION)
	touch $@

# Debian packages: installed when we are root and they are missing; otherwise we say what to do.
system-packages:
	@missing=""; for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian packages:$$missing"; \
			(apt-get install -y -qq $$missing >/dev/null 2>&1 || \
			 (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null)); \
		else \
			echo "Please install these Debian packages (as root):$$missing"; \
		fi; \
	fi

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The benchmarks' load tool (the `bench` extra), beside what `make test` installs.
$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

# It holds the key that signs sessions: readable by its owner only (setup also tightens an older
# file that was written readable by everyone).
instance/config.py:
	mkdir -p instance
	umask 077 && $(BIN)/python -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > $@

translations: $(VENV)/.installed
	@$(BIN)/pybabel compile -q -d portal/translations -f 2>/dev/null || \
		$(BIN)/pybabel compile -d portal/translations -f

# Extract new strings into the catalogues (then translate the empty msgstr in the .po files).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _ln:1,2 -o portal/translations/messages.pot --no-location --sort-output --width 100 .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching --ignore-obsolete --width 100

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(TOOLS)
