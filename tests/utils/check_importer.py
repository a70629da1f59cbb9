# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 meinberg.lantime contributors
"""Run galaxy-importer on the built tarball, offline, as Galaxy does on upload, and fail on any ERROR or WARNING.

Usage: .venv-tools/bin/python tests/utils/check_importer.py build/meinberg-lantime-X.Y.Z.tar.gz

galaxy-importer runs ansible-doc on every plugin and ansible-lint --profile production (with the rules Galaxy
leaves out) on the collection, and logs each finding as a WARNING. It reads its settings from the ini file that
GALAXY_IMPORTER_CONFIG names; a temp one here states Galaxy's defaults (ansible-lint on and offline, the changelog
check on, ansible-test off as it needs containers) so no config elsewhere on the machine changes what is checked.
"""

import os
import re
import subprocess
import sys
import tempfile

BIN = os.path.dirname(os.path.abspath(sys.executable))
# Lines galaxy-importer logs as problems ("WARNING: ...", "ERROR: ..."), and what a crash leaves.
PROBLEM = re.compile(r'^\s*(WARNING|ERROR|CRITICAL)\b|Traceback \(most recent call last\)')
DONE = 'Importer processing completed successfully'

CONFIG = """[galaxy-importer]
log_level_main = INFO
run_ansible_doc = True
run_ansible_lint = True
offline_ansible_lint = True
run_ansible_test = False
check_changelog = True
check_required_tags = False
require_v1_or_greater = False
run_flake8 = False
ansible_local_tmp = {tmp}/ansible-tmp
tmp_root_dir = {tmp}
"""


def main():
    if len(sys.argv) != 2:
        sys.stderr.write('usage: %s build/meinberg-lantime-X.Y.Z.tar.gz\n' % sys.argv[0])
        return 2
    tarball = os.path.abspath(sys.argv[1])
    if not os.path.isfile(tarball):
        sys.stderr.write('no tarball %s (run make build)\n' % sys.argv[1])
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, 'galaxy-importer.cfg')
        with open(config, 'w') as handle:
            handle.write(CONFIG.format(tmp=tmp))
        os.makedirs(os.path.join(tmp, 'ansible-tmp'))
        env = dict(os.environ, GALAXY_IMPORTER_CONFIG=config, PATH=BIN + os.pathsep + os.environ.get('PATH', ''),
                   ANSIBLE_HOME=os.path.join(tmp, 'ansible-home'), NO_COLOR='1')
        for name in list(env):
            # Any GALAXY_IMPORTER_<SETTING> would override the config file; ANSIBLE_CONFIG would bring in the repo's.
            if (name.startswith('GALAXY_IMPORTER_') and name != 'GALAXY_IMPORTER_CONFIG') or name == 'ANSIBLE_CONFIG':
                del env[name]
        # cwd: galaxy-importer writes importer_result.json there.
        result = subprocess.run([sys.executable, '-m', 'galaxy_importer.main', tarball], cwd=tmp, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    sys.stdout.write(result.stdout)
    problems = [line for line in result.stdout.splitlines() if PROBLEM.search(line)]
    if result.returncode:
        problems.append('galaxy-importer exited with %d' % result.returncode)
    if DONE not in result.stdout:
        problems.append('galaxy-importer did not report: %s' % DONE)
    if problems:
        sys.stdout.write('\ngalaxy-importer: %d problem(s):\n' % len(problems))
        sys.stdout.write(''.join('  %s\n' % line for line in problems))
        return 1
    sys.stdout.write('\ngalaxy-importer: %s: no errors, no warnings\n' % os.path.basename(tarball))
    return 0


if __name__ == '__main__':
    sys.exit(main())
