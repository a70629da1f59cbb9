# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Reports that cannot lie: a run of drift_check, rsc_facts or fleet_rollout that is interrupted (SIGINT, SIGTERM,
SIGKILL) or fails never leaves a passing report behind, and an interrupted rollout converges on the next run."""

import csv
import json
import os
import signal
import subprocess
import time
from xml.etree import ElementTree

import pytest

from ansible_run import BIN, REPO_ROOT, base_env
from test_playbooks import ADMIN, CREDENTIALS, PLAYBOOKS, effective, playbook, posts, static_inventory, to_manual

# Longer than any test waits: the delayed request is still in flight when the signal comes.
DELAY_MS = 60000
WAIT_S = 120
# The signal must not come while ansible-playbook forks a worker: ansible-core's handler then runs inside an
# at-fork callback, where Python drops its KeyboardInterrupt ("Exception ignored in: <function _afterFork>"), and
# the run goes on as if nothing had happened; a worker forked in that moment is not told either. Each test
# therefore signals only once the delayed request has reached the simulator: the worker that sent it runs, and
# ansible-playbook waits for its result (it starts no further worker before).


def wait_for(condition, what, process=None, timeout=WAIT_S):
    """Poll a condition (not a sleep as synchronisation); fail with what it waited for."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        if process is not None and process.poll() is not None:
            raise AssertionError('ansible-playbook ended (rc %s) before %s' % (process.returncode, what))
        if time.monotonic() > deadline:
            raise AssertionError('never saw %s' % what)
        time.sleep(0.05)


