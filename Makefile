# Two entry points for a fresh machine: `make run` and `make test`. Both set up what they need.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test setup

run: setup
	$(PY) -m pipeline run --raw raw --out outputs

test: setup
	$(PY) -m pytest

setup: $(VENV)/.synced

# Re-sync only when the lock file changes; uv installs exactly what uv.lock pins.
$(VENV)/.synced: uv.lock pyproject.toml
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(PYTHON) -m uv sync --frozen --quiet
	@touch $@
