#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 meinberg.lantime contributors
# Runs each named make target, keeps going after a failure, and ends with one count line.
set -u
passed=0
failed=0
failed_names=()
for target in "$@"; do
    echo "=== make ${target} ==="
    start=$(date +%s)
    if make --no-print-directory "${target}"; then
        passed=$((passed + 1))
        echo "=== make ${target}: passed in $(( $(date +%s) - start ))s ==="
    else
        failed=$((failed + 1))
        failed_names+=("${target}")
        echo "=== make ${target}: FAILED in $(( $(date +%s) - start ))s ==="
    fi
done
if [ "${failed}" -gt 0 ]; then
    echo "failed checks: ${failed_names[*]}"
fi
echo "checks: ${passed} passed, ${failed} failed"
[ "${failed}" -eq 0 ]
