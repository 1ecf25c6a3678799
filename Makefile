# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench setup chromium clean

demo: setup chromium
	$(BIN)/patroli demo

test: setup chromium
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup chromium
	$(BIN)/python -m benchmarks

setup: $(BIN)/.installed

# constraints.txt pins every package to the versions the suite last passed with.
$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

# Browser downloads are not possible here: Patroli drives Debian's chromium.
chromium:
	@if command -v chromium >/dev/null 2>&1 || [ -n "$$PATROLI_CHROMIUM" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian chromium..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "chromium is missing: run 'sudo apt-get install -y chromium' or set PATROLI_CHROMIUM"; exit 1; \
	fi

clean:
	rm -rf $(VENV) var .pytest_cache
