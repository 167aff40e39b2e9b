# The single entry point: `make run` serves the site, `make test` runs the suite.
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: setup run test test-fast lint bench messages

$(STAMP): pyproject.toml scripts/setup.sh scripts/apt-packages.txt
	scripts/setup.sh
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	scripts/run.sh

test: $(STAMP)
	scripts/test.sh $(ARGS)

# The unit tests: no browser, no real worker, no PostgreSQL or Redis needed (SQLite in memory).
test-fast: $(STAMP)
	DATABASE_URL=sqlite:// scripts/test.sh -m "not slow and not integration and not browser" $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(VENV)/bin/mypy .
	DEBUG=1 $(VENV)/bin/python manage.py makemigrations --check --dry-run

bench: $(STAMP)
	$(VENV)/bin/python bench/intake.py
	$(VENV)/bin/python bench/asr_eval.py --manifest bench/data/asr-zh/clips.tsv --model "$$($(VENV)/bin/python scripts/whisper_base.py)"

# Refresh the translation catalogue after changing user-facing strings.
messages: $(STAMP)
	DEBUG=1 $(VENV)/bin/python manage.py makemessages -l zh_Hans --no-wrap --no-location --ignore=.venv --ignore=tests --ignore=bench --ignore=var --ignore=test-artifacts
