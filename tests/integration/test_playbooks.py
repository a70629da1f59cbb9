# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The playbooks (rsc_facts, drift_check, fleet_rollout, demo) through the real ansible-playbook against the simulator."""

import base64
import csv
import json
import subprocess
import sys
import time
import urllib.request
from xml.etree import ElementTree

from ansible_run import BIN, REPO_ROOT, base_env, run_playbook

PLAYBOOKS = REPO_ROOT / 'playbooks'
PASSWORD = 'Adm1n-Secret'
ADMIN = ('--no-tls', '--user', 'admin:%s:admin' % PASSWORD, '--settle-ms', '100')
CREDENTIALS = {'LANTIME_USERNAME': 'admin', 'LANTIME_PASSWORD': PASSWORD}
WRITE_PATH = '/api/configuration/chassis0/slots/rsc/module/rsc'


def api_write(sim, device, **settings):
    """Change the card the way an engineer would: a write through the device's REST API."""
    body = json.dumps(dict((k.replace('_', '-'), v) for k, v in settings.items())).encode()
    auth = base64.b64encode(('admin:%s' % PASSWORD).encode()).decode()
    request = urllib.request.Request(sim.url(device) + WRITE_PATH, data=body, method='POST',
                                     headers={'Content-Type': 'application/json', 'Authorization': 'Basic ' + auth})
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10) as reply:
        assert reply.status == 200


def effective(sim, device):
    state = sim.state(device)['rsc']['effective']
    return state['switch-mode'], state['selected-clock']


def settle(sim, device, wanted):
    for _attempt in range(100):
        if effective(sim, device) == wanted:
            return
        time.sleep(0.05)
    raise AssertionError('device %d never showed %s' % (device, wanted))


def to_manual(sim, *devices):
    """Put these devices' cards in manual mode (clk1 stays selected) through the API, and wait until they show it."""
    for device in devices:
        api_write(sim, device, switch_mode='manual')
    for device in devices:
        settle(sim, device, ('manual', 'clk1'))


def posts(sim, device):
    return [r for r in sim.stats(device)['requests'] if r['method'] == 'POST' and r['path'].startswith('/api/')]


def static_inventory(tmp_path, sim, names, **hostvars):
    """The host variables the inventory plugin sets, as a static YAML (JSON) inventory."""
    hosts = {}
    for index, name in enumerate(names):
        hosts['%s_rsc' % name] = dict({'lantime_host': sim.url(index), 'lantime_slot_id': 'rsc', 'lantime_slot_type': 'rsc',
                                       'lantime_chassis': name}, **hostvars.get(name, {}))
    inventory = {'lantime_rsc': {'hosts': hosts, 'vars': {'ansible_connection': 'local',
                                                          'ansible_python_interpreter': sys.executable}}}
    path = tmp_path / 'static.yml'
    path.write_text(json.dumps(inventory, indent=1), encoding='utf-8')
    return str(path)


def plugin_inventory(tmp_path, sim, names):
    """An inventory file for the inventory plugin meinberg.lantime.ims (credentials from the environment)."""
    lines = ['plugin: meinberg.lantime.ims', 'chassis:']
    for index, name in enumerate(names):
        lines += ['  - name: %s' % name, '    host: %s' % sim.url(index)]
    path = tmp_path / 'lantime.ims.yml'
    path.write_text('\n'.join(lines) + '\n', encoding='utf-8')
    return str(path)


def playbook(tmp_path, name, inventory, *args):
    return run_playbook(tmp_path, PLAYBOOKS / ('%s.yml' % name), *args, inventory=inventory, env=CREDENTIALS)


def read_reports(directory):
    report = json.loads((directory / 'drift-check.json').read_text(encoding='utf-8'))
    suite = ElementTree.parse(str(directory / 'drift-check.junit.xml')).getroot()
    cases = dict((case.get('name'), case) for case in suite.iter('testcase'))
    return report, suite, cases


