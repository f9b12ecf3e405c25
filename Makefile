# counterdesk: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CD_HOME ?= $(CURDIR)/.demo-home
DEMO_PERSONS ?= 5000
DEMO_SEED ?= 1
# System packages the current code needs (Debian/Ubuntu names): pyscard builds against
# libpcsclite-dev with swig and gcc; the card tests run pcscd with the vsmartcard-vpcd driver;
# statements embed WenQuanYi Micro Hei; the tests read PDFs back with poppler (pdffonts, pdftoppm)
# and scan their QR codes with zbarimg; the headquarters tests start PostgreSQL 15 themselves;
# the desktop tests run the Tk application under Xvfb, drive it with xdotool and take
# screenshots with imagemagick's import; the self-query's browser test drives Debian's chromium
# through chromium-driver (Selenium). sqlcipher3 is installed from its wheel only (it bundles
# SQLCipher and OpenSSL; its source build would download OpenSSL).
APT_PACKAGES := python3-venv python3-dev sqlite3 tzdata gcc swig libpcsclite-dev pcscd vsmartcard-vpcd \
	fonts-wqy-microhei poppler-utils poppler-data zbar-tools postgresql-15 \
	xvfb xdotool x11-utils imagemagick chromium chromium-driver

# The tests marked `dates` run again with the clock at the edges of months and years, in Jinan's
# timezone (a month's first and last day, 29 February, 31 December, 1 January; some at hours
# when the UTC date is another day).
# The five runs go at once (each its own process; scripts/test-dates.sh).
DATE_EDGES := 2027-03-01T00:30:00+08:00 2027-04-30T23:30:00+08:00 2028-02-29T12:00:00+08:00 \
	2026-12-31T23:00:00+08:00 2027-01-01T07:00:00+08:00

# `make test` runs the suite on this many workers (pytest-xdist). The tests that use the one
# system pcscd are kept on one worker (the xdist group set in tests/conftest.py); each worker
# starts its own Xvfb, PostgreSQL and headquarters on free ports.
TEST_WORKERS ?= 2

.PHONY: run test test-fast test-dates system venv lint bench clean card-demo

run: venv
	$(BIN)/counterdesk --home "$(CD_HOME)" demo-city --persons $(DEMO_PERSONS) --seed $(DEMO_SEED)

test: venv
	$(BIN)/ruff check .
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadgroup
	@$(MAKE) --no-print-directory test-dates

# The quick lane while working: no test marked slow, none that needs Xvfb, pcscd, PostgreSQL or
# Chromium
# (markers set in tests/conftest.py); 1 min 55 s on 2 idle cores. `make test` runs everything.
test-fast: venv
	$(BIN)/ruff check .
	$(BIN)/pytest -q -m "not slow and not xvfb and not pcsc and not pg and not browser"

test-dates: venv
	@scripts/test-dates.sh $(BIN)/pytest $(DATE_EDGES)

system:
	@scripts/system-packages.sh $(APT_PACKAGES)

venv: $(VENV)/.installed

# Everything (`test` pulls the `office`, `hq` and `pg` extras), at the versions of constraints.txt.
$(VENV)/.installed: setup.cfg pyproject.toml constraints.txt | system
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --only-binary=sqlcipher3 -c constraints.txt -e '.[test]'
	touch $@

lint: venv
	$(BIN)/ruff check .

bench: venv
	$(BIN)/python -m bench.lookup

# The default demo homes only (`demo-city` puts headquarters, the relay and the workstations
# beside the office home); a home chosen with CD_HOME=... is left alone.
clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache .hypothesis .screens
	rm -rf .demo-home .demo-home-hq .demo-home-relay .demo-home-ws*

# Stops the pcscd it started (pcscd is one per machine: one already running is reused and left
# alone) and the emulator, also when a step fails or on Ctrl-C.
card-demo: venv
	@test -e "$(CD_HOME)/register.db" || \
		$(BIN)/counterdesk --home "$(CD_HOME)" demo-city --persons $(DEMO_PERSONS) --no-app
	@pcscd_pid=; emu=; \
	stop() { \
		test -z "$$emu" || { kill -INT $$emu 2>/dev/null; wait $$emu 2>/dev/null; }; \
		test -z "$$pcscd_pid" || { echo "Stopping pcscd"; kill $$pcscd_pid 2>/dev/null; \
			wait $$pcscd_pid 2>/dev/null; }; \
	}; \
	trap 'stop' EXIT; trap 'exit 130' INT TERM; \
	if ! pgrep -x pcscd >/dev/null; then \
		echo "Starting pcscd"; pcscd --foreground >/dev/null 2>&1 & pcscd_pid=$$!; sleep 1; \
	fi; \
	$(BIN)/counterdesk --home "$(CD_HOME)" card emulate --person-from-home & emu=$$!; \
	sleep 1; \
	$(BIN)/counterdesk card read --wait 5 && \
	COUNTERDESK_PASSWORD=demo-2026 $(BIN)/counterdesk --home "$(CD_HOME)" --as clerk01 lookup --from-card --wait 5 | head -20
