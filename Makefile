# meinberg.lantime: `make demo` and `make test` set up everything they need on a fresh machine.
# Each part is a target of its own: venv, sanity, units, integration, lint, build, changelog, compat, bench.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# ansible-core 2.21 needs Python 3.12 or later; these machines keep it under pyenv.
PYTHON ?= $(shell for v in 3.13 3.12; do \
	p=$$(ls -d $$HOME/.pyenv/versions/$$v.*/bin/python3 2>/dev/null | sort -V | tail -n 1); \
	[ -n "$$p" ] && { echo "$$p"; exit; }; command -v python$$v && exit; done)
# The oldest ansible-core claimed in meta/runtime.yml (2.19) runs on Python 3.11.
COMPAT_PYTHON ?= $(shell p=$$(ls -d $$HOME/.pyenv/versions/3.11.*/bin/python3 2>/dev/null | sort -V | tail -n 1); \
	[ -n "$$p" ] && echo "$$p" || command -v python3.11)

VENV := .venv
COMPAT_VENV := .venv-compat
BIN := $(CURDIR)/$(VENV)/bin
COLLECTION_LINK := .collections/ansible_collections/meinberg/lantime
# ansible-test insists on running inside .../ansible_collections/<namespace>/<name>.
TEST_TREE := build/ansible-test/ansible_collections/meinberg/lantime
PYTEST_WORKERS ?= 2

.PHONY: help setup venv links test-tree sanity units integration lint build changelog test demo compat bench clean

help:
	@echo "make demo   - set up, start the device simulator, run the demo playbooks against it"
	@echo "make test   - set up and run every check (sanity, units, integration, lint, build, changelog)"
	@echo "parts: venv sanity units integration lint build changelog compat bench clean"

$(VENV)/.installed: tests/requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or later is needed for ansible-core 2.21; set PYTHON=/path/to/python3.12+"; exit 1; }
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	@touch $@

venv: $(VENV)/.installed

# A link tree that ansible.cfg's collections_path points at, so ansible-doc, ansible-playbook and
# ansible-inventory find meinberg.lantime.* from the repo root with no extra environment.
links:
	@mkdir -p $(dir $(COLLECTION_LINK))
	@test -L $(COLLECTION_LINK) || ln -s ../../.. $(COLLECTION_LINK)

setup: venv links
	@$(VENV)/bin/python tests/utils/get_pip_standin.py

# A copy of the files git tracks (and new ones it does not ignore), where ansible-test wants them.
test-tree: setup
	@rm -rf $(TEST_TREE) && mkdir -p $(TEST_TREE)
	@git ls-files -co --exclude-standard -z | xargs -0 -I{} cp --parents {} $(TEST_TREE)/ 2>/dev/null; true
	@cd $(TEST_TREE) && git init -q && git add -A

sanity: test-tree
	cd $(TEST_TREE) && $(BIN)/ansible-test sanity --venv --python $$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])') --color no

units: test-tree
	cd $(TEST_TREE) && $(BIN)/ansible-test units --venv --python $$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])') --color no

integration: setup
	$(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) tests/integration

lint: setup
	$(BIN)/ansible-lint --profile production

build: setup
	$(BIN)/python tests/utils/check_build.py

changelog: setup
	$(BIN)/antsibull-changelog lint

test: setup
	@tests/utils/run_checks.sh sanity units integration lint build changelog

$(COMPAT_VENV)/.installed: tests/requirements-compat.txt
	@test -n "$(COMPAT_PYTHON)" || { echo "Python 3.11 not found; set COMPAT_PYTHON"; exit 1; }
	@test -x $(COMPAT_VENV)/bin/python || $(COMPAT_PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-compat.txt
	@touch $@

# Units and integration on the oldest claimed ansible-core (2.19, Python 3.11).
compat: $(COMPAT_VENV)/.installed test-tree
	@$(COMPAT_VENV)/bin/python tests/utils/get_pip_standin.py
	cd $(TEST_TREE) && $(CURDIR)/$(COMPAT_VENV)/bin/ansible-test units --venv --python 3.11 --color no
	$(COMPAT_VENV)/bin/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) tests/integration

demo: setup
	$(BIN)/python tests/utils/demo.py

bench: setup
	$(BIN)/python tests/bench/run.py

clean:
	rm -rf build .collections tests/output
