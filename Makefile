# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
#
# meinberg.lantime: `make demo` and `make test` set up everything they need on a fresh machine.
# Each check is a target of its own; `make test` runs them all on the newest ansible-core and
# `make matrix` runs sanity and units on the older ones (2.16 to 2.20) and integration on the oldest (CI runs both).

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The newest Python of a minor version: pyenv's first (these machines keep them there), then PATH.
find_python = $(shell p=$$(ls -d $$HOME/.pyenv/versions/$(1).*/bin/python3 2>/dev/null | sort -V | tail -n 1); \
	[ -n "$$p" ] && echo "$$p" || command -v python$(1))

# ansible-core 2.21 needs Python 3.12 or later.
PYTHON ?= $(or $(call find_python,3.13),$(call find_python,3.12))
PYTHON_2.20 ?= $(or $(call find_python,3.12),$(call find_python,3.13))
PYTHON_2.19 ?= $(call find_python,3.11)
# 2.18 runs on Python 3.11 to 3.13, 2.16 and 2.17 on 3.10 to 3.12; 2.16 on 3.11 as in AAP's supported execution
# environments, 2.17 on 3.10, the oldest Python a supported core runs the controller on.
PYTHON_2.18 ?= $(or $(call find_python,3.12),$(call find_python,3.11))
PYTHON_2.17 ?= $(call find_python,3.10)
PYTHON_2.16 ?= $(call find_python,3.11)

VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
TOOLS_BIN := $(CURDIR)/.venv-tools/bin
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := build/meinberg-lantime-$(VERSION).tar.gz
COLLECTION_LINK := .collections/ansible_collections/meinberg/lantime
# ansible-test insists on running inside .../ansible_collections/<namespace>/<name>.
TEST_TREE := build/ansible-test/ansible_collections/meinberg/lantime
PYTEST_WORKERS ?= 2

# Everything `make test` runs, in order; each is a target of its own.
CHECKS := sanity units integration integration-module-path events installed doctest lint build tarball-lint importer docs-lint \
	reuse changelog docs
# The older ansible-core versions CI also runs (the newest is in CHECKS).
MATRIX := sanity-2.20 units-2.20 sanity-2.19 units-2.19 integration-2.19 \
	sanity-2.18 units-2.18 sanity-2.17 units-2.17 sanity-2.16 units-2.16 integration-2.16

.PHONY: help setup venv tools links test-tree test matrix demo bench clean \
	sanity units integration integration-module-path events installed doctest lint build tarball-lint importer docs-lint reuse changelog docs \
	sanity-2.20 units-2.20 sanity-2.19 units-2.19 integration-2.19 \
	sanity-2.18 units-2.18 sanity-2.17 units-2.17 sanity-2.16 units-2.16 integration-2.16

help:
	@echo "make demo    - set up, start the device simulator, run the demo playbooks against it"
	@echo "make test    - set up and run every check: $(CHECKS)"
	@echo "make matrix  - sanity and units on ansible-core 2.20, 2.19, 2.18, 2.17 and 2.16, integration on 2.19 and 2.16"
	@echo "parts: $(CHECKS) $(MATRIX) bench clean"

# --- virtual environments, each from pinned requirements ------------------------------------------

# $(1) venv dir, $(2) python, $(3) requirements file, $(4) what needs it
define make_venv
	@test -n "$(2)" || { echo "$(4): Python not found; set the PYTHON variables at the top of the Makefile"; exit 1; }
	@test -x $(1)/bin/python || $(2) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --disable-pip-version-check -r $(3)
	@touch $(1)/.installed
endef

$(VENV)/.installed: tests/requirements.txt
	$(call make_venv,$(VENV),$(PYTHON),$<,ansible-core 2.21 needs Python 3.12 or later)

.venv-2.20/.installed: tests/requirements-2.20.txt
	$(call make_venv,.venv-2.20,$(PYTHON_2.20),$<,ansible-core 2.20 needs Python 3.12 or later)

.venv-2.19/.installed: tests/requirements-2.19.txt
	$(call make_venv,.venv-2.19,$(PYTHON_2.19),$<,ansible-core 2.19 is tested on Python 3.11)

.venv-2.18/.installed: tests/requirements-2.18.txt
	$(call make_venv,.venv-2.18,$(PYTHON_2.18),$<,ansible-core 2.18 is tested on Python 3.12)

.venv-2.17/.installed: tests/requirements-2.17.txt
	$(call make_venv,.venv-2.17,$(PYTHON_2.17),$<,ansible-core 2.17 is tested on Python 3.10)

.venv-2.16/.installed: tests/requirements-2.16.txt
	$(call make_venv,.venv-2.16,$(PYTHON_2.16),$<,ansible-core 2.16 is tested on Python 3.11)

.venv-eda/.installed: tests/requirements-eda.txt
	$(call make_venv,.venv-eda,$(PYTHON),$<,ansible-rulebook needs Python 3.12 or later)

.venv-tools/.installed: tests/requirements-tools.txt
	$(call make_venv,.venv-tools,$(PYTHON),$<,the gate tools need Python 3.12 or later)

venv: $(VENV)/.installed
tools: .venv-tools/.installed

# A link tree that ansible.cfg's collections_path points at, so ansible-doc, ansible-playbook and
# ansible-inventory find meinberg.lantime.* from the repo root with no extra environment.
links:
	@mkdir -p $(dir $(COLLECTION_LINK))
	@test -L $(COLLECTION_LINK) || ln -s ../../.. $(COLLECTION_LINK)

