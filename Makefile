# Two commands set everything up on a fresh machine: `make play` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: play test sim bench lint clean

# The first run installs everything into .venv (about a minute); pip's own lines show progress.
$(STAMP): pyproject.toml
	@echo "make: setting up $(VENV): installing kelly-game and its dependencies (numpy, pandas,"
	@echo "make: matplotlib, pygame-ce, ...); the first time takes about a minute."
	@test -x $(PY) || { echo "make: [1/3] creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "make: [2/3] updating pip"
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@echo "make: [3/3] installing kelly-game with the dev extras (pip -e '.[dev]')"
	@$(PY) -m pip install --disable-pip-version-check --progress-bar on -e '.[dev]'
	@touch $(STAMP)
	@echo "make: $(VENV) is ready"

play: $(STAMP)
	$(VENV)/bin/kelly play

# One pytest worker per CPU core (pytest-xdist); `make test TEST_WORKERS=0` runs in one process.
# worksteal: each worker starts on its own half of the tests (a module's fixtures are mostly built
# once) and an idle worker takes tests from the busy one (a few tests run for 10-20 s).
TEST_WORKERS ?= auto

test: $(STAMP)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy MPLBACKEND=Agg \
		$(PY) -m pytest -q -n $(TEST_WORKERS) --dist worksteal

sim: $(STAMP)
	$(VENV)/bin/kelly report --out report

bench: $(STAMP)
	$(PY) benchmarks/engine.py
	$(PY) benchmarks/adaptive.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) report .pytest_cache .ruff_cache