def test_drift_check_fails_on_drift_and_unreadable_hosts_then_passes_after_the_rollout(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN, '--devices', '4')
    names = ('ims1', 'ims2', 'ims3', 'ims4')
    api_write(sim, 1, switch_mode='manual')
    api_write(sim, 2, switch_mode='manual', selected_clock='clk2')
    settle(sim, 1, ('manual', 'clk1'))
    settle(sim, 2, ('manual', 'clk2'))
    sim.settings(device=3, api_enabled=False)
    setup_posts = [len(posts(sim, i)) for i in range(4)]
    inventory = static_inventory(tmp_path, sim, names)
    reports = tmp_path / 'reports'

    run = playbook(tmp_path, 'drift_check', inventory, '-e', 'drift_check_report_dir=%s' % reports)
    assert run.rc != 0, run.output
    report, suite, cases = read_reports(reports)
    statuses = dict((r['host'], r['status']) for r in report['hosts'])
    assert statuses == {'ims1_rsc': 'compliant', 'ims2_rsc': 'drift', 'ims3_rsc': 'drift', 'ims4_rsc': 'unreadable'}
    assert report['passed'] is False
    assert report['counts'] == {'hosts': 4, 'compliant': 1, 'drift': 2, 'refused': 0, 'unreadable': 1, 'failed': 0}
    ims2 = [r for r in report['hosts'] if r['host'] == 'ims2_rsc'][0]
    assert ims2['before'] == {'switch_mode': 'manual', 'selected_clock': 'clk1'}
    assert ims2['after'] == {'switch_mode': 'auto', 'selected_clock': 'clk1'}
    assert ims2['desired'] == {'switch_mode': 'auto', 'selected_clock': None}
    assert (ims2['chassis'], ims2['slot'], ims2['changed'], ims2['drift']) == ('ims2', 'rsc', False, True)
    ims4 = [r for r in report['hosts'] if r['host'] == 'ims4_rsc'][0]
    assert 'REST API is disabled' in ims4['error'] and ims4['before'] is None
    # JUnit: one test case per host, a failure for each host that drifts or cannot be read.
    assert (suite.get('tests'), suite.get('failures')) == ('4', '3')
    assert sorted(cases) == ['ims1_rsc', 'ims2_rsc', 'ims3_rsc', 'ims4_rsc']
    assert cases['ims1_rsc'].find('failure') is None
    failure = cases['ims3_rsc'].find('failure')
    assert failure.get('type') == 'drift'
    assert 'before: switch_mode=manual, selected_clock=clk2' in failure.text
    assert 'after: switch_mode=auto, selected_clock=clk2' in failure.text
    assert cases['ims4_rsc'].find('failure').get('type') == 'unreadable'
    assert 'REST API is disabled' in cases['ims4_rsc'].find('failure').get('message')
    assert cases['ims2_rsc'].get('classname') == 'lantime.ims2'
    # The summary names the hosts; the check mode never wrote; no secret anywhere.
    assert 'FAILED: 3 of 4 hosts do not comply: ims2_rsc (drift), ims3_rsc (drift), ims4_rsc (unreadable).' in run.output
    # The failure points at a file the user can open: the troubleshooting guide of this very collection.
    assert 'see also %s.' % (REPO_ROOT / 'docs' / 'troubleshooting.md') in ' '.join(run.output.split())
    assert [len(posts(sim, i)) for i in range(4)] == setup_posts
    for text in (run.output, (reports / 'drift-check.json').read_text(encoding='utf-8'),
                 (reports / 'drift-check.junit.xml').read_text(encoding='utf-8')):
        assert PASSWORD not in text

    sim.settings(device=3, api_enabled=True)
    run = playbook(tmp_path, 'fleet_rollout', inventory)
    assert run.rc == 0, run.output
    assert [effective(sim, i) for i in range(4)] == [('auto', 'clk1'), ('auto', 'clk1'), ('auto', 'clk2'), ('auto', 'clk1')]
    # Compliant hosts are read, never written; the others got exactly one write each.
    assert [len(posts(sim, i)) - setup_posts[i] for i in range(4)] == [0, 1, 1, 0]
    assert '4 hosts: 2 changed, 2 already compliant.' in run.output

    run = playbook(tmp_path, 'drift_check', inventory, '-e', 'drift_check_report_dir=%s' % reports)
    assert run.rc == 0, run.output
    report, suite, cases = read_reports(reports)
    assert report['passed'] is True and set(r['status'] for r in report['hosts']) == {'compliant'}
    assert (suite.get('tests'), suite.get('failures')) == ('4', '0')
    assert 'PASSED: all 4 hosts comply with the policy.' in run.output


