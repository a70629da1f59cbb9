# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""make build's version check (tests/utils/check_build.py) on a copy of the repository.

A released version (a release in changelogs/changelog.yaml) may not label a tarball while changelog fragments wait:
that tarball would carry unreleased changes under the release's name. A development version builds.
"""

import re
import shutil
import subprocess
import sys

import yaml

from conftest import REPO_ROOT


def copy_of_the_repo(tmp_path):
    """The files git tracks and the new ones it does not ignore, as `make test-tree` copies them."""
    listed = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=str(REPO_ROOT),
                            capture_output=True, check=True, timeout=60).stdout.decode('utf-8').split('\0')
    root = tmp_path / 'repo'
    for name in filter(None, listed):
        source = REPO_ROOT / name
        if source.is_file():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(str(source), str(target))
    return root


def set_version(root, version):
    galaxy = root / 'galaxy.yml'
    galaxy.write_text(re.sub(r'(?m)^version: .*$', 'version: %s' % version, galaxy.read_text(encoding='utf-8')),
                      encoding='utf-8')


def build(root, version):
    tarball = root / 'build' / ('meinberg-lantime-%s.tar.gz' % version)
    completed = subprocess.run([sys.executable, str(root / 'tests' / 'utils' / 'check_build.py'), str(tarball)],
                               cwd=str(root), capture_output=True, text=True, check=False, timeout=900)
    return completed, tarball


def released(root):
    return sorted(yaml.safe_load((root / 'changelogs' / 'changelog.yaml').read_text(encoding='utf-8'))['releases'])


def test_a_released_version_with_pending_fragments_is_refused_and_a_dev_version_builds(tmp_path):
    root = copy_of_the_repo(tmp_path)
    last = released(root)[-1]
    fragment = root / 'changelogs' / 'fragments' / 'pending-change.yml'
    fragment.write_text('---\nminor_changes:\n  - rsc - a change not released yet.\n', encoding='utf-8')

    set_version(root, last)
    completed, tarball = build(root, last)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    message = completed.stdout
    assert message.startswith('build refused: galaxy.yml says version %s, which was released' % last), message
    pending = len(list((root / 'changelogs' / 'fragments').glob('*.yml')))
    assert 'changelogs/fragments/ holds %d unreleased change(s)' % pending in message, message
    assert 'galaxy.yml (version)' in message and 'COLLECTION_VERSION' in message
    assert re.search(r'for example \d+\.\d+\.0-dev0', message), message
    assert not tarball.exists() and not (root / 'build').exists()

    set_version(root, '9.9.0-dev0')
    completed, tarball = build(root, '9.9.0-dev0')
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert tarball.is_file() and completed.stdout.splitlines()[-1].endswith('meinberg-lantime-9.9.0-dev0.tar.gz')


def test_a_released_version_without_pending_fragments_passes_the_check(tmp_path):
    root = copy_of_the_repo(tmp_path)
    for fragment in (root / 'changelogs' / 'fragments').glob('*.y*ml'):
        fragment.unlink()
    last = released(root)[-1]
    set_version(root, last)
    # The version check alone, without a whole build: the function make build calls first.
    check = ('import sys; sys.path.insert(0, "tests/utils"); import check_build; '
             'print(check_build.version_problem("."))')
    completed = subprocess.run([sys.executable, '-c', check], cwd=str(root), capture_output=True, text=True,
                               check=False, timeout=60)
    assert completed.returncode == 0 and completed.stdout.strip() == 'None', completed.stdout + completed.stderr
