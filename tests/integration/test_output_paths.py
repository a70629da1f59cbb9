# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Every output path is relative to the directory ansible-playbook was started in, whatever directory the playbook
is in and whatever the environment's PWD says: the playbooks run by their FQCN from a working directory outside the
repository, with PWD pointing somewhere else, as a wrapper or a job runner may leave it."""

import json
import subprocess

from ansible_run import BIN, base_env
from test_capture import PASSWORD as VIEWER_PASSWORD
from test_playbooks import ADMIN, CREDENTIALS, plugin_inventory


def run_from(tmp_path, cwd, playbook, inventory, *args, env=None):
    """ansible-playbook started in cwd, with the environment's PWD naming another directory."""
    cwd.mkdir(parents=True, exist_ok=True)
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir(exist_ok=True)
    environ = base_env(tmp_path, dict(CREDENTIALS, PWD=str(elsewhere), **(env or {})))
    completed = subprocess.run([str(BIN / 'ansible-playbook'), '-i', inventory, playbook, *args], cwd=str(cwd),
                               env=environ, capture_output=True, text=True, check=False, timeout=600)
    return completed, elsewhere


def recap_hosts(output):
    """The hosts of the play recap, without localhost (where the capture picks its hosts)."""
    return [line.split()[0] for line in output.split('PLAY RECAP')[1].splitlines()
            if ' : ok=' in line and line.split()[0] != 'localhost']


def files(directory):
    return sorted(str(path.relative_to(directory)) for path in directory.rglob('*') if path.is_file())


def test_reports_and_captures_go_to_the_working_directory(tmp_path, simulator_factory):
    sim = simulator_factory(*ADMIN, '--devices', '2')
    inventory = plugin_inventory(tmp_path, sim, ('ims1', 'ims2'))
    work = tmp_path / 'work'
    runs = [
        ('meinberg.lantime.rsc_facts', '-e', 'rsc_facts_json=out/rsc.json', '-e', 'rsc_facts_csv=rsc.csv'),
        ('meinberg.lantime.drift_check', '-e', 'drift_check_report_dir=drift'),
        ('meinberg.lantime.fleet_rollout', '-e', 'rollout_report_json=rollout/rollout.json'),
        ('meinberg.lantime.capture', '-e', 'capture_dir=captures'),
    ]
    for playbook, *args in runs:
        completed, elsewhere = run_from(tmp_path, work, playbook, inventory, *args)
        assert completed.returncode == 0, playbook + completed.stdout + completed.stderr
        assert files(elsewhere) == [], playbook
    assert files(work) == ['captures/ims1.json', 'captures/ims2.json', 'drift/drift-check.json',
                           'drift/drift-check.junit.xml', 'out/rsc.json', 'rollout/rollout.json', 'rsc.csv']
    assert len(json.loads((work / 'out' / 'rsc.json').read_text(encoding='utf-8'))) == 2
    assert json.loads((work / 'rollout' / 'rollout.json').read_text(encoding='utf-8'))['complete'] is True


def test_capture_runs_once_per_chassis_with_its_default_directory(tmp_path, simulator_factory):
    sim = simulator_factory('--no-tls', '--user', 'viewer:%s:info' % VIEWER_PASSWORD, '--devices', '2')
    inventory = plugin_inventory(tmp_path, sim, ('fra-ims1', 'muc-ims2'))
    work = tmp_path / 'work'
    completed, dummy = run_from(tmp_path, work, 'meinberg.lantime.capture', inventory,
                                env={'LANTIME_USERNAME': 'viewer', 'LANTIME_PASSWORD': VIEWER_PASSWORD})
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert files(work) == ['lantime-captures/fra-ims1.json', 'lantime-captures/muc-ims2.json']
    # One task line per chassis, through its RSC card; no slot host is skipped, as none is in the play.
    assert recap_hosts(output) == ['fra-ims1_rsc', 'muc-ims2_rsc']
    assert 'skipping:' not in output and 'skipped=0' in output
    assert output.count('Capture: %s/lantime-captures/' % work) == 2


def test_capture_takes_each_chassis_of_any_pattern_once(tmp_path, simulator_factory):
    """A pattern of slot hosts (a slot-type group, one slot host) or a static inventory without the plugin's groups
    captures the chassis of the hosts it matches, each once; a pattern that matches nothing fails."""
    sim = simulator_factory('--no-tls', '--user', 'viewer:%s:info' % VIEWER_PASSWORD, '--devices', '2')
    inventory = plugin_inventory(tmp_path, sim, ('fra-ims1', 'muc-ims2'))
    static = tmp_path / 'static.ini'
    static.write_text('[clocks]\nfra-clock ansible_connection=local lantime_host=%s lantime_chassis=fra-ims1\n'
                      'fra-clock2 ansible_connection=local lantime_host=%s lantime_chassis=fra-ims1\n'
                      'muc-card ansible_connection=local lantime_host=%s\n' % (sim.url(0), sim.url(0), sim.url(1)),
                      encoding='utf-8')
    viewer = {'LANTIME_USERNAME': 'viewer', 'LANTIME_PASSWORD': VIEWER_PASSWORD}
    cases = [
        (inventory, 'lantime_clk', ['fra-ims1_clk1', 'muc-ims2_clk1'], ['fra-ims1.json', 'muc-ims2.json']),
        (inventory, 'fra-ims1_clk2', ['fra-ims1_clk2'], ['fra-ims1.json']),
        (inventory, 'lantime_clk:lantime_rsc', ['fra-ims1_rsc', 'muc-ims2_rsc'], ['fra-ims1.json', 'muc-ims2.json']),
        (str(static), 'clocks', ['fra-clock', 'muc-card'], ['fra-ims1.json', 'muc-card.json']),
    ]
    for index, (source, pattern, hosts, captured) in enumerate(cases):
        work = tmp_path / ('work%d' % index)
        completed, dummy = run_from(tmp_path, work, 'meinberg.lantime.capture', source, '-e',
                                    'capture_hosts=%s' % pattern, env=viewer)
        output = completed.stdout + completed.stderr
        assert completed.returncode == 0, pattern + output
        assert files(work) == ['lantime-captures/%s' % name for name in captured], pattern + output
        assert recap_hosts(output) == hosts, pattern + output
        assert output.count('Capture: %s/lantime-captures/' % work) == len(captured), pattern + output

    completed, dummy = run_from(tmp_path, tmp_path / 'none', 'meinberg.lantime.capture', inventory, '-e',
                                'capture_hosts=no_such_group', env=viewer)
    output = ' '.join((completed.stdout + completed.stderr).split())
    assert completed.returncode == 2, output
    assert 'capture_hosts=no_such_group matches no host of the inventory, so there is no chassis to capture' in output
    assert files(tmp_path / 'none') == []
