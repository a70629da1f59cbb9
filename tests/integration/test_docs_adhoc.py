# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""No guide puts a password or token on an ad-hoc `ansible -m ... -a` command line.

ansible-core prints a failed ad-hoc task's arguments (`Origin: <adhoc ...> {'args': {...}}`), so a secret given
with -a lands in the terminal and in CI logs. The guides give it in LANTIME_PASSWORD (or LANTIME_TOKEN) instead.
"""

import re

import pytest

from conftest import REPO_ROOT

# The guides and the module examples: every place a reader copies a command from.
GUIDE_GLOBS = ('README.md', 'docs/**/*.md', 'docs/**/*.rst', 'roles/*/README.md', 'plugins/modules/*.py',
               'extensions/**/*.md', 'playbooks/**/*.md')

# `ansible` as a command (not ansible-playbook, ansible-core, ...), possibly after a path or env assignments.
ADHOC = re.compile(r'(?:^|[\s`/;&|(])ansible(?=\s)(?!-)')
MODULE = re.compile(r'\s(?:-m|--module-name)[\s=]')
# A module argument holding a secret, in key=value or JSON/YAML form. Case-sensitive on purpose: module options
# are lower case, and an environment assignment such as LANTIME_PASSWORD=... in front of the command is the fix.
SECRET = re.compile(r'(?<![\w-])(?:lantime_)?(?:password|token)\s*=|["\'](?:lantime_)?(?:password|token)["\']\s*:')


def logical_lines(text):
    """(first line number, text) of each line, with shell continuations (a trailing backslash) joined."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        start, line = index + 1, lines[index]
        while line.rstrip().endswith('\\') and index + 1 < len(lines):
            index += 1
            line = line.rstrip()[:-1] + ' ' + lines[index].strip()
        yield start, line
        index += 1


def adhoc_commands(text):
    """(line number, text) of each ad-hoc command in a guide."""
    return [(number, line) for number, line in logical_lines(text) if ADHOC.search(line) and MODULE.search(line)]


def secret_adhoc_lines(text):
    return [(number, line.strip()) for number, line in adhoc_commands(text) if SECRET.search(line)]


def guides():
    found = set()
    for pattern in GUIDE_GLOBS:
        found.update(path for path in REPO_ROOT.glob(pattern) if path.is_file())
    return sorted(found)


@pytest.mark.parametrize('line', [
    'ansible localhost -m meinberg.lantime.rsc_info -a "host=ims1 username=monitor password=pw"',
    '.venv/bin/ansible -i inv ims1_rsc -m meinberg.lantime.rsc -a \'token={{ t }} switch_mode=auto\'',
    'ansible all --module-name meinberg.lantime.slot_info --args \'{"host": "ims1", "password": "x"}\'',
    'or in one line: `ansible localhost -m meinberg.lantime.api_check -a "host=ims1 lantime_password=x"`.',
    'ansible localhost -m meinberg.lantime.rsc_info \\\n  -a "host=ims1 username=monitor password=pw"',
])
def test_the_check_finds_a_secret_on_an_adhoc_line(line):
    assert secret_adhoc_lines(line), line


@pytest.mark.parametrize('line', [
    'LANTIME_PASSWORD=pw ansible localhost -m meinberg.lantime.rsc_info -a "host=ims1 username=monitor"',
    'ansible-playbook -i inv play.yml -e lantime_password=x',       # not ad-hoc (and no -m)
    'password: "{{ vault_lantime_password }}"',                      # a task in a playbook
    'ansible-inventory -i demo.ims.yml --graph',
])
def test_the_check_leaves_other_lines_alone(line):
    assert not secret_adhoc_lines(line), line


def test_no_guide_puts_a_secret_on_an_adhoc_command_line():
    files = guides()
    assert REPO_ROOT / 'README.md' in files and REPO_ROOT / 'docs' / 'rsc.md' in files
    commands = 0
    offending = []
    for path in files:
        text = path.read_text(encoding='utf-8')
        commands += len(adhoc_commands(text))
        offending.extend('%s:%d: %s' % (path.relative_to(REPO_ROOT), number, line)
                         for number, line in secret_adhoc_lines(text))
    assert commands >= 3, 'the check found (almost) no ad-hoc commands; is it still looking at the guides?'
    assert not offending, ('ansible-core prints a failed ad-hoc task\'s arguments: give the password or token in '
                           'LANTIME_PASSWORD / LANTIME_TOKEN, not with -a:\n' + '\n'.join(offending))
