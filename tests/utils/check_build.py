# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Build the collection tarball, install it, and check it holds only what a user needs.

Usage: check_build.py build/meinberg-lantime-X.Y.Z.tar.gz

Builds into the tarball's directory (ansible-galaxy collection build --output-path DIR --force), leaves the
tarball there, installs it outside the repo, and prints the tarball's path last.

Refuses, before building, to label a tarball with a version that was already released (a key of releases in
changelogs/changelog.yaml) while changelog fragments wait in changelogs/fragments/: such a tarball would hold
changes the release did not, under the release's name (see docs/releasing.md).
"""

import glob
import os
import re
import subprocess
import sys
import tarfile
import tempfile

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)

# Top-level entries a user needs; anything else in the tarball is junk. tests/simulator ships on purpose:
# users run their own playbook CI against it. extensions/ holds the Event-Driven Ansible content.
# LICENSES/ and REUSE.toml ship so the tarball itself is REUSE-compliant.
ALLOWED_TOP = {'MANIFEST.json', 'FILES.json', 'README.md', 'LICENSE', 'LICENSES', 'REUSE.toml', 'galaxy.yml', 'meta',
               'plugins', 'roles', 'playbooks', 'extensions', 'docs', 'changelogs', 'tests', 'CHANGELOG.md', 'CHANGELOG.rst'}
NEEDED = ('meta/runtime.yml', 'LICENSE', 'LICENSES/GPL-3.0-or-later.txt', 'README.md', 'CHANGELOG.md', 'CHANGELOG.rst',
          'changelogs/changelog.yaml')
JUNK_MARKERS = ('__pycache__', '.pyc', '.venv', '.collections', 'tests/output', '.tar.gz', '.git/', '.pytest_cache',
                'tests/integration', 'tests/unit', 'tests/bench', 'tests/utils', 'tests/events', 'tests/hostile', 'tests/doctest', 'tests/installed', 'build/',
                '.plugin-cache.yaml')


def galaxy_version(repo):
    with open(os.path.join(repo, 'galaxy.yml'), encoding='utf-8') as handle:
        return str(yaml.safe_load(handle)['version'])


def released_versions(repo):
    path = os.path.join(repo, 'changelogs', 'changelog.yaml')
    if not os.path.isfile(path):
        return set()
    with open(path, encoding='utf-8') as handle:
        return set(str(version) for version in (yaml.safe_load(handle) or {}).get('releases') or {})


def pending_fragments(repo):
    directory = os.path.join(repo, 'changelogs', 'fragments')
    if not os.path.isdir(directory):
        return []
    return sorted(name for name in os.listdir(directory) if name.endswith(('.yml', '.yaml')))


def next_dev_version(version):
    """0.2.0 -> 0.3.0-dev0: the next minor version, as a prerelease."""
    match = re.match(r'^(\d+)\.(\d+)\.\d+$', version)
    return '%s.%d.0-dev0' % (match.group(1), int(match.group(2)) + 1) if match else 'X.Y.Z-dev0'


def version_problem(repo):
    """Why the version in galaxy.yml must not label a tarball now, or None."""
    version = galaxy_version(repo)
    fragments = pending_fragments(repo)
    if version not in released_versions(repo) or not fragments:
        return None
    return ('galaxy.yml says version %s, which was released (changelogs/changelog.yaml), but changelogs/fragments/ '
            'holds %d unreleased change(s) (%s): a tarball labelled %s would not be the %s that was released. Set the '
            'next version, for example %s, in galaxy.yml (version) and plugins/module_utils/client.py '
            '(COLLECTION_VERSION), or make the release first (docs/releasing.md).'
            % (version, len(fragments), ', '.join(fragments[:5]) + (', ...' if len(fragments) > 5 else ''), version,
               version, next_dev_version(version)))


def run(*cmd, cwd=None, env=None):
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit('failed: %s' % ' '.join(cmd))
    return result.stdout


def main():
    if len(sys.argv) != 2 or not sys.argv[1].endswith('.tar.gz'):
        sys.stderr.write('usage: %s build/meinberg-lantime-X.Y.Z.tar.gz\n' % sys.argv[0])
        return 2
    problem = version_problem(REPO)
    if problem:
        sys.stdout.write('build refused: %s\n' % problem)
        return 1
    wanted = os.path.abspath(sys.argv[1])
    output_dir = os.path.dirname(wanted)
    os.makedirs(output_dir, exist_ok=True)
    if os.path.exists(wanted):
        os.remove(wanted)  # so a stale tarball never passes for a fresh one
    with tempfile.TemporaryDirectory() as tmp:
        # Outside the repo, so the repo's ansible.cfg (which points at the source tree) plays no part.
        install_dir = os.path.join(tmp, 'installed')
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=install_dir)
        env.pop('ANSIBLE_CONFIG', None)
        built = run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', output_dir, '--force',
                    REPO, cwd=tmp, env=env)
        if not os.path.isfile(wanted):
            sys.stdout.write(built)
            sys.stdout.write('build did not leave %s (is the version in galaxy.yml the one asked for?)\n' % sys.argv[1])
            return 1
        tarball = wanted
        with tarfile.open(tarball) as tar:
            names = tar.getnames()
        problems = ['unexpected top-level entry: %s' % name for name in names if name.split('/')[0] not in ALLOWED_TOP]
        problems += ['junk in tarball: %s' % name for name in names if any(marker in name + '/' for marker in JUNK_MARKERS)]
        for needed in NEEDED:
            if needed not in names:
                problems.append('missing from tarball: %s' % needed)
        run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', tarball, '-p', install_dir, cwd=tmp, env=env)
        listed = run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'list', '-p', install_dir, cwd=tmp, env=env)
        if 'meinberg.lantime' not in listed:
            problems.append('installed collection is not listed by ansible-galaxy collection list')
        modules = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(REPO, 'plugins', 'modules', '*.py')))
        for module in modules:
            doc = subprocess.run([os.path.join(BIN, 'ansible-doc'), 'meinberg.lantime.%s' % module], env=env, cwd=tmp,
                                 capture_output=True, text=True, check=False)
            if doc.returncode or 'EXAMPLES' not in doc.stdout:
                problems.append('ansible-doc cannot render the installed module %s: %s' % (module, doc.stderr.strip()[-300:]))
        size = os.path.getsize(tarball)
    for problem in problems:
        sys.stdout.write(problem + '\n')
    sys.stdout.write('build: %s, %d files, %d bytes, %d modules checked with ansible-doc\n'
                     % (os.path.basename(tarball), len(names), size, len(modules)))
    if problems:
        return 1
    inside = tarball.startswith(os.getcwd() + os.sep)
    sys.stdout.write('%s\n' % (os.path.relpath(tarball) if inside else tarball))
    return 0


if __name__ == '__main__':
    sys.exit(main())
