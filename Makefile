# counterdesk: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CD_HOME ?= $(CURDIR)/.demo-home
DEMO_PERSONS ?= 5000
DEMO_SEED ?= 1
# System packages the current code needs (Debian/Ubuntu names).
APT_PACKAGES := python3-venv sqlite3

.PHONY: run test system venv lint bench clean

run: venv
	@if [ ! -e "$(CD_HOME)/register.db" ]; then \
		$(BIN)/counterdesk --home "$(CD_HOME)" init --district 370102 && \
		$(BIN)/counterdesk --home "$(CD_HOME)" demo --persons $(DEMO_PERSONS) --seed $(DEMO_SEED); \
	fi
	$(BIN)/counterdesk --home "$(CD_HOME)" status
	@card=$$($(BIN)/counterdesk --home "$(CD_HOME)" status --json | $(BIN)/python -c \
		'import json, sys; s = json.load(sys.stdin)["demo_samples"]; print(s[0]["card_no"] if s else "")'); \
	if [ -n "$$card" ]; then echo; echo "$$ counterdesk lookup --card $$card"; \
		$(BIN)/counterdesk --home "$(CD_HOME)" lookup --card "$$card"; fi

test: venv
	$(BIN)/ruff check .
	$(BIN)/pytest -q

system:
	@scripts/system-packages.sh $(APT_PACKAGES)

venv: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml | system
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

lint: venv
	$(BIN)/ruff check .

bench: venv
	$(BIN)/python -m bench.lookup

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
