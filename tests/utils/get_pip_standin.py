# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Give ansible-test a pip bootstrap script when it cannot download one.

ansible-test bootstraps pip in its virtual environments with a get-pip script it downloads, and first
looks for a cached copy. On a machine without access to that download host, this writes a stand-in
there that runs pip from the wheel bundled with Python's ensurepip. An existing cached copy (a real
one, fetched on a machine with internet access) is never replaced.
"""

import os
import re
import sys

STANDIN = '''\
# Stand-in for get-pip.py written by meinberg.lantime's tests/utils/get_pip_standin.py:
# runs pip from the wheel that ensurepip bundles, with the arguments ansible-test passes.
import glob
import os
import sys

import ensurepip

wheel = sorted(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl")))[-1]
sys.path.insert(0, wheel)
from pip._internal.cli.main import main  # noqa: E402

args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install"] + args))
'''


def pip_version():
    """Return the pip version the installed ansible-test bootstraps."""
    import ansible_test  # pylint: disable=import-outside-toplevel
    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source, encoding='utf-8') as handle:
        match = re.search(r"pip='([0-9.]+)'", handle.read())
    if not match:
        raise SystemExit('cannot find the pip version ansible-test uses in %s' % source)
    return match.group(1)


def main():
    version = pip_version()
    path = os.path.expanduser('~/.ansible/test/cache/get_pip_%s.py' % version.replace('.', '_'))
    if os.path.exists(path):
        return 0
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(STANDIN)
    sys.stdout.write('wrote a pip bootstrap stand-in for ansible-test: %s\n' % path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
