# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Run the real ansible-playbook from the test's own virtual environment and collect every task result."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CALLBACK_DIR = Path(__file__).resolve().parent / 'callback'


def _core_before_2_19():
    from ansible.module_utils.ansible_release import __version__  # pylint: disable=import-outside-toplevel
    return tuple(int(part) for part in __version__.split('.')[:2]) < (2, 19)


# The CLIs of ansible-core 2.16 to 2.18 differ from the newer ones in what they print, not in what the collection
# does: they wrap each warning at 79 columns without indenting the lines after the first, ansible-inventory has no
# --flush-cache and its --list does not name its output format.
CORE_BEFORE_2_19 = _core_before_2_19()
WRAPS_WARNINGS = CORE_BEFORE_2_19


def unwrap_warnings(text):
    """The CLI's output with each warning on one line again where the core wrapped it, so that the tests find a
    message whole on every core (2.19 and later print a warning's own line breaks as indented lines)."""
    if not WRAPS_WARNINGS or not text:
        return text
    lines = []
    joining = False
    for line in text.split('\n'):
        if joining and line and not line.startswith(('[', ' ', 'ERROR!')):
            lines[-1] += ' ' + line
            continue
        joining = line.startswith(('[WARNING]:', '[DEPRECATION WARNING]:'))
        lines.append(line)
    return '\n'.join(lines)


class Run:
    def __init__(self, completed, results):
        self.rc = completed.returncode
        self.stdout = unwrap_warnings(completed.stdout)
        self.stderr = unwrap_warnings(completed.stderr)
        self.results = results

    def result(self, task, host=None):
        """The result of the one task with this name (fails the test when there is not exactly one)."""
        found = [entry for entry in self.results if entry['task'] == task and host in (None, entry['host'])]
        assert len(found) == 1, 'expected one result for %r, got %d:\n%s\n%s' % (task, len(found), self.stdout, self.stderr)
        result = dict(found[0]['result'])
        result['failed'] = found[0]['status'] == 'failed'  # ansible-core 2.19+ keeps it out of the result
        return result

    @property
    def output(self):
        return self.stdout + self.stderr


def base_env(tmp_path, env=None):
    environ = dict(os.environ)
    for key in list(environ):
        if key.startswith('LANTIME_') or key.startswith('ANSIBLE_'):
            del environ[key]
    environ.update({
        'ANSIBLE_CONFIG': str(REPO_ROOT / 'ansible.cfg'),
        'ANSIBLE_CALLBACK_PLUGINS': str(CALLBACK_DIR),
        'ANSIBLE_CALLBACKS_ENABLED': 'result_log',
        'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'ansible-tmp'),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_DEPRECATION_WARNINGS': 'false',
        'LANTIME_TEST_RESULT_LOG': str(tmp_path / 'results.jsonl'),
        'ANSIBLE_CONNECTION_PLUGINS': str(Path(__file__).resolve().parent / 'connection_plugins'),
    })
    environ.update(env or {})
    return environ


def run_playbook(tmp_path, playbook, *args, env=None, inventory='localhost,'):
    """Run a playbook (a path, or a list of plays written to a file); return a Run."""
    if not isinstance(playbook, (str, Path)):
        path = tmp_path / 'play.yml'
        path.write_text(json.dumps(playbook, indent=1), encoding='utf-8')  # JSON is YAML
        playbook = path
    log = tmp_path / 'results.jsonl'
    if log.exists():
        log.unlink()
    command = [str(BIN / 'ansible-playbook'), '-i', inventory, str(playbook), *args]
    completed = subprocess.run(command, cwd=str(REPO_ROOT), env=base_env(tmp_path, env), capture_output=True, text=True,
                               check=False, timeout=600)
    results = [json.loads(line) for line in log.read_text(encoding='utf-8').splitlines()] if log.exists() else []
    return Run(completed, results)


# With LANTIME_TEST_MODULE_PATH=1 the plays run over a connection that is not 'local', so the collection's action
# plugins run the modules in a module process of their own, as for a task delegated to another host (make
# integration-module-path); without it, the modules run in the controller's process.
MODULE_PATH = os.environ.get('LANTIME_TEST_MODULE_PATH') == '1'
CONNECTION = 'remote_loopback' if MODULE_PATH else 'local'


def play(*tasks, module_defaults=None, **extra):
    """A one-play playbook against localhost."""
    entry = {'name': 'test', 'hosts': extra.pop('hosts', 'localhost'), 'gather_facts': False, 'connection': CONNECTION,
             'tasks': list(tasks),
             'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'}}
    if module_defaults:
        entry['module_defaults'] = {'group/meinberg.lantime.lantime': module_defaults}
    entry.update(extra)
    return [entry]


def task(name, module, ignore_errors=False, **options):
    entry = {'name': name, module: options, 'register': 'out'}
    if ignore_errors:
        entry['ignore_errors'] = True
    return entry
