# 农安信用门户 — two commands: `make run` and `make test` (see README).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SYSTEM_PACKAGES := chromium fonts-wqy-microhei poppler-utils gettext

.PHONY: run test venv system-deps system-deps-test messages migrate demo lint format ci bench-credit bench-search bench-checks bench-portal clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 / Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# System packages, installed when missing and apt-get is available (we are root); otherwise
# stop and say what to install. `make run` needs gettext (catalogues) and a CJK font (PDFs);
# the tests also need Chromium (browser tests) and poppler-utils (PDFs to images/text).
define need_packages
	@missing=""; for spec in $(1); do \
	  pkg=$${spec%%:*}; probe=$${spec#*:}; \
	  sh -c "$$probe" >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    echo "Installing system packages:$$missing"; \
	    (apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq $$missing >/dev/null)) || exit 1; \
	  else \
	    echo "请先安装系统软件包 / Please install these system packages:$$missing"; exit 1; \
	  fi; \
	fi
endef
RUN_PACKAGES := gettext:'command -v msgfmt' fonts-wqy-microhei:'fc-list | grep -qi wenquanyi'
TEST_PACKAGES := $(RUN_PACKAGES) chromium:'command -v chromium' poppler-utils:'command -v pdftoppm'

system-deps:
	$(call need_packages,$(RUN_PACKAGES))

system-deps-test:
	$(call need_packages,$(TEST_PACKAGES))

messages: $(STAMP) system-deps
	$(BIN)/python manage.py compilemessages --ignore '.venv' -v 0

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput -v 0

demo: migrate messages
	$(BIN)/python manage.py load_demo --if-empty
	$(BIN)/python manage.py search_index rebuild
	$(BIN)/python manage.py update_index -v 0
	$(BIN)/python manage.py ensure_admin

run: demo
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "站点 Site: http://$(HOST):$(PORT)/   管理后台 Admin: http://$(HOST):$(PORT)/admin/"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP) system-deps-test messages node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# axe-core for the browser accessibility tests, pinned in package.json / package-lock.json
# (the site itself ships no npm code). Installed only when missing.
node_modules/axe-core/axe.min.js:
	@command -v npm >/dev/null || { echo "需要 npm / npm is required for the accessibility tests (apt-get install npm)"; exit 1; }
	npm install --no-audit --no-fund

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

BENCH_PG := postgres://postgres@127.0.0.1:5432/nongan_bench
BENCH_BROKER := CELERY_BROKER_URL=redis://127.0.0.1:6379/2 REDIS_URL=redis://127.0.0.1:6379/3

# Embedded default first; then PostgreSQL with 1 and 2 real Celery workers.
bench-credit: $(STAMP)
	env -u DATABASE_URL -u CELERY_BROKER_URL $(BIN)/python -m benchmarks.credit
	DATABASE_URL=$(BENCH_PG) $(BENCH_BROKER) $(BIN)/python -m benchmarks.credit --workers 1 2

bench-search: $(STAMP)
	$(BIN)/python -m benchmarks.search

bench-checks: $(STAMP)
	$(BIN)/python -m benchmarks.checks

bench-portal: $(STAMP)
	$(BIN)/python -m benchmarks.portal

clean:
	rm -rf $(VENV) var/
