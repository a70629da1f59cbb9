#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 meinberg.lantime contributors
#
# ansible-lint --profile production on what the built tarball holds, laid out as
# ansible_collections/meinberg/lantime/ in a fresh temp dir, without the repo's .ansible-lint:
# that is what Galaxy lints.
#
# Usage: tests/utils/lint_tarball.sh TOOLS_BIN TARBALL
#   TOOLS_BIN  the bin/ of a venv with ansible-lint and ansible-core (make tools: .venv-tools/bin)
#   TARBALL    build/meinberg-lantime-X.Y.Z.tar.gz (make build)
set -euo pipefail

if [ "$#" -ne 2 ]; then
    echo "usage: $0 TOOLS_BIN TARBALL" >&2
    exit 2
fi
tools_bin=$(cd "$1" && pwd)
tarball=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
[ -x "$tools_bin/ansible-lint" ] || { echo "$0: no ansible-lint in $tools_bin (run make tools)" >&2; exit 2; }
[ -f "$tarball" ] || { echo "$0: no tarball $tarball (run make build)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/lint-tarball.XXXXXX")
trap 'rm -rf "$work"' EXIT
collection=$work/ansible_collections/meinberg/lantime
mkdir -p "$collection"
tar -xzf "$tarball" -C "$collection"
if [ -e "$collection/.ansible-lint" ] || [ -e "$collection/.config/ansible-lint.yml" ]; then
    echo "$0: the tarball holds an ansible-lint config; Galaxy would not lint it as this script does" >&2
    exit 1
fi

cd "$collection"
# Only the tools venv on PATH, so ansible-lint finds its own ansible-core; ansible's caches and temp files
# go into the temp dir, and --offline keeps ansible-lint from installing anything.
export PATH="$tools_bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH=$work
export ANSIBLE_LOCAL_TEMP=$work/.ansible-tmp
export ANSIBLE_HOME=$work/.ansible-home
export XDG_CACHE_HOME=$work/.cache
unset ANSIBLE_CONFIG
echo "ansible-lint --profile production in $(basename "$tarball") ($(NO_COLOR=1 "$tools_bin/ansible-lint" --nocolor --version 2>/dev/null | head -n 1))"
"$tools_bin/ansible-lint" --profile production --offline --nocolor
