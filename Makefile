PYTHON ?= python3.11
VENV = .venv
BIN = $(VENV)/bin

.PHONY: venv run test lint format clean bench

# The stamp file makes `venv` reinstall only when pyproject.toml changes.
venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

# The demo's keys: made once, kept beside its data (a real clinic keeps them in a secret store).
var/secrets.env: | venv
	mkdir -p var
	umask 077 && $(BIN)/casework keys generate > $@

# The sealer signs checkpoints every 5 s beside the API; only it is given the signing key.
run: venv var/secrets.env
	. ./var/secrets.env && $(BIN)/casework db upgrade
	. ./var/secrets.env && $(BIN)/casework demo
	rm -rf var/metrics && mkdir -p var/metrics var/checkpoints
	. ./var/secrets.env && export CASEWORK_CHECKPOINT_DIR=var/checkpoints && \
		{ $(BIN)/casework integrity seal --every 5 > /dev/null & } && \
		PROMETHEUS_MULTIPROC_DIR=var/metrics exec env -u CASEWORK_SIGNING_KEY \
		$(BIN)/gunicorn -c gunicorn.conf.py 'api:create_app()'

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy casework projections api web bench

test: lint
	mkdir -p var
	$(BIN)/pytest --junitxml=var/test-report.xml

# Casework beside its ceilings, on the machine's PostgreSQL (BENCH_SERVER_URL), at BENCH_SIZES journeys.
bench: venv
	mkdir -p var
	$(BIN)/python -m bench.run

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Never touches var/*.sqlite nor var/secrets.env: the demo clinic's data and its keys.
clean:
	rm -f var/test-report.xml
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
