#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
#
# tests/utils/run_events_tests.sh VENV: the rsc_events source through the real ansible-rulebook
# (`make events`). VENV holds tests/requirements-eda.txt; Java comes from java_home.sh.
set -euo pipefail

venv=${1:?usage: run_events_tests.sh VENV}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

JAVA_HOME=$("$repo/tests/utils/java_home.sh")
export JAVA_HOME
export PATH="$venv/bin:$JAVA_HOME/bin:$PATH"
cd "$repo"

rc=0
"$venv/bin/python" -m pytest -p no:cacheprovider -n "${EVENTS_WORKERS:-2}" tests/events || rc=$?
if [ "$rc" -eq 5 ]; then
    echo "run_events_tests.sh: no test ran" >&2
    exit 1
fi
exit "$rc"
