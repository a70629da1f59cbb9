# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""No password or token in any output, at -vvvv, with failures and diffs included."""

import re

from ansible_run import play, run_playbook, task

PASSWORD = 'Adm1n-Secret'
TOKEN_SHAPE = re.compile(r'\b[0-9A-F]{64}\b')


def assert_clean(run, *secrets, files=()):
    texts = [run.stdout, run.stderr, repr(run.results)] + [path.read_text(encoding='utf-8') for path in files]
    for text in texts:
        for secret in secrets:
            assert secret not in text
        assert not TOKEN_SHAPE.search(text), TOKEN_SHAPE.search(text).group(0)


def test_modules_at_vvvv_with_failures_diffs_and_token_renewal(tmp_path, sim):
    token = sim.token()
    sim.expire_tokens()  # the first request is refused, the module renews the token with the credentials
    connection = {'host': sim.url(), 'username': 'admin', 'password': PASSWORD, 'token': token}
    wrong_password = {'host': sim.url(), 'username': 'admin', 'password': 'Wr0ng-' + PASSWORD}
    read_only = {'host': sim.url(), 'username': 'viewer', 'password': 'V1ew-Secret', 'token': token}
    sim.set_clock('clk2', False)
    run = run_playbook(tmp_path, play(
        task('facts', 'meinberg.lantime.rsc_info', **connection),
        task('refused', 'meinberg.lantime.rsc', ignore_errors=True, selected_clock='clk2', **connection),
        task('change', 'meinberg.lantime.rsc', switch_mode='manual', **connection),
        task('bad password', 'meinberg.lantime.rsc_info', ignore_errors=True, **wrong_password),
        task('rejected', 'meinberg.lantime.rsc', ignore_errors=True, switch_mode='auto', **read_only)), '-vvvv', '--diff')
    assert run.result('facts')['rsc']['slot_id'] == 'rsc'
    assert run.result('refused')['failed'] and run.result('change')['changed']
    assert run.result('bad password')['failed'] and run.result('rejected')['failed']
    assert 'TASK [rejected]' in run.stdout  # the output is really there, at -vvvv
    assert_clean(run, PASSWORD, 'Wr0ng-' + PASSWORD, 'V1ew-Secret', token)


def test_environment_credentials_at_vvvv(tmp_path, sim):
    env = {'LANTIME_HOST': sim.url(), 'LANTIME_USERNAME': 'admin', 'LANTIME_PASSWORD': PASSWORD}
    run = run_playbook(tmp_path, play(task('diff', 'meinberg.lantime.rsc', selected_clock='clk2')), '-vvvv', '--diff',
                       '--check', env=env)
    assert run.result('diff')['diff']['after']['selected_clock'] == 'clk2'
    assert_clean(run, PASSWORD)


def test_inventory_at_vvvv_with_a_failing_chassis_and_a_cache(tmp_path, simulator_factory):
    from test_inventory import ansible_inventory
    sim = simulator_factory('--no-tls', '--devices', '2', '--user', 'admin:%s:admin' % PASSWORD)
    sim.settings(device=1, api_enabled=False)  # the second chassis fails
    cache_dir = tmp_path / 'cache'
    config = {'chassis': [sim.url(0), sim.url(1)], 'username': 'admin', 'password': PASSWORD, 'cache': True,
              'cache_plugin': 'ansible.builtin.jsonfile', 'cache_connection': str(cache_dir)}
    first = ansible_inventory(tmp_path, config, '--list', '-vvvv')
    second = ansible_inventory(tmp_path, config, '--list', '-vvvv')
    token = sim.token()
    with_token = ansible_inventory(tmp_path, dict(config, username=None, password=None, cache=False), '--graph',
                                   '-vvvv', env={'LANTIME_TOKEN': token})
    for run in (first, second, with_token):
        assert 'REST API is disabled' in run.stderr and '_rsc' in run.stdout
        for text in (run.stdout, run.stderr):
            assert PASSWORD not in text and token not in text
    cache_files = list(cache_dir.iterdir())
    assert cache_files
    for path in cache_files:
        assert PASSWORD not in path.read_text(encoding='utf-8')


def test_playbooks_at_vvvv_with_drift_a_refusal_and_reports(tmp_path, simulator_factory):
    from test_playbooks import plugin_inventory, playbook, to_manual
    sim = simulator_factory('--no-tls', '--devices', '2', '--settle-ms', '100', '--user', 'admin:%s:admin' % PASSWORD)
    to_manual(sim, 0)  # drift on ims1
    sim.set_clock('clk2', False, device=1)  # ims2 cannot be changed safely
    to_manual(sim, 1)
    inventory = plugin_inventory(tmp_path, sim, ['ims1', 'ims2'])
    reports = tmp_path / 'reports'
    drift = playbook(tmp_path, 'drift_check', inventory, '-vvvv', '-e', 'drift_check_report_dir=%s' % reports)
    assert drift.rc != 0 and (reports / 'drift-check.json').exists()
    assert_clean(drift, PASSWORD, files=sorted(reports.iterdir()))
    facts_json = tmp_path / 'facts.json'
    facts = playbook(tmp_path, 'rsc_facts', inventory, '-vvvv', '-e', 'rsc_facts_json=%s' % facts_json)
    assert_clean(facts, PASSWORD, files=[facts_json])
    rollout = playbook(tmp_path, 'fleet_rollout', inventory, '-vvvv', '--diff', '-e', '{"rollout_batches": [2]}')
    assert rollout.rc != 0  # ims2 is refused: clk2 is not synchronized
    assert 'clk2 is not synchronized' in rollout.output
    assert_clean(rollout, PASSWORD)
