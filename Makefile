# make install | lint | test | demo | bench | data | clean   (clean keeps .venv, data/ and work_dirs/)
#
# Everything runs in ./.venv (created by `make install`). To use the active Python
# environment instead:  MMKD_USE_ACTIVE_ENV=1 make test
export MMKD_USE_ACTIVE_ENV

ifeq ($(MMKD_USE_ACTIVE_ENV),1)
PY := python
else
PY := .venv/bin/python
endif

.PHONY: install lint test demo bench data clean

install:
	bash tools/install.sh

# ruff with ruff.toml's rules (pycodestyle, pyflakes, import order) over the whole tree.
lint: install
	$(PY) -m ruff check .

test: install lint
	$(PY) -m pytest tests -q

demo: install
	$(PY) tools/demo.py

# Runs every tools/benchmarks/*.py with its defaults (each prints its own table).
bench: install
	@set -e; found=0; \
	for script in tools/benchmarks/*.py; do \
		[ -f "$$script" ] || continue; found=1; \
		echo "== $$script"; $(PY) "$$script"; \
	done; \
	if [ $$found = 0 ]; then echo "no benchmarks yet"; fi

data: install
	$(PY) tools/prepare_data.py all

clean:
	rm -rf build dist .pytest_cache
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
