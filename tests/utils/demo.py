# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""`make demo`: the collection's whole story against the device simulator, in under a minute.

Starts the simulator with three IMS chassis, puts two of them out of policy (as an engineer might leave them after
maintenance), then runs the real commands one at a time: discovery through the inventory plugin, the facts table,
a drift check that finds the drift, a fleet rollout that fixes it, the drift check again (passing), and a clock
failure injected through the simulator's control API, with the facts table showing the failover.

Every step is checked against the simulator and the reports; the script exits non-zero when a step did not behave
as expected. Standard library only; Ansible comes from the same bin directory as the Python running this script.

    .venv/bin/python tests/utils/demo.py [--full] [--keep]

--full shows Ansible's complete output instead of the tables; --keep keeps the work directory (inventory, reports).
"""

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from xml.etree import ElementTree
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SIMULATOR = REPO / 'tests' / 'simulator'
USER, PASSWORD = 'admin', 'Demo-Secret1'  # the simulator's user for this demo only
CHASSIS = ('ims1', 'ims2', 'ims3')
RSC_HOSTS = tuple('%s_rsc' % name for name in CHASSIS)
RSC_CONFIG = '/api/configuration/chassis0/slots/rsc/module/rsc'

# Debug tasks whose message the demo prints (the playbooks' own tables and summaries).
SHOWN_TASKS = (
    'Print the RSC table',
    'Print the drift check summary',
    'Summary of this batch, and of the rollout after the last batch or a stop',
)
# Tasks whose failure message the demo prints (the playbooks' verdicts).
SHOWN_FAILURES = (
    'Fail when no host matched, or a host drifts or cannot be read',
    'Fail the hosts whose change failed, so that the failure limit stops the rollout',
    'Every RSC card could be read',
)
RESULT_LINE = re.compile(r'^(ok|changed|fatal): \[([^\]]+)\](?:: FAILED!)? => (\{.*)$')


class DemoError(Exception):
    """A step did not behave as the story says it should."""


def unwrap(value):
    """ansible-inventory --list marks device strings as unsafe ({"__ansible_unsafe": "..."}); the demo wants values."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return dict((key, unwrap(item)) for key, item in value.items())
    if isinstance(value, list):
        return [unwrap(item) for item in value]
    return value


def say(text='', indent=0):
    for line in str(text).splitlines() or ['']:
        print(' ' * indent + line)
    sys.stdout.flush()


def headline(number, total, text):
    say()
    say('=' * 100)
    say('%d/%d %s' % (number, total, text))
    say('=' * 100)


def expect(condition, message):
    if not condition:
        raise DemoError(message)
    say('  OK  ' + message)


class Simulator:
    """The simulator as a child process, plus the few API and control calls the demo needs."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.ready_file = workdir / 'simulator.json'
        self.process = None
        self.devices = []
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def start(self):
        command = [sys.executable, str(SIMULATOR), '--no-tls', '--devices', str(len(CHASSIS)), '--settle-ms', '300',
                   '--user', '%s:%s:admin' % (USER, PASSWORD), '--ready-file', str(self.ready_file)]
        log = open(self.workdir / 'simulator.log', 'wb')  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(command, cwd=str(REPO), stdout=log, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with
        log.close()
        deadline = time.monotonic() + 30
        while not self.ready_file.exists():
            if self.process.poll() is not None:
                raise DemoError('the simulator exited with %s: %s' % (
                    self.process.returncode, (self.workdir / 'simulator.log').read_text(encoding='utf-8', errors='replace')))
            if time.monotonic() > deadline:
                raise DemoError('the simulator did not start within 30 s')
            time.sleep(0.05)
        self.devices = json.loads(self.ready_file.read_text(encoding='utf-8'))['devices']

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def url(self, index):
        return self.devices[index]['url']

    def _call(self, index, method, path, body=None, auth=False):
        headers = {'Content-Type': 'application/json'}
        if auth:
            headers['Authorization'] = 'Basic ' + base64.b64encode(('%s:%s' % (USER, PASSWORD)).encode()).decode()
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url(index) + path, data=data, method=method, headers=headers)
        with self.opener.open(request, timeout=10) as reply:
            return json.loads(reply.read() or b'null')

    def configure_rsc(self, index, **settings):
        """What an engineer does in the web interface: a write through the device's own REST API."""
        return self._call(index, 'POST', RSC_CONFIG, dict((k.replace('_', '-'), v) for k, v in settings.items()),
                          auth=True)

    def set_clock(self, index, clock, time_sync):
        return self._call(index, 'POST', '/_sim/clock', {'clock': clock, 'time-sync': time_sync})

    def effective(self, index):
        state = self._call(index, 'GET', '/_sim/state')['rsc']
        return state['effective']['switch-mode'], state['effective']['selected-clock']

    def writes(self, index):
        return sum(1 for r in self._call(index, 'GET', '/_sim/stats')['requests'] if r['method'] != 'GET')

    def wait_for(self, index, wanted, timeout=5.0):
        deadline = time.monotonic() + timeout
        while self.effective(index) != wanted:
            if time.monotonic() > deadline:
                raise DemoError('%s did not reach %s' % (CHASSIS[index], wanted))
            time.sleep(0.05)


