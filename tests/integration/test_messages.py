# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""What users read: a missing host or credential says where it was looked for, on both paths; host is documented as
optional; warnings name the inventory host; a read-only rsc_facts run reads as one."""

import json
import subprocess

import pytest

from ansible_run import BIN, REPO_ROOT, base_env, play, run_playbook, task
from test_playbooks import ADMIN, CREDENTIALS, PLAYBOOKS, plugin_inventory

NO_HOST = ('no device address: set host on the task, as the host variable lantime_host, or in LANTIME_HOST (the '
           'inventory plugin meinberg.lantime.ims sets lantime_host for every slot host)')
NO_CREDENTIALS = ('no credentials: set username and password (or token) on the task, as host variables '
                  'lantime_username/lantime_password (or lantime_token), or in LANTIME_USERNAME/LANTIME_PASSWORD '
                  '(or LANTIME_TOKEN)')
MODULES = ('rsc_info', 'rsc', 'slot_info', 'api_check')


@pytest.mark.parametrize('connection', ['local', 'remote_loopback'], ids=['in-process', 'module-process'])
def test_a_missing_host_or_credential_says_where_it_was_looked_for(tmp_path, connection):
    plays = play(task('nothing', 'meinberg.lantime.rsc_info', ignore_errors=True),
                 task('no password', 'meinberg.lantime.slot_info', ignore_errors=True, host='http://127.0.0.1:9',
                      username='admin'),
                 task('no credentials', 'meinberg.lantime.api_check', ignore_errors=True, host='http://127.0.0.1:9'),
                 connection=connection)
    run = run_playbook(tmp_path, plays)
    assert run.rc == 0, run.output
    assert run.result('nothing')['msg'] == NO_HOST + '; ' + NO_CREDENTIALS
    assert run.result('no password')['msg'] == ('username is set but password is not: set password on the task, as '
                                                'the host variable lantime_password, or in LANTIME_PASSWORD')
    assert run.result('no credentials')['msg'] == NO_CREDENTIALS
    assert 'one of the following is required' not in run.output and 'missing required arguments' not in run.output


def test_ansible_doc_shows_host_as_optional(tmp_path):
    completed = subprocess.run([str(BIN / 'ansible-doc'), '--json'] + ['meinberg.lantime.%s' % m for m in MODULES],
                               cwd=str(REPO_ROOT), env=base_env(tmp_path), capture_output=True, text=True, check=False,
                               timeout=300)
    assert completed.returncode == 0, completed.stderr
    docs = json.loads(completed.stdout)
    for module in MODULES:
        host = docs['meinberg.lantime.%s' % module]['doc']['options']['host']
        assert not host.get('required'), module
        assert any('lantime_host' in line for line in host['description']), module


def test_a_read_only_run_reads_as_one_and_its_warnings_name_the_inventory_host(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN)
    sim.set_clock('clk2', False)
    inventory = plugin_inventory(tmp_path, sim, ('chassis1',))
    run = run_playbook(tmp_path, PLAYBOOKS / 'rsc_facts.yml', inventory=inventory, env=CREDENTIALS)
    assert run.rc == 0, run.output
    output = ' '.join(run.output.split())
    address = sim.url().split('://', 1)[1]
    assert ('chassis1_rsc (%s, slot rsc): redundancy is weakened: clk2 not synchronized.' % address) in output
    assert 'nothing is changed' not in output and 'desired state' not in output
    assert 'Bring the RSC card to the policy' not in output
    assert ('TASK [meinberg.lantime.rsc : Read the RSC card and apply the policy, if one is set (read, check, change, '
            'read back)]') in output
    assert '"msg": "Read 1 RSC card."' in output


@pytest.mark.parametrize('connection', ['local', 'remote_loopback'], ids=['in-process', 'module-process'])
def test_warnings_name_the_inventory_host_on_both_paths(tmp_path, simulator_factory, connection):
    """Over a connection that is not local (a delegated task) the module runs in a process of its own, which does not
    know the inventory host: its warnings must still name it."""
    sim = simulator_factory(*ADMIN)
    sim.set_clock('clk2', False)
    inventory = plugin_inventory(tmp_path, sim, ('chassis1',))
    plays = play(task('read', 'meinberg.lantime.rsc'), hosts='chassis1_rsc')
    plays[0]['vars']['ansible_connection'] = connection  # over the inventory plugin's host variable
    run = run_playbook(tmp_path, plays, inventory=inventory, env=CREDENTIALS)
    assert run.rc == 0, run.output
    address = sim.url().split('://', 1)[1]
    warnings = ['chassis1_rsc (%s, slot rsc): redundancy is weakened: clk2 not synchronized.' % address,
                'chassis1_rsc (%s): the credentials go over plain HTTP, readable by anyone on the network; use https:// '
                'unless this management network is trusted' % address]
    assert run.result('read')['warnings'] == warnings, run.output
    output = ' '.join(run.output.split())
    assert all('[WARNING]: ' + text in output for text in warnings), run.output
    assert '_lantime_warnings' not in run.output
