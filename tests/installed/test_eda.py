# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""A shipped rulebook run the way docs/events.md tells users to, from the user's project (installed collection).

Runs with the Python of the ansible-rulebook environment (`make installed` does so; .venv-eda, JAVA_HOME from
tests/utils/java_home.sh). ansible-rulebook runs each run_playbook in a temporary directory of its own, so the
project's ansible.cfg is found only through ANSIBLE_CONFIG, and the inventory's group_vars (the CA path) only when
-i names the inventory directory.
"""

import json
import os
import signal
import subprocess

import pytest
import yaml

from conftest import BIN, PASSWORD, USERNAME, VIEWER_PASSWORD
from suite_helpers import wait_until

EVENT_TIMEOUT = 60
PLAYBOOK_TIMEOUT = 180


def finished(path):
    try:
        data = json.loads(path.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, list) else None


@pytest.fixture
def failover_rulebook(project, sim):
    """rsc_failover.yml copied from the installed collection, edited as its comments say: the chassis list."""
    if not (BIN / 'ansible-rulebook').exists():
        pytest.fail('ansible-rulebook is not in %s: run this file with the Python of .venv-eda (make installed)' % BIN)
    shipped = project.collection / 'extensions' / 'eda' / 'rulebooks' / 'rsc_failover.yml'
    rulesets = yaml.safe_load(shipped.read_text(encoding='utf-8'))
    options = rulesets[0]['sources'][0]['meinberg.lantime.rsc_events']
    options.update(chassis=[{'name': 'ims-a', 'host': sim.url(0)}, {'name': 'ims-b', 'host': sim.url(1)}],
                   interval=1, ca_path=str(project.ca), startup_event=True)
    report = project.root / 'eda' / 'rsc-facts.json'
    run_playbook = rulesets[0]['rules'][1]['action']['run_playbook']
    assert run_playbook['name'] == 'meinberg.lantime.rsc_facts'
    # A report path in a rulebook is absolute: the playbook runs in a temporary directory of ansible-rulebook's.
    run_playbook['extra_vars']['rsc_facts_json'] = str(report)
    # The copy also prints its startup events, so the test knows when both chassis have been read.
    rulesets[0]['rules'].insert(0, {'name': 'Started', 'condition': 'event.lantime.type == "startup"',
                                    'action': {'print_event': {}}})
    path = project.root / 'rsc_failover.yml'
    path.write_text(yaml.safe_dump(rulesets, sort_keys=False), encoding='utf-8')
    started = []

    def start(*arguments, env=None):
        java_home = os.environ.get('JAVA_HOME', '')
        environ = project.env(JAVA_HOME=java_home, LANTIME_USERNAME=USERNAME, LANTIME_PASSWORD=PASSWORD,
                              PYTHONUNBUFFERED=1, **(env or {}))
        environ['PATH'] = '%s/bin%s%s' % (java_home, os.pathsep, environ['PATH'])
        log = project.root / ('rulebook%d.log' % len(started))
        with open(log, 'wb') as out:
            process = subprocess.Popen([str(BIN / 'ansible-rulebook'), '--rulebook', path.name, *arguments],  # pylint: disable=consider-using-with
                                       cwd=str(project.root), env=environ, stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        process.log = log
        process.output = lambda: log.read_text(encoding='utf-8', errors='replace')
        started.append(process)
        return process

    start.report = report
    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        assert PASSWORD not in process.output() and VIEWER_PASSWORD not in process.output()


def test_failover_rulebook_runs_rsc_facts_from_the_users_project(project, sim, failover_rulebook):
    """As docs/events.md says: ANSIBLE_CONFIG exported (absolute), -i the inventory directory."""
    run = failover_rulebook('-i', 'inventory/', env={'ANSIBLE_CONFIG': project.root / 'ansible.cfg'})
    wait_until(lambda: run.output().count("'type': 'startup'") >= 2 or run.poll() is not None, EVENT_TIMEOUT,
               lambda: 'both startup events\n' + run.output()[-6000:])
    assert run.poll() is None, run.output()[-6000:]

    sim.set_clock('clk1', False, device=0)   # ims-a fails over to clk2
    data = wait_until(lambda: finished(failover_rulebook.report) or run.poll() is not None, PLAYBOOK_TIMEOUT,
                      lambda: 'rsc_facts to write its report\n' + run.output()[-6000:])
    # finished() gives the report's records; True only means that the rulebook ended before it was written.
    assert isinstance(data, list), 'ansible-rulebook ended before rsc_facts wrote its report:\n' + run.output()[-6000:]
    assert [record['host'] for record in data] == ['ims-a_rsc'], data
    assert data[0]['after']['selected_clock'] == 'clk2' and data[0]['error'] is None, data
    # The playbook finished and succeeded: its recap, with nothing failed, and no ERROR from ansible-rulebook.
    output = wait_until(lambda: 'PLAY RECAP' in run.output() and run.output(), 60,
                        lambda: 'the playbook recap\n' + run.output()[-6000:])
    recap = output[output.index('PLAY RECAP'):]
    assert 'failed=0' in recap and 'failed=1' not in recap, output[-6000:]
    assert 'ERROR' not in output, output[-6000:]
    assert sim.rsc(0) == ('auto', 'clk2')


def test_without_ansible_config_the_playbook_cannot_find_the_collection(project, sim, failover_rulebook):
    """What docs/events.md tells users to look for: the rulebook goes on, ansible-rulebook logs the failure."""
    run = failover_rulebook('-i', 'inventory/')
    wait_until(lambda: run.output().count("'type': 'startup'") >= 2 or run.poll() is not None, EVENT_TIMEOUT,
               lambda: 'both startup events\n' + run.output()[-6000:])
    sim.set_clock('clk1', False, device=0)
    marker = 'ansible_rulebook.action.run_playbook - ERROR'
    output = wait_until(lambda: marker in run.output() and run.output(), PLAYBOOK_TIMEOUT,
                        lambda: 'the ERROR line of the failed playbook\n' + run.output()[-6000:])
    assert "specifies unknown plugin 'meinberg.lantime.ims'" in output, output[-6000:]
    assert "couldn't resolve module/action 'meinberg.lantime.rsc_report'" in output, output[-6000:]
    assert run.poll() is None, 'ansible-rulebook stopped: ' + output[-6000:]
    assert not failover_rulebook.report.exists()
