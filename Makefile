# e-Urząd: `make run` brings the platform up locally, `make test` runs every test from nothing.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
EMU_VENV := .local/ministack-venv
BIN := $(VENV)/bin
TEST_PORT ?= 4599
export AWS_ACCESS_KEY_ID ?= test
export AWS_SECRET_ACCESS_KEY ?= test
export AWS_DEFAULT_REGION ?= eu-central-1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run test lint unit bench bench-cases bench-costs fuzz clean system-packages

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@echo "instaluję zależności aplikacji i narzędzia do $(VENV) (pierwszy raz: kilka minut)…"
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

$(EMU_VENV)/.installed: requirements-emulator.txt
	@echo "instaluję emulator AWS (ministack) do $(EMU_VENV)…"
	$(PY) -m venv $(EMU_VENV)
	$(EMU_VENV)/bin/pip install -q -r requirements-emulator.txt
	touch $@

# Debian's xmlsec1: the tests check the office's sealed documents with an independent verifier.
# Debian's chromium: the browser tests drive the web portal in it (Playwright).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-packages:
	@command -v xmlsec1 >/dev/null || { echo "instaluję xmlsec1 (apt)…"; $(SUDO) apt-get install -y -q xmlsec1 >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q xmlsec1 >/dev/null; }; }
	@command -v chromium >/dev/null || { $(SUDO) apt-get install -y -q chromium >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q chromium >/dev/null; }; }

install: $(BIN)/.installed $(EMU_VENV)/.installed system-packages

run: install
	$(BIN)/python -m infrastructure.local_run

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

unit: install
	$(BIN)/pytest tests/unit -q

# A private emulator on its own port, fresh state, stopped and removed afterwards (even on failure).
test: install lint
	$(BIN)/python -m infrastructure.emulator exec --port $(TEST_PORT) --state .local/test-emulator -- \
		$(BIN)/pytest

# The deployed API fuzzed from its own OpenAPI document, longer than in `make test` (about 4x the requests).
FUZZ_PORT ?= 4598
FUZZ_EXAMPLES ?= 25
fuzz: install
	EURZAD_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m infrastructure.emulator exec \
		--port $(FUZZ_PORT) --state .local/test-fuzz-emulator -- $(BIN)/pytest tests/e2e/test_fuzz.py -q -s

BENCH_PAYMENTS_PORT ?= 4634
BENCH_APPOINTMENTS_PORT ?= 4635
bench: install
	$(BIN)/python bench/cold_start.py
	$(BIN)/python bench/signatures.py
	$(BIN)/python bench/submissions.py
	$(BIN)/python -m infrastructure.emulator exec --port $(BENCH_PAYMENTS_PORT) --state .local/bench-payments-emulator -- \
		$(BIN)/python bench/payments.py
	$(BIN)/python -m infrastructure.emulator exec --port $(BENCH_APPOINTMENTS_PORT) --state .local/bench-appointments-emulator -- \
		$(BIN)/python bench/appointments.py
	$(BIN)/python bench/letters.py

# The cases' benches, apart: writing 100,000 cases for the overdue sweep takes minutes.
BENCH_CASES_PORT ?= 4633
bench-cases: install
	$(BIN)/python -m infrastructure.emulator exec --port $(BENCH_CASES_PORT) --state .local/bench-cases-emulator -- \
		$(BIN)/python bench/case_transitions.py
	$(BIN)/python bench/overdue_sweep.py --port $(BENCH_CASES_PORT)

# The costs report over a generated region of 314 JSTs (a month of metering rows each: writing them takes minutes).
BENCH_COSTS_PORT ?= 4677
bench-costs: install
	$(BIN)/python -m infrastructure.emulator exec --port $(BENCH_COSTS_PORT) --state .local/bench-costs-emulator -- \
		$(BIN)/python bench/costs.py

clean:
	rm -rf $(VENV) .local .pytest_cache .mypy_cache .ruff_cache build