setup: venv links
	@$(VENV)/bin/python tests/utils/get_pip_standin.py

# A copy of the files git tracks (and new ones it does not ignore), where ansible-test wants them.
test-tree: links
	@rm -rf $(TEST_TREE) && mkdir -p $(TEST_TREE)
	@git ls-files -co --exclude-standard -z | xargs -0 -I{} cp --parents {} $(TEST_TREE)/ 2>/dev/null; true
	@cd $(TEST_TREE) && git init -q && git add -A

# --- ansible-test and pytest, per ansible-core version ----------------------------------------------

# $(1) venv dir; runs ansible-test $(2) with that venv's Python
define ansible_test
	@$(1)/bin/python tests/utils/get_pip_standin.py
	cd $(TEST_TREE) && $(CURDIR)/$(1)/bin/ansible-test $(2) --venv --color no \
		--python $$($(CURDIR)/$(1)/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
endef

sanity: setup test-tree
	$(call ansible_test,$(VENV),sanity)
units: setup test-tree
	$(call ansible_test,$(VENV),units)
integration: setup
	$(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) tests/integration tests/hostile

# The same module tests over a connection that is not local, so the modules run in a module process of their own
# (the path of a task delegated to another host) instead of in the controller's process.
MODULE_PATH_TESTS := test_rsc_info.py test_rsc.py test_slot_info.py test_api_check.py test_faults.py test_secrets.py test_hostile.py \
	test_rsc_result.py test_write_style.py test_write_trace.py test_staged.py test_messages.py
integration-module-path: setup
	LANTIME_TEST_MODULE_PATH=1 $(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) \
		$(addprefix tests/integration/,$(MODULE_PATH_TESTS))

# sanity-<v>, units-<v> and integration-<v> for each older ansible-core <v>, each from its own venv. Before 2.19
# there is no data tagging; plugins/plugin_utils/compat.py bridges the differences.
define core_targets
sanity-$(1): .venv-$(1)/.installed test-tree
	$$(call ansible_test,.venv-$(1),sanity)
units-$(1): .venv-$(1)/.installed test-tree
	$$(call ansible_test,.venv-$(1),units)
integration-$(1): .venv-$(1)/.installed links
	.venv-$(1)/bin/pytest -p no:cacheprovider -n $$(PYTEST_WORKERS) tests/integration tests/hostile
endef
$(foreach v,2.20 2.19 2.18 2.17 2.16,$(eval $(call core_targets,$(v))))

# The Event-Driven Ansible source through the real ansible-rulebook (it needs a Java 17 runtime,
# which tests/utils/java_home.sh finds or installs).
events: setup .venv-eda/.installed
	tests/utils/run_events_tests.sh $(CURDIR)/.venv-eda

# The collection as users install and run it (tests/installed): built and installed from its tarball into a project
# of their own, run through ansible-playbook, ansible, ansible-inventory and ansible-runner, then a shipped rulebook
# through ansible-rulebook (with .venv-eda's Python and a Java 17 runtime).
installed: setup .venv-eda/.installed
	$(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) tests/installed --ignore=tests/installed/test_eda.py
	JAVA_HOME=$$(tests/utils/java_home.sh) .venv-eda/bin/python -m pytest -p no:cacheprovider -n $(PYTEST_WORKERS) \
		tests/installed/test_eda.py

# Every fenced shell and YAML block of README.md and docs/*.md, run against the simulator in a project directory
# of its own per page, or skipped by a marker that says why (tests/doctest/run_docs.py has the rules).
doctest: setup
	$(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) --dist loadscope tests/doctest

matrix:
	@tests/utils/run_checks.sh $(MATRIX)

# --- lint, build and the gates Galaxy and the docsite run --------------------------------------------

lint: setup
	$(BIN)/ansible-lint --profile production

# Leaves $(TARBALL), installs it outside the repo and checks what it holds.
build: setup
	$(BIN)/python tests/utils/check_build.py $(TARBALL)

# ansible-lint production on the tarball's contents, without the repo's .ansible-lint (as Galaxy does).
tarball-lint: tools build
	tests/utils/lint_tarball.sh $(TOOLS_BIN) $(TARBALL)

# galaxy-importer on the built tarball; any warning fails.
importer: tools build
	$(TOOLS_BIN)/python tests/utils/check_importer.py $(TARBALL)

docs-lint: tools links
	cd $(COLLECTION_LINK) && PATH=$(TOOLS_BIN):$$PATH $(TOOLS_BIN)/antsibull-docs lint-collection-docs --plugin-docs .

reuse: tools
	$(TOOLS_BIN)/reuse lint

changelog: setup
	$(BIN)/antsibull-changelog lint

# The antsibull HTML docsite, offline, warnings as errors: build/docsite/build/html/index.html.
docs: tools links
	tests/utils/build_docs.sh $(TOOLS_BIN) build/docsite

# --- the two README commands ---------------------------------------------------------------------

test: setup
	@tests/utils/run_checks.sh $(CHECKS)

demo: setup
	$(BIN)/python tests/utils/demo.py

bench: setup .venv-eda/.installed
	$(BIN)/python tests/bench/run.py
	.venv-eda/bin/python tests/bench/events_bench.py

clean:
	rm -rf build .collections tests/output