def test_rollout_stops_at_a_failing_canary_and_leaves_the_rest_untouched(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN, '--devices', '3')
    to_manual(sim, 0, 1, 2)
    sim.set_clock('clk2', False, device=0)  # the canary's standby clock is not synchronized
    setup_posts = [len(posts(sim, i)) for i in range(3)]
    inventory = plugin_inventory(tmp_path, sim, ('ims1', 'ims2', 'ims3'))

    # The last run has a drift check before the rollout, in the same run: the records it leaves on every host must
    # not count as reached by the rollout. A stopped rollout ends the run: the play after it never starts.
    after_drift_check = [{'ansible.builtin.import_playbook': str(PLAYBOOKS / name)}
                         for name in ('drift_check.yml', 'fleet_rollout.yml')]
    after_drift_check.append({'name': 'after', 'hosts': 'localhost', 'gather_facts': False,
                              'tasks': [{'name': 'after the rollout', 'ansible.builtin.debug': {'msg': 'too far'}}]})
    for args in (('--check',), (), ('-e', 'drift_check_fail=false', '-e', 'drift_check_report_dir=%s' % (tmp_path / 'r'))):
        if args and args[0] == '-e':
            run = run_playbook(tmp_path, after_drift_check, *args, inventory=inventory, env=CREDENTIALS)
        else:
            run = playbook(tmp_path, 'fleet_rollout', inventory, *args)
        assert run.rc != 0, run.output
        assert 'ROLLOUT STOPPED: 1 of 1 hosts of this batch failed' in run.output
        assert 'Not touched: ims2_rsc, ims3_rsc.' in run.output
        assert '3 hosts: 1 failed, 2 not touched.' in run.output
        assert run.rc == 2, run.rc  # failed hosts, as ansible-playbook reports them
        # The stop itself fails on localhost: no chassis is blamed for it.
        stop = [(r['host'], r['status']) for r in run.results if r['task'] == 'Fail when the rollout stopped']
        assert stop == [('localhost', 'failed')]
        assert 'The rollout stopped: 1 of 1 hosts of its last batch failed (rollout_max_fail_percentage=0)' in \
            ' '.join(run.output.split())
        rollout = run.results[[r['task'] for r in run.results].index('Show the plan'):]
        # The canary failed with its name, chassis, slot and address, the reason, and what to do.
        failed = [r for r in rollout if r['task'].endswith('Fail with the reason and what to do')]
        assert [(r['host'], r['status']) for r in failed] == [('ims1_rsc', 'failed')]
        failed = failed[0]['result']
        assert failed['msg'].startswith('ims1_rsc (chassis ims1, slot rsc, %s): refused, nothing was changed: '
                                        'clk2 is not synchronized.' % sim.url(0))
        assert 'rsc_require_failover_ready=false' in failed['msg']
        # The later batches never started: the role ran on the canary only.
        role_task = 'Read the RSC card and apply the policy, if one is set (read, check, change, read back)'
        hosts = set(r['host'] for r in rollout if r['task'].endswith(role_task))
        assert hosts == {'ims1_rsc'}
        assert [len(posts(sim, i)) for i in range(3)] == setup_posts
        assert [effective(sim, i) for i in range(3)] == [('manual', 'clk1')] * 3
        assert 'after the rollout' not in [r['task'] for r in run.results]


def test_rollout_goes_on_while_failures_stay_within_the_limit(tmp_path, simulator_factory):
    """rollout_max_fail_percentage=50: a batch of 2 with 1 failure goes on; the run still ends failed."""
    sim = simulator_factory(*ADMIN, '--devices', '4')
    to_manual(sim, 0, 1, 2, 3)
    sim.set_clock('clk2', False, device=1)  # ims2 is refused
    setup_posts = [len(posts(sim, i)) for i in range(4)]
    inventory = plugin_inventory(tmp_path, sim, ('ims1', 'ims2', 'ims3', 'ims4'))
    run = playbook(tmp_path, 'fleet_rollout', inventory, '-e', '{"rollout_batches": [2, 2], "rollout_max_fail_percentage": 50}')
    assert run.rc == 2, run.output
    assert 'ROLLOUT STOPPED' not in run.output
    assert '4 hosts: 3 changed, 1 failed.' in run.output
    assert [len(posts(sim, i)) - setup_posts[i] for i in range(4)] == [1, 0, 1, 1]
    assert [effective(sim, i) for i in range(4)] == [('auto', 'clk1'), ('manual', 'clk1'), ('auto', 'clk1'),
                                                     ('auto', 'clk1')]
    # ims2's module task failed, then the role failed it with the reason; no other host failed.
    assert set(r['host'] for r in run.results if r['status'] == 'failed') == {'ims2_rsc'}


