# Two entry points for a fresh machine: `make run` and `make test`. Both set up what they need.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test setup browser

run: setup
	$(PY) -m pipeline run --raw raw --out outputs

test: setup browser
	$(PY) -m pytest

setup: $(VENV)/.synced

# Re-sync only when the lock file changes; uv installs exactly what uv.lock pins. Bytecode is compiled
# once here: with PYTHONDONTWRITEBYTECODE set, every run would otherwise compile Prefect's thousand
# modules again (seconds of start-up per process).
$(VENV)/.synced: uv.lock pyproject.toml Makefile
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(PYTHON) -m uv sync --frozen --quiet --compile-bytecode
	@touch $@

# The review-page test drives Debian's Chromium; CJK fonts make its screenshots readable.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
		if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
		else echo "note: install chromium and fonts-noto-cjk for the browser test"; fi; \
	fi