class Background:
    """ansible-playbook in the background, as a user's terminal or a CI job runs it."""

    def __init__(self, tmp_path, name, inventory, *args):
        self.out = tmp_path / 'background.out'
        command = [str(BIN / 'ansible-playbook'), '-i', inventory, str(PLAYBOOKS / ('%s.yml' % name)), *args]
        with open(self.out, 'wb') as out:
            # A process group of its own, as a shell gives a job, so that SIGINT can go where Ctrl-C sends it.
            self.process = subprocess.Popen(command, cwd=str(REPO_ROOT), env=base_env(tmp_path, CREDENTIALS),  # pylint: disable=consider-using-with
                                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self, sig):
        if sig == signal.SIGINT:
            os.killpg(self.process.pid, sig)  # Ctrl-C: the terminal signals the whole foreground process group
        else:
            self.process.send_signal(sig)
        try:
            return self.process.wait(WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(WAIT_S)
            raise AssertionError('ansible-playbook did not end after %s' % signal.Signals(sig).name) from None

    @property
    def output(self):
        return self.out.read_text(encoding='utf-8', errors='replace')


def shown(output):
    """The output as a user reads it: ansible-core before 2.19 prints a failure's message as JSON, quotes escaped."""
    return output.replace('\\"', '"')


def read_json(path):
    try:
        return json.loads(path.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return None


def gets(sim, device):
    return [r for r in sim.stats(device)['requests'] if r['method'] == 'GET' and r['path'].startswith('/api/')]


def delayed_request_arrived(sim, device):
    """The device's one-shot delay fault was taken: the request it holds arrived (the request log shows it only
    after the delay)."""
    return not sim.faults(device)


# --- stale reports of an earlier good run ----------------------------------------------------------------------

GOOD_RECORD = {'host': 'ims1_rsc', 'chassis': 'ims1', 'status': 'compliant', 'before': {'switch_mode': 'auto'}}
GOOD_JUNIT = ('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="1" failures="0" errors="0">'
              '<testsuite name="meinberg.lantime.drift_check" tests="1" failures="0" errors="0">'
              '<testcase classname="lantime.ims1" name="ims1_rsc" time="0"/></testsuite></testsuites>\n')


def plant_drift_check(reports):
    reports.mkdir(parents=True, exist_ok=True)
    (reports / 'drift-check.json').write_text(json.dumps({'report': 'meinberg.lantime drift_check', 'complete': True,
                                                          'passed': True, 'hosts': [GOOD_RECORD]}), encoding='utf-8')
    (reports / 'drift-check.junit.xml').write_text(GOOD_JUNIT, encoding='utf-8')


def assert_drift_check_not_passing(reports):
    report = read_json(reports / 'drift-check.json')
    assert report is not None and report['passed'] is False and report['complete'] is False, report
    suite = ElementTree.parse(str(reports / 'drift-check.junit.xml')).getroot()
    assert suite.get('errors') == '1' and suite.get('tests') == '1'
    error = suite.find('testsuite/testcase/error')
    assert error is not None and 'has not finished' in error.get('message')
    assert 'ims1_rsc' not in (reports / 'drift-check.junit.xml').read_text(encoding='utf-8')


def plant_rsc_facts(json_path, csv_path):
    json_path.write_text(json.dumps([GOOD_RECORD]), encoding='utf-8')
    csv_path.write_text('host,status\n"ims1_rsc","compliant"\n', encoding='utf-8')


def plant_rollout(path):
    path.write_text(json.dumps({'report': 'meinberg.lantime fleet_rollout', 'complete': True, 'passed': True,
                                'hosts': [dict(GOOD_RECORD, status='changed')]}), encoding='utf-8')


# --- drift_check -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGKILL], ids=['sigint', 'sigkill'])
def test_an_interrupted_drift_check_leaves_no_passing_report(tmp_path, simulator_factory, sig):
    sim = simulator_factory(*ADMIN, '--devices', '2')
    sim.inject(device=1, kind='delay', delay_ms=DELAY_MS)
    inventory = static_inventory(tmp_path, sim, ('ims1', 'ims2'))
    reports = tmp_path / 'reports'
    plant_drift_check(reports)

    run = Background(tmp_path, 'drift_check', inventory, '-e', 'drift_check_report_dir=%s' % reports)
    # The middle: the previous report is marked, ims1 was read, ims2's read hangs in the delay.
    wait_for(lambda: (read_json(reports / 'drift-check.json') or {}).get('complete') is False and gets(sim, 0)
             and delayed_request_arrived(sim, 1), 'the start of the drift check', run.process)
    rc = run.stop(sig)
    assert rc == (99 if sig == signal.SIGINT else -signal.SIGKILL), (rc, run.output)
    assert_drift_check_not_passing(reports)


def test_a_failed_drift_check_leaves_a_complete_failing_report(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN, '--devices', '2')
    sim.settings(device=1, api_enabled=False)  # ims2 fails: it cannot be read
    inventory = static_inventory(tmp_path, sim, ('ims1', 'ims2'))
    reports = tmp_path / 'reports'
    plant_drift_check(reports)

    run = playbook(tmp_path, 'drift_check', inventory, '-e', 'drift_check_report_dir=%s' % reports)
    assert run.rc == 2, run.output
    report = read_json(reports / 'drift-check.json')
    assert (report['complete'], report['passed'], report['counts']['unreadable']) == (True, False, 1)
    suite = ElementTree.parse(str(reports / 'drift-check.junit.xml')).getroot()
    assert (suite.get('tests'), suite.get('failures'), suite.get('errors')) == ('2', '1', '0')
    # Nothing but the reports is left in their directory (no temporary file), and they are readable by all.
    assert sorted(p.name for p in reports.iterdir()) == ['drift-check.json', 'drift-check.junit.xml']
    assert [oct(p.stat().st_mode & 0o777) for p in sorted(reports.iterdir())] == ['0o644', '0o644']


# --- rsc_facts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGKILL], ids=['sigint', 'sigkill'])
def test_an_interrupted_rsc_facts_leaves_no_file_of_an_earlier_run(tmp_path, simulator_factory, sig):
    sim = simulator_factory(*ADMIN, '--devices', '2')
    sim.inject(device=1, kind='delay', delay_ms=DELAY_MS)
    inventory = static_inventory(tmp_path, sim, ('ims1', 'ims2'))
    json_path, csv_path = tmp_path / 'rsc.json', tmp_path / 'rsc.csv'
    plant_rsc_facts(json_path, csv_path)

    run = Background(tmp_path, 'rsc_facts', inventory, '-e', 'rsc_facts_json=%s' % json_path,
                     '-e', 'rsc_facts_csv=%s' % csv_path)
    wait_for(lambda: not json_path.exists() and not csv_path.exists() and gets(sim, 0)
             and delayed_request_arrived(sim, 1), 'the start of rsc_facts', run.process)
    run.stop(sig)
    assert not json_path.exists() and not csv_path.exists()


@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGTERM], ids=['sigint', 'sigterm'])
def test_a_signal_ends_a_request_in_flight_without_waiting_for_the_device(tmp_path, simulator_factory, sig):
    """ansible-playbook passes SIGINT and SIGTERM on to the worker that waits for the device; the worker stops
    waiting then, not when the device answers or the timeout ends."""
    sim = simulator_factory(*ADMIN, '--devices', '2')
    sim.inject(device=1, kind='delay', delay_ms=DELAY_MS)
    # A timeout longer than the delay: only the signal can end ims2's read before the device answers.
    inventory = static_inventory(tmp_path, sim, ('ims1', 'ims2'), ims2={'lantime_timeout': 2 * DELAY_MS // 1000})
    json_path = tmp_path / 'rsc.json'

    run = Background(tmp_path, 'rsc_facts', inventory, '-e', 'rsc_facts_json=%s' % json_path)
    wait_for(lambda: gets(sim, 0) and delayed_request_arrived(sim, 1), 'the read of ims2 in flight', run.process)
    run.stop(sig)
    # The simulator logs the delayed read once its delay is over; the run ended before that.
    assert gets(sim, 1) == [], run.output
    assert not json_path.exists()


def test_rsc_facts_with_a_failing_chassis_writes_the_failure_and_neutralises_formulas(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN, '--devices', '2')
    sim.settings(device=1, api_enabled=False)
    # Inventory names that a spreadsheet would take for formulas (the inventory plugin takes names from devices).
    inventory = static_inventory(tmp_path, sim, ('ims1', 'ims2'), ims1={'lantime_chassis': '=HYPERLINK("x")'},
                                 ims2={'lantime_chassis': '@SUM(1)'})
    json_path, csv_path = tmp_path / 'rsc.json', tmp_path / 'rsc.csv'
    plant_rsc_facts(json_path, csv_path)

    run = playbook(tmp_path, 'rsc_facts', inventory, '-e', 'rsc_facts_json=%s' % json_path,
                   '-e', 'rsc_facts_csv=%s' % csv_path)
    assert run.rc == 2, run.output
    assert [(r['host'], r['status']) for r in read_json(json_path)] == [('ims1_rsc', 'ok'), ('ims2_rsc', 'unreadable')]
    with open(csv_path, newline='', encoding='utf-8') as handle:
        rows = list(csv.DictReader(handle))
    assert [(r['host'], r['chassis'], r['status']) for r in rows] == \
        [('ims1_rsc', '\'=HYPERLINK("x")', 'ok'), ('ims2_rsc', "'@SUM(1)", 'unreadable')]
    assert 'REST API is disabled' in rows[1]['error']


# --- fleet_rollout ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGTERM], ids=['sigint', 'sigterm'])
def test_an_interrupted_rollout_leaves_an_unfinished_report_and_the_next_run_converges(tmp_path, simulator_factory, sig):
    sim = simulator_factory(*ADMIN, '--devices', '3')
    to_manual(sim, 0, 1, 2)
    setup_posts = [len(posts(sim, i)) for i in range(3)]
    inventory = static_inventory(tmp_path, sim, ('ims1', 'ims2', 'ims3'))
    report_path = tmp_path / 'rollout.json'
    plant_rollout(report_path)
    # ims3's first read hangs: the second batch (ims2, ims3) is in the middle when the signal comes.
    sim.inject(device=2, kind='delay', delay_ms=DELAY_MS, method='GET')

    run = Background(tmp_path, 'fleet_rollout', inventory, '-e', 'rollout_report_json=%s' % report_path,
                     '-e', '{"rollout_batches": [1, 2]}')
    wait_for(lambda: len(posts(sim, 1)) > setup_posts[1] and effective(sim, 1) == ('auto', 'clk1')
             and delayed_request_arrived(sim, 2), 'the write to ims2 in the second batch', run.process)
    rc = run.stop(sig)
    # SIGINT: "User interrupted execution", exit code 99. SIGTERM: ansible-playbook passes it to its workers and
    # then dies of it (a shell shows 143).
    assert rc == (99 if sig == signal.SIGINT else -signal.SIGTERM), (rc, run.output)
    report = read_json(report_path)
    assert (report['complete'], report['passed']) == (False, False), report
    # The report holds what the batches before the interrupted one did (the canary was changed), and the hosts of
    # the interrupted batch as in progress: ims2 was written, so "not touched" would be false.
    assert [(r['host'], r['status']) for r in report['hosts']] == \
        [('ims1_rsc', 'changed'), ('ims2_rsc', 'in progress'), ('ims3_rsc', 'in progress')]
    assert (report['counts']['in_progress'], report['counts']['pending'], report['counts']['not_touched']) == (2, 0, 0)
    # On the devices: the canary and ims2 were changed (the write was sent before the signal), ims3 was not.
    assert [effective(sim, i) for i in range(3)] == [('auto', 'clk1'), ('auto', 'clk1'), ('manual', 'clk1')]
    assert [len(posts(sim, i)) - setup_posts[i] for i in range(3)] == [1, 1, 0]

    sim.control('DELETE', 'faults', device=2)
    run = playbook(tmp_path, 'fleet_rollout', inventory, '-e', 'rollout_report_json=%s' % report_path)
    assert run.rc == 0, run.output
    assert '3 hosts: 1 changed, 2 already compliant.' in run.output
    # No second write where the first one already shows: one write per card over both runs.
    assert [len(posts(sim, i)) - setup_posts[i] for i in range(3)] == [1, 1, 1]
    assert [effective(sim, i) for i in range(3)] == [('auto', 'clk1')] * 3
    report = read_json(report_path)
    assert (report['complete'], report['passed'], report['stopped']) == (True, True, False)
    assert report['counts'] == {'hosts': 3, 'changed': 1, 'drift': 0, 'compliant': 2, 'refused': 0, 'unreadable': 0,
                                'failed': 0, 'not_touched': 0}


def test_a_stopped_rollout_leaves_a_complete_failing_report(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN, '--devices', '2')
    to_manual(sim, 0, 1)
    sim.set_clock('clk2', False, device=0)  # the canary is refused
    inventory = static_inventory(tmp_path, sim, ('ims1', 'ims2'))
    report_path = tmp_path / 'reports' / 'rollout.json'
    report_path.parent.mkdir()
    plant_rollout(report_path)

    run = playbook(tmp_path, 'fleet_rollout', inventory, '-e', 'rollout_report_json=%s' % report_path)
    assert run.rc == 2, run.output
    report = read_json(report_path)
    assert (report['complete'], report['passed'], report['stopped']) == (True, False, True)
    assert [(r['host'], r['status'], r['chassis']) for r in report['hosts']] == \
        [('ims1_rsc', 'refused', 'ims1'), ('ims2_rsc', 'not touched', 'ims2')]
    assert report['counts']['refused'] == 1 and report['counts']['not_touched'] == 1


def test_a_rollout_under_way_says_which_hosts_are_pending(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN, '--devices', '3')
    to_manual(sim, 0, 1, 2)
    inventory = static_inventory(tmp_path, sim, ('ims1', 'ims2', 'ims3'))
    report_path = tmp_path / 'rollout.json'
    sim.inject(device=1, kind='delay', delay_ms=DELAY_MS, method='GET')  # the second batch hangs

    run = Background(tmp_path, 'fleet_rollout', inventory, '-e', 'rollout_report_json=%s' % report_path,
                     '-e', '{"rollout_batches": [1]}')
    wait_for(lambda: [r['status'] for r in (read_json(report_path) or {}).get('hosts', [])]
             == ['changed', 'in progress', 'pending'] and delayed_request_arrived(sim, 1),
             'the second batch under way in the report', run.process)
    rc = run.stop(signal.SIGINT)
    assert rc == 99, (rc, run.output)
    report = read_json(report_path)
    assert (report['complete'], report['passed']) == (False, False), (report, run.output)
    assert report['counts']['in_progress'] == 1 and report['counts']['pending'] == 1
    assert [effective(sim, i) for i in range(3)] == [('auto', 'clk1'), ('manual', 'clk1'), ('manual', 'clk1')]


# --- no host matched -------------------------------------------------------------------------------------------


def test_a_rollout_that_matches_no_host_fails_and_leaves_no_passing_report(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN, '--devices', '1')
    inventory = static_inventory(tmp_path, sim, ('ims1',))
    report_path = tmp_path / 'rollout.json'
    plant_rollout(report_path)

    run = playbook(tmp_path, 'fleet_rollout', inventory, '-e', 'rollout_report_json=%s' % report_path,
                   '-e', 'rsc_hosts=nomatch')
    assert run.rc == 2, run.output
    assert 'No host matched rsc_hosts="nomatch"' in shown(run.output)
    report = read_json(report_path)
    assert (report['complete'], report['passed'], report['hosts']) == (True, False, []), report
    assert 'No host matched' in report['note']
    assert posts(sim, 0) == []


def test_a_drift_check_that_matches_no_host_fails_and_leaves_no_passing_report(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN, '--devices', '1')
    inventory = static_inventory(tmp_path, sim, ('ims1',))
    reports = tmp_path / 'reports'
    plant_drift_check(reports)

    run = playbook(tmp_path, 'drift_check', inventory, '-e', 'drift_check_report_dir=%s' % reports,
                   '-e', 'rsc_hosts=nomatch')
    assert run.rc == 2, run.output
    assert 'No host matched "nomatch"' in shown(run.output)
    report = read_json(reports / 'drift-check.json')
    assert (report['complete'], report['passed'], report['hosts']) == (True, False, [])
    # A JUnit report without a test case passes in most CI systems: this one has one failure that says why.
    suite = ElementTree.parse(str(reports / 'drift-check.junit.xml')).getroot()
    assert (suite.get('tests'), suite.get('failures')) == ('1', '1')
    assert 'no host matched' in suite.find('testsuite/testcase/failure').get('message')


# --- links and directories of other users ------------------------------------------------------------------------


def test_a_link_at_a_report_path_is_replaced_never_its_target(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN, '--devices', '1')
    inventory = static_inventory(tmp_path, sim, ('ims1',))
    victim = tmp_path / 'victim' / 'important.conf'
    victim.parent.mkdir()
    victim.write_text('keep me\n', encoding='utf-8')
    reports = tmp_path / 'reports'
    reports.mkdir()
    for name in ('rsc.csv', 'rsc.json'):
        (reports / name).symlink_to(victim)

    run = playbook(tmp_path, 'rsc_facts', inventory, '-e', 'rsc_facts_json=%s' % (reports / 'rsc.json'),
                   '-e', 'rsc_facts_csv=%s' % (reports / 'rsc.csv'))
    assert run.rc == 0, run.output
    assert victim.read_text(encoding='utf-8') == 'keep me\n'
    assert not (reports / 'rsc.csv').is_symlink() and not (reports / 'rsc.json').is_symlink()
    assert [r['host'] for r in read_json(reports / 'rsc.json')] == ['ims1_rsc']


def test_a_report_directory_others_can_write_is_refused(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN, '--devices', '1')
    inventory = static_inventory(tmp_path, sim, ('ims1',))
    shared = tmp_path / 'shared'
    shared.mkdir()
    shared.chmod(0o1777)  # like /var/tmp: anybody may plant a link in it

    run = playbook(tmp_path, 'drift_check', inventory, '-e', 'drift_check_report_dir=%s' % shared)
    assert run.rc == 2, run.output
    assert 'refusing the directory %s' % shared in run.output and 'writable by group and others' in run.output
    assert list(shared.iterdir()) == []
    assert gets(sim, 0) == []  # refused before any chassis is read
