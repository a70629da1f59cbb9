#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 meinberg.lantime contributors
#
# Builds the antsibull HTML docsite of meinberg.lantime, offline, with Sphinx warnings as errors:
#
#   tests/utils/build_docs.sh TOOLS_BIN DEST      (make docs: .venv-tools/bin build/docsite)
#
# TOOLS_BIN holds antsibull-docs, sphinx-build and ansible-core (antsibull-docs calls ansible,
# ansible-doc and ansible-galaxy from PATH), and myst-parser for the Markdown guides. The collection
# is found through the repo's link tree .collections/ (make links). The result is
# DEST/build/html/index.html: the collection's index page, which links every module, plugin, role
# and guide.
#
# The guides are the Markdown files in docs/ (everything but index.md). antsibull-docs takes extra
# docs only as RST from docs/docsite/rst/, so each guide has a short placeholder there, listed in
# docs/docsite/extra-docs.yml (which make docs-lint checks). After antsibull-docs has written the
# site's RST, this script puts each guide's Markdown in its placeholder's place and Sphinx renders it
# with MyST; links between guides (with #anchors) become links between pages, and links to the
# collection's other files (../plugins/...) go to the repository. It fails when a guide in docs/ is
# not in extra-docs.yml, or an entry there has no guide.
#
# Offline: the generated conf.py gets an empty intersphinx_mapping (its inventories are on the
# internet), so references to the Ansible documentation stay plain text; every other Sphinx warning,
# a reference into this collection's own pages included, is an error.
set -euo pipefail

if [ $# -ne 2 ] || [ -z "$1" ] || [ -z "$2" ]; then
    echo "usage: $0 TOOLS_BIN DEST" >&2
    exit 2
fi
tools_bin=$(cd -- "$1" && pwd)
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p -- "$2"
dest=$(cd -- "$2" && pwd)
case "$dest" in
    / | "$root") echo "$0: refusing to use $dest as the docsite directory" >&2; exit 2 ;;
esac

export PATH="$tools_bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$root/.collections"
# Only the collection under test (no user or system collections), and no config from elsewhere.
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
export ANSIBLE_CONFIG="$root/ansible.cfg"

if [ ! -d "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/meinberg/lantime" ]; then
    echo "$0: $ANSIBLE_COLLECTIONS_PATH/ansible_collections/meinberg/lantime is missing: run make links" >&2
    exit 1
fi
if ! "$tools_bin/python" -c 'import myst_parser' 2>/dev/null; then
    echo "$0: myst-parser is not installed in $tools_bin/..: it must be in tests/requirements-tools.txt" >&2
    exit 1
fi

# --- every guide in docs/ is in the docsite, and every docsite entry has its guide -----------------
guides=()
for md in "$root"/docs/*.md; do
    name=$(basename -- "$md" .md)
    [ "$name" = index ] || guides+=("$name")
done
entries_text=$("$tools_bin/python" - "$root/docs/docsite/extra-docs.yml" <<'EOF'
import sys
import yaml

with open(sys.argv[1], encoding="utf-8") as f:
    index = yaml.safe_load(f)
for section in index.get("sections") or []:
    for entry in section.get("toctree") or []:
        print(entry["ref"] if isinstance(entry, dict) else entry)
EOF
)
mapfile -t entries <<< "$entries_text"
listed() {
    local entry
    for entry in "${entries[@]}"; do
        [ "$entry" = "$1" ] && return 0
    done
    return 1
}
missing=0
for name in "${guides[@]}"; do
    if ! listed "$name" || [ ! -f "$root/docs/docsite/rst/$name.rst" ]; then
        echo "$0: docs/$name.md is not in the docsite: add docs/docsite/rst/$name.rst (a placeholder" \
            "like the others) and an entry '$name' in docs/docsite/extra-docs.yml" >&2
        missing=1
    fi
done
for name in "${entries[@]}"; do
    if [ -n "$name" ] && [ ! -f "$root/docs/$name.md" ]; then
        echo "$0: docs/docsite/extra-docs.yml lists '$name', but docs/$name.md does not exist" >&2
        missing=1
    fi
done
[ "$missing" = 0 ] || exit 1

# --- the Sphinx project antsibull-docs generates --------------------------------------------------
start=$SECONDS
rm -rf -- "$dest"
mkdir -p -- "$dest"
antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error \
    --project meinberg.lantime --copyright 'meinberg.lantime contributors' \
    --title 'meinberg.lantime documentation' \
    --dest-dir "$dest" meinberg.lantime >/dev/null

cat >> "$dest/conf.py" <<'EOF'

# --- added by tests/utils/build_docs.sh -------------------------------------------------------------
# Offline build: intersphinx inventories are on the internet. What they would resolve (references
# to the Ansible documentation, such as common_return_values or ANSIBLE_CACHE_PLUGIN) stays plain
# text instead; a reference into this collection's own pages that does not resolve is still an error.
intersphinx_mapping = {}
nitpick_ignore_regex = [
    ('std:ref', r'(?!ansible_collections\.meinberg\.lantime\.).*'),
    ('std:envvar', r'(?!LANTIME_).*'),
]
# The guides are Markdown (docs/*.md), rendered by MyST.
extensions.append('myst_parser')
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
# Anchors for headings, as GitHub makes them, so that links like rsc.md#the-safety-rules resolve.
myst_heading_anchors = 6
EOF

# --- the collection's RST (what the generated build.sh does first) ----------------------------------
cd -- "$dest"
mkdir -p rst
chmod og-w rst  # antsibull-docs wants that directory only readable by itself
antsibull-docs --config-file antsibull-docs.cfg collection \
    --cleanup everything --use-current --squash-hierarchy --fail-on-error \
    --dest-dir rst meinberg.lantime

# --- the guides' Markdown in place of their placeholders --------------------------------------------
repo_url=$(sed -n 's/^repository: *//p' "$root/galaxy.yml")
repo_url=${repo_url:-https://github.com/meinberg-lantime/meinberg.lantime}
for name in "${guides[@]}"; do
    placeholder="rst/docsite/$name.rst"
    if [ ! -f "$placeholder" ]; then
        echo "$0: antsibull-docs did not write $placeholder" >&2
        exit 1
    fi
    rm -f -- "$placeholder"
    {
        # A code block without a language is plain text, as on GitHub (not the site's YAML+Jinja).
        printf '```{highlight} text\n```\n\n'
        # The placeholder's label, so that :ref: to it still works.
        printf '(ansible_collections.meinberg.lantime.docsite.%s)=\n\n' "${name//-/_}"
        # Links out of docs/ (../plugins/..., ../README.md) point into the repository.
        sed -E "s#\]\(\.\./([^)]*)\)#](${repo_url}/blob/main/\1)#g" -- "$root/docs/$name.md"
    } > "rst/docsite/$name.md"
done

# --- the HTML site (what the generated build.sh does then) -----------------------------------------
sphinx-build -M html rst build -c . -W --keep-going -q

echo "docsite built in $((SECONDS - start)) s: $dest/build/html/index.html"
