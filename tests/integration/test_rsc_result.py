# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The shape of meinberg.lantime.rsc's result: short by default, every key documented in RETURN, the record on request.

Through the real ansible and ansible-playbook CLIs against the simulator over loopback HTTP.
"""

import ast
import json
import subprocess

import yaml

from ansible_run import BIN, base_env, play, run_playbook, task
from conftest import REPO_ROOT
from test_rsc_info import admin

MODULE_FILE = REPO_ROOT / 'plugins' / 'modules' / 'rsc.py'
# Keys Ansible itself puts in or reads from a module's result; a module does not document them.
ANSIBLE_KEYS = {'changed', 'failed', 'msg', 'warnings', 'deprecations', 'invocation', 'exception', 'skipped'}
# What the task keeps for its action plugin or used to return by default; none of it may reach the user.
NOT_RETURNED = {'rsc', 'device', '_card', '_refusal_option'}
# Documented keys that need a device or an option these outcomes do not have; their own tests return them.
RETURNED_ELSEWHERE = {'write_trace'}
MAX_ADHOC_LINES = 60


def documented_keys():
    """The top-level keys of the RETURN block of plugins/modules/rsc.py."""
    tree = ast.parse(MODULE_FILE.read_text(encoding='utf-8'))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [target.id for target in node.targets] == ['RETURN']:
            return set(yaml.safe_load(node.value.value))
    raise AssertionError('no RETURN in %s' % MODULE_FILE)


def rsc_task(name, sim, check=False, **options):
    entry = task(name, 'meinberg.lantime.rsc', ignore_errors=True, **admin(sim, **options))
    entry['diff'] = True
    if check:
        entry['check_mode'] = True
    return entry


# (task name, expected outcome, options): in this order, on a card in auto mode on clk1 whose clk2 is not synchronized.
OUTCOMES = [
    ('compliant', 'compliant', dict(switch_mode='auto')),
    ('would_change', 'would_change', dict(switch_mode='manual', check=True)),
    ('refused', 'refused', dict(selected_clock='clk2')),
    # In auto mode the card switches straight back from an unsynchronized clock: the write is not read back.
    ('failed', 'failed', dict(selected_clock='clk2', force=True, wait_timeout=1)),
    ('changed', 'changed', dict(switch_mode='manual')),
    ('changed_with_record', 'changed', dict(switch_mode='auto', record=True)),
    ('refused_write', 'failed', dict(switch_mode='manual', username='viewer', password='V1ew-Secret')),
    ('unreadable', 'unreadable', dict(password='wrong-password')),
]


def test_every_key_of_every_outcome_is_documented_and_every_documented_key_is_returned(tmp_path, sim):
    sim.set_clock('clk2', False)
    run = run_playbook(tmp_path, play(*[rsc_task(name, sim, **options) for name, dummy, options in OUTCOMES]))
    documented = documented_keys()
    seen = set()
    for name, outcome, options in OUTCOMES:
        out = run.result(name)
        assert out.get('outcome') == outcome, (name, out)
        keys = set(out)
        seen |= keys
        # ansible-core's own _ansible_* keys (2.16 to 2.19 leave _ansible_no_log in a registered result) are not ours.
        keys = set(key for key in keys if not key.startswith('_ansible_'))
        assert not keys - documented - ANSIBLE_KEYS, '%s returns keys RETURN does not document: %s' % (
            name, sorted(keys - documented - ANSIBLE_KEYS))
        assert not keys & NOT_RETURNED, (name, sorted(keys & NOT_RETURNED))
        assert ('record' in keys) == bool(options.get('record')), name
    missing = documented - seen - RETURNED_ELSEWHERE
    assert not missing, 'RETURN documents keys no outcome returns: %s' % sorted(missing)
    record = run.result('changed_with_record')['record']
    assert record['status'] == 'changed' and record['before'] == {'switch_mode': 'manual', 'selected_clock': 'clk1'}
    assert record['alarms'] == ['clk2 not synchronized'] and record['clocks']['clk2']['time_sync'] is False


def test_one_adhoc_change_prints_a_short_result(tmp_path, simulator_factory):
    # No settle time: the card shows the change at the first poll, so the request list has a fixed length.
    sim = simulator_factory('--no-tls', '--user', 'admin:Adm1n-Secret:admin', '--settle-ms', '0')
    inventory = tmp_path / 'inventory.json'
    inventory.write_text(json.dumps({'lantime_rsc': {'hosts': {'ims1_rsc': {
        'lantime_host': sim.url(), 'lantime_slot_id': 'rsc', 'lantime_chassis': 'ims1', 'ansible_connection': 'local',
        'ansible_python_interpreter': str(BIN / 'python')}}}}), encoding='utf-8')
    env = base_env(tmp_path, {'LANTIME_USERNAME': 'admin', 'LANTIME_PASSWORD': 'Adm1n-Secret', 'PYTHONWARNINGS': 'ignore'})
    del env['ANSIBLE_CALLBACKS_ENABLED']  # the default callback's output alone, as a user sees it
    command = [str(BIN / 'ansible'), '-i', str(inventory), 'ims1_rsc', '-m', 'meinberg.lantime.rsc',
               '-a', 'switch_mode=manual selected_clock=clk2']
    completed = subprocess.run(command, cwd=str(REPO_ROOT), env=env, capture_output=True, text=True, check=False,
                               timeout=300)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0 and 'ims1_rsc | CHANGED' in output, output
    assert sim.state()['rsc']['effective']['selected-clock'] == 'clk2'
    lines = output.splitlines()
    assert len(lines) < MAX_ADHOC_LINES, '%d lines:\n%s' % (len(lines), output)
    result = json.loads(completed.stdout[completed.stdout.index('{'):])
    assert result['after'] == {'switch_mode': 'manual', 'selected_clock': 'clk2'} and 'record' not in result