class Demo:
    def __init__(self, workdir, full):
        self.workdir = workdir
        self.full = full
        self.shown = 0
        self.writes_before = []
        self.sim = Simulator(workdir)
        self.inventory = workdir / 'demo.ims.yml'
        self.env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ANSIBLE_', 'LANTIME_')))
        self.env.update({
            'ANSIBLE_CONFIG': str(REPO / 'ansible.cfg'),
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_DEPRECATION_WARNINGS': 'false',
            'ANSIBLE_LOCAL_TEMP': str(workdir / 'ansible-tmp'),
            'ANSIBLE_RETRY_FILES_ENABLED': 'false',
            'LANTIME_USERNAME': USER,
            'LANTIME_PASSWORD': PASSWORD,
        })

    # -- running Ansible -------------------------------------------------------------------------------------------
    def shown_command(self, command):
        """The command as a user types it from the repo root, with $DEMO for the work directory."""
        words = [Path(word).name if word.startswith(str(BIN)) else word for word in command]
        return ' '.join(words).replace(str(self.workdir), '$DEMO')

    def ansible(self, tool, *args):
        """Run an Ansible command from the repo root, print the interesting part, return (rc, stdout)."""
        command = [str(BIN / tool), *map(str, args)]
        say('$ ' + self.shown_command(command), 2)
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=str(REPO), env=self.env, stdout=subprocess.PIPE,  # pylint: disable=consider-using-with
                                   stderr=subprocess.PIPE, text=True)
        output = []
        task, pending = None, None
        self.shown = 0
        for line in process.stdout:
            output.append(line)
            if self.full:
                say(line.rstrip('\n'), 4)
                continue
            if pending is not None:
                pending.append(line)
                if line.rstrip() == '}':
                    self.show_result(task, '\n'.join(pending))
                    pending = None
                continue
            if line.startswith('TASK ['):
                task = line[len('TASK ['):].rsplit(']', 1)[0].split(' : ', 1)[-1]
                continue
            match = RESULT_LINE.match(line.rstrip('\n'))
            if match and (task in SHOWN_TASKS or (match.group(1) == 'fatal' and task in SHOWN_FAILURES)):
                if match.group(3).rstrip().endswith('}'):
                    self.show_result(task, match.group(3))
                else:
                    pending = [match.group(3)]
        stderr = process.stderr.read()
        rc = process.wait()
        say('(exit code %d, %.1f s)' % (rc, time.monotonic() - started), 2)
        if rc not in (0, 2) or (rc == 2 and not output):
            say(stderr, 4)
        return rc, ''.join(output)

    def show_result(self, task, text):
        if self.shown:
            say()
        self.shown += 1
        try:
            result = json.loads(text)
        except ValueError:
            say(text, 4)
            return
        message = result.get('msg', '')
        for line in message if isinstance(message, list) else [message]:
            say(line, 4)

    def playbook(self, name, *args):
        return self.ansible('ansible-playbook', '-i', self.inventory, 'playbooks/%s.yml' % name, *args)

    # -- the story ---------------------------------------------------------------------------------------------------
    def setup(self):
        say('meinberg.lantime demo: three simulated LANTIME IMS chassis (M3000, RSC card, two GPS clocks each)')
        self.sim.start()
        lines = ['plugin: meinberg.lantime.ims', '# Credentials come from LANTIME_USERNAME and LANTIME_PASSWORD.',
                 'chassis:']
        for index, name in enumerate(CHASSIS):
            lines += ['  - name: %s' % name, '    host: %s' % self.sim.url(index)]
        self.inventory.write_text('\n'.join(lines) + '\n', encoding='utf-8')
        say('  simulator: %s (plain HTTP on 127.0.0.1, user %s)' % (', '.join(d['url'] for d in self.sim.devices), USER))
        say('  work directory: DEMO=%s' % self.workdir)
        say('  inventory: $DEMO/%s' % self.inventory.name)
        say(self.inventory.read_text(encoding='utf-8'), 4)
        say('  Setting the scene: after maintenance, ims2 was left in manual mode on clk1 and ims3 in manual mode on')
        say('  clk2. Manual mode means no failover: if the clock in use fails, its outputs follow a free-running clock.')
        self.sim.configure_rsc(1, switch_mode='manual')
        self.sim.configure_rsc(2, switch_mode='manual', selected_clock='clk2')
        self.sim.wait_for(1, ('manual', 'clk1'))
        self.sim.wait_for(2, ('manual', 'clk2'))
        self.writes_before = [self.sim.writes(i) for i in range(len(CHASSIS))]

    def step_discover(self):
        headline(1, 6, 'Discover the chassis and their slots (inventory plugin meinberg.lantime.ims)')
        say('  One GET /api/status/chassis0 per chassis; one host per fitted slot, grouped by slot type and chassis.')
        rc, out = self.ansible('ansible-inventory', '-i', self.inventory, '--list')
        expect(rc == 0, 'ansible-inventory read all three chassis')
        inventory = unwrap(json.loads(out))
        hostvars = inventory['_meta']['hostvars']
        for name in CHASSIS:
            slots = sorted((v['lantime_slot_id'], v.get('lantime_model') or '?') for v in hostvars.values()
                           if v.get('lantime_chassis') == name)
            say('%-5s %s' % (name, ', '.join('%s=%s' % slot for slot in slots)), 4)
        rsc = sorted(inventory.get('lantime_rsc', {}).get('hosts', []))
        say('group lantime_rsc: %s' % ', '.join(rsc), 4)
        say('host vars of ims2_rsc: %s' % ', '.join(
            '%s=%s' % (key, hostvars['ims2_rsc'][key]) for key in
            ('lantime_host', 'lantime_slot_id', 'lantime_rsc_switch_mode', 'lantime_rsc_selected_clock')), 4)
        expect(tuple(rsc) == RSC_HOSTS, 'the three RSC cards are the hosts of the group lantime_rsc')

    def step_facts(self, number, title):
        headline(number, 6, title)
        facts = self.workdir / ('facts-%d.json' % number)
        rc, _out = self.playbook('rsc_facts', '-e', 'rsc_facts_json=%s' % facts)
        expect(rc == 0, 'rsc_facts read every RSC card (and wrote %s)' % facts.name)
        if number == 2:
            say('  FAILOVER ready: the card would switch to the other clock now if the one in use lost sync.')
        return dict((r['host'], r) for r in json.loads(facts.read_text(encoding='utf-8')))

    def step_drift_check(self, number, title, expect_drift):
        headline(number, 6, title)
        reports = self.workdir / ('reports-%d' % number)
        rc, _out = self.playbook('drift_check', '-e', 'drift_check_report_dir=%s' % reports)
        report = json.loads((reports / 'drift-check.json').read_text(encoding='utf-8'))
        suite = ElementTree.parse(str(reports / 'drift-check.junit.xml')).getroot()
        failed_cases = sorted(case.get('name') for case in suite.iter('testcase') if case.find('failure') is not None)
        drifting = sorted(r['host'] for r in report['hosts'] if r['status'] != 'compliant')
        if expect_drift:
            expect(rc != 0, 'the drift check failed (exit code %d), as CI needs it to' % rc)
            expect(drifting == list(expect_drift) == failed_cases,
                   'both reports name the drifting hosts: %s (JUnit: %d test cases, %d failures)'
                   % (', '.join(drifting), len(list(suite.iter('testcase'))), len(failed_cases)))
        else:
            expect(rc == 0 and report['passed'] and not failed_cases,
                   'the drift check passed: %d hosts compliant, no JUnit failure' % report['counts']['hosts'])
        writes = [self.sim.writes(i) for i in range(len(CHASSIS))]
        expect(writes == self.writes_before, 'no write reached any chassis (check mode)')

    def step_rollout(self):
        headline(4, 6, 'Fleet rollout: a canary first, then 25 %, then the rest (playbook fleet_rollout)')
        say('  Each host: read, pre-flight checks (both clocks synchronized, card healthy), write only if needed,')
        say('  then read back and verify (auto mode must show failover_ready). The rollout stops at the first failure.')
        rc, _out = self.playbook('fleet_rollout')
        expect(rc == 0, 'the rollout finished without failure')
        states = [self.sim.effective(i) for i in range(len(CHASSIS))]
        expect(states == [('auto', 'clk1'), ('auto', 'clk1'), ('auto', 'clk2')],
               'every card is in auto mode now; ims3 stays on clk2 (the policy accepts either clock)')
        writes = [self.sim.writes(i) - self.writes_before[i] for i in range(len(CHASSIS))]
        expect(writes == [0, 1, 1], 'ims1 (already compliant) was not written to; ims2 and ims3 got one write each')
        self.writes_before = [self.sim.writes(i) for i in range(len(CHASSIS))]

    def step_failover(self):
        title = 'A clock failure: clk1 of ims1 loses sync (simulator control API), and the card fails over'
        self.sim.set_clock(0, 'clk1', False)
        facts = self.step_facts(6, title)
        ims1 = facts['ims1_rsc']
        expect(ims1['after']['selected_clock'] == 'clk2' and ims1['switchover_count'] == 1,
               'ims1 switched to clk2 on its own (switchover count 1)')
        expect(ims1['failover_ready'] is False and 'clk1 not synchronized' in ims1['alarms'],
               'the table shows that ims1 has no standby clock left until clk1 is fixed')

    def run(self):
        started = time.monotonic()
        self.setup()
        self.step_discover()
        facts = self.step_facts(2, 'The facts table: every RSC card in one table (playbook rsc_facts)')
        expect([facts[h]['before']['switch_mode'] for h in RSC_HOSTS] == ['auto', 'manual', 'manual'],
               'the table shows ims2 and ims3 in manual mode: no failover there')
        self.step_drift_check(3, 'Drift check against the policy "auto mode, any clock" (playbook drift_check, '
                                 'check mode)', expect_drift=('ims2_rsc', 'ims3_rsc'))
        self.step_rollout()
        self.step_drift_check(5, 'The drift check again', expect_drift=())
        self.step_failover()
        say()
        say('Demo finished in %.0f s: every step behaved as expected.' % (time.monotonic() - started))
        say('Next: docs/getting-started.md (your own chassis), docs/drift-check.md (CI), docs/fleet-rollout.md.')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--full', action='store_true', help="show Ansible's complete output")
    parser.add_argument('--keep', action='store_true', help='keep the work directory (inventory and reports)')
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix='lantime-demo-'))
    demo = Demo(workdir, args.full)
    try:
        demo.run()
        return 0
    except DemoError as exc:
        say()
        say('DEMO FAILED: %s' % exc)
        say('Run it again with --full to see all of Ansible\'s output.')
        return 1
    except (OSError, urllib.error.URLError) as exc:
        say()
        say('DEMO FAILED: %s' % exc)
        return 1
    finally:
        demo.sim.stop()
        if args.keep:
            say('Work directory kept: %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