def test_facts_table_json_and_csv_through_the_inventory_plugin(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN, '--devices', '2')
    sim.set_clock('clk2', False, device=1)
    inventory = plugin_inventory(tmp_path, sim, ('fra', 'muc'))
    json_path, csv_path = tmp_path / 'rsc.json', tmp_path / 'rsc.csv'

    # A policy given to rsc_facts only shows up as drift in the RESULT column: rsc_facts never writes.
    run = playbook(tmp_path, 'rsc_facts', inventory, '-e', 'rsc_facts_json=%s' % json_path,
                   '-e', 'rsc_facts_csv=%s' % csv_path, '-e', 'rsc_switch_mode=manual')
    assert run.rc == 0, run.output
    table = run.result('Print the RSC table')['msg']
    assert table[0].split() == ['HOST', 'CHASSIS', 'MODE', 'CLOCK', 'CLK1', 'CLK2', 'FAILOVER', 'RESULT', 'ALARMS']
    assert table[1].split() == ['fra_rsc', 'fra', 'auto', 'clk1', 'sync', 'sync', 'ready', 'DRIFT', 'switch_mode',
                                'auto->manual', '-']
    assert table[2].split()[:8] == ['muc_rsc', 'muc', 'auto', 'clk1', 'sync', 'NO', 'SYNC', 'NO']
    assert table[2].endswith('clk2 not synchronized')
    assert table[0].index('CLOCK') == table[1].index('clk1') == table[2].index('clk1')
    records = dict((r['host'], r) for r in json.loads(json_path.read_text(encoding='utf-8')))
    assert set(records) == {'fra_rsc', 'muc_rsc'}
    assert records['muc_rsc']['failover_ready'] is False and records['muc_rsc']['alarms'] == ['clk2 not synchronized']
    assert records['fra_rsc']['clocks']['clk1'] == {'time_sync': True, 'fitted': True, 'model': 'gps180'}
    with open(csv_path, newline='', encoding='utf-8') as handle:
        rows = list(csv.DictReader(handle))
    assert [(r['host'], r['switch_mode'], r['selected_clock'], r['clk2_sync'], r['failover_ready'], r['alarms'])
            for r in rows] == [('fra_rsc', 'auto', 'clk1', 'true', 'true', ''),
                               ('muc_rsc', 'auto', 'clk1', 'false', 'false', 'clk2 not synchronized')]
    # muc's standby clock is not synchronized: a change there would be refused, and the table says so.
    assert [r['status'] for r in rows] == ['drift', 'refused']
    assert 'REFUSED' in table[2] and 'muc_rsc: refused, nothing was changed: clk2 is not synchronized' in run.output
    assert posts(sim, 0) == [] and posts(sim, 1) == []


def test_playbooks_resolve_by_fqcn(tmp_path):
    """ansible-playbook meinberg.lantime.<name>, as users run them once the collection is installed."""
    names = ['meinberg.lantime.%s' % name for name in ('rsc_facts', 'drift_check', 'fleet_rollout', 'capture')]
    # The demo lives beside the simulator, apart from the playbooks for real devices, and imports them by name.
    names.append(str(REPO_ROOT / 'tests' / 'simulator' / 'demo.yml'))
    completed = subprocess.run([str(BIN / 'ansible-playbook'), '-i', 'localhost,', '--syntax-check', *names],
                               cwd=str(REPO_ROOT), env=base_env(tmp_path), capture_output=True, text=True, check=False,
                               timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_make_demo_tells_the_whole_story(tmp_path):
    completed = subprocess.run([sys.executable, str(REPO_ROOT / 'tests' / 'utils' / 'demo.py')], cwd=str(REPO_ROOT),
                               env=base_env(tmp_path), capture_output=True, text=True, check=False, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    out = completed.stdout
    for step in range(1, 7):
        assert '\n%d/6 ' % step in out
    assert 'every step behaved as expected' in out
    assert 'DEMO FAILED' not in out


def test_demo_playbook_against_the_simulator(tmp_path, simulator_factory):
    """tests/simulator/demo.yml, the documented one-playbook demo: drift found, fixed, checked again, a failover shown."""
    sim = simulator_factory(*ADMIN, '--devices', '2')
    to_manual(sim, 1)
    inventory = plugin_inventory(tmp_path, sim, ('ims1', 'ims2'))
    reports = tmp_path / 'demo-reports'

    run = run_playbook(tmp_path, REPO_ROOT / 'tests' / 'simulator' / 'demo.yml', '-e', 'demo_report_dir=%s' % reports,
                       inventory=inventory, env=CREDENTIALS)
    assert run.rc == 0, run.output
    before = read_reports(reports / 'before')[0]
    after = read_reports(reports / 'after')[0]
    assert [(r['host'], r['status']) for r in before['hosts']] == [('ims1_rsc', 'compliant'), ('ims2_rsc', 'drift')]
    assert after['passed'] is True
    assert 'ims1_rsc: clk1 lost sync, the card switched to clk2 on its own (switchover count 1).' in run.output
    assert [effective(sim, i) for i in range(2)] == [('auto', 'clk2'), ('auto', 'clk1')]
    assert [len(posts(sim, i)) for i in range(2)] == [0, 2]  # the scene's write, then the rollout's
