# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench setup chromium packages clean

# Debian packages beside Chromium: LibreOffice Writer makes the letters' PDF from their DOCX;
# poppler reads PDFs back in the tests; PostgreSQL: the casebook tests also run on it (the
# tests start a throwaway server of their own from its binaries); Redis: the shared crawl queue
# (the tests start their own too); nginx: the deployment guide's site file is tested for real.
DEMO_PACKAGES := libreoffice-writer-nogui
TEST_PACKAGES := libreoffice-writer-nogui poppler-utils postgresql redis-server nginx-core

demo: setup chromium
	@$(MAKE) --no-print-directory packages WANT="$(DEMO_PACKAGES)"
	$(BIN)/patroli demo

test: setup chromium
	@$(MAKE) --no-print-directory packages WANT="$(TEST_PACKAGES)"
	$(BIN)/python -m pytest -n 2 --dist loadfile

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

packages:
	@missing=""; for p in $(WANT); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian$$missing..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "missing Debian packages:$$missing (sudo apt-get install -y$$missing); going on without them"; \
	fi

clean:
	rm -rf $(VENV) var .pytest_cache
