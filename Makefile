# One command for each habit; CI runs `make test` (.ci/run).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL := 3
export RASA_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run cluster test lint train validate eval bench faults soak bench-scale clean

install: $(STAMP)

# rasa 3.6.21 declares Requires-Python <3.11 but runs on 3.11 (docs/INSTALL.md):
# the lock is complete, so pip installs it without resolving.
$(STAMP): requirements.lock requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-deps --ignore-requires-python -r requirements.lock -r requirements-dev.lock
	touch $(STAMP)

run: install
	$(PY) scripts/run.py

# 3 Rasa replicas, 2 action servers, 2 job processes behind HAProxy (bot/cluster.py)
cluster: install
	$(PY) scripts/cluster.py --rasa 3 --actions 2 --jobs 2

test: install
	$(PY) scripts/test_prereqs.py
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check bot actions scripts tests devtools

validate: install
	$(VENV)/bin/rasa data validate --fail-on-warnings

train: install
	$(PY) -c "from bot.stack import train_if_needed; train_if_needed()"

eval: train
	$(PY) scripts/evaluate.py --model models/rapport.tar.gz --min-f1 0.90
	$(PY) scripts/eval_language.py
	$(PY) scripts/eval_openers.py
	$(PY) scripts/eval_feedback.py --model models/rapport.tar.gz

bench: install
	$(PY) scripts/bench.py

# Not CI (issue 14): faults under load reconciled, a soak at half capacity, replica scaling
faults: install
	$(PY) scripts/bench_faults.py

soak: install
	$(PY) scripts/soak.py

bench-scale: install
	$(PY) scripts/bench_scale.py

clean:
	rm -rf .var models .rasa .pytest_cache
