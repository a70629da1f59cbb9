# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Run the real ansible-rulebook with meinberg.lantime.rsc_events against the device simulator.

Fixtures:

* ``sims`` -- start a simulator (``sims(3)``: three chassis, plain HTTP, user ``admin``/``Adm1n-Secret``);
  stopped after the test. It is tests/integration's SimulatorProcess.
* ``rulebook`` -- start ``ansible-rulebook`` with a rulebook of the test's own; ``Rulebook.events()`` reads the
  events its ``print_event`` actions printed, ``Rulebook.wait_for()`` waits for a condition with a deadline.
"""

import ast
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / 'tests' / 'utils'))
from suite_helpers import load_simulator_process, wait_until  # noqa: E402 pylint: disable=wrong-import-position
COLLECTIONS = REPO_ROOT / '.collections'
BIN = Path(sys.executable).parent
PASSWORD = 'Adm1n-Secret'
USERNAME = 'admin'


SimulatorProcess = load_simulator_process('lantime_integration_conftest')


def printed_event(line):
    """The event a print_event line holds, or None (another line, the -vv pretty dump, or a line still being written).

    print_event writes the event and its newline in two writes. From -v on, ansible-rulebook logs to the same stdout,
    and the source's worker threads log their requests, so a log line can land between the two writes, on the
    event's line. The event is therefore the longest prefix of the line that is a whole literal.
    """
    if not line.startswith('{') or "'lantime': {" not in line:
        return None
    ends = [index + 1 for index, char in enumerate(line) if char == '}']
    for end in reversed(ends):
        try:
            event = ast.literal_eval(line[:end])
        except (ValueError, SyntaxError):
            continue
        return event if isinstance(event, dict) and isinstance(event.get('lantime'), dict) else None
    return None


class Rulebook:
    """One ansible-rulebook process and the files it reads and writes."""

    def __init__(self, workdir, rulesets, inventory=None, verbosity=0, env=None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.path = self.workdir / 'rulebook.yml'
        self.path.write_text(json.dumps(rulesets, indent=1), encoding='utf-8')  # JSON is YAML
        self.stdout_path = self.workdir / 'rulebook.stdout'
        self.stderr_path = self.workdir / 'rulebook.stderr'
        self.inventory = self.workdir / 'lantime.ims.yml'
        self.inventory.write_text(json.dumps(inventory or {'plugin': 'meinberg.lantime.ims', 'chassis': []}),
                                  encoding='utf-8')
        environ = dict(os.environ)
        for key in list(environ):
            if key.startswith('LANTIME_') or key.startswith('ANSIBLE_'):
                del environ[key]
        environ.update({
            'PATH': '%s%s%s' % (BIN, os.pathsep, environ.get('PATH', '')),
            'ANSIBLE_COLLECTIONS_PATH': str(COLLECTIONS),
            'ANSIBLE_LOCAL_TEMP': str(self.workdir / 'ansible-tmp'),
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_DEPRECATION_WARNINGS': 'false',
            'LANTIME_USERNAME': USERNAME,
            'LANTIME_PASSWORD': PASSWORD,
            'PYTHONUNBUFFERED': '1',
        })
        environ.update(env or {})
        command = [str(BIN / 'ansible-rulebook'), '--rulebook', str(self.path), '-i', str(self.inventory),
                   '--execution-strategy', 'parallel']
        if verbosity:
            command.append('-' + 'v' * verbosity)
        self.started = time.monotonic()
        with open(self.stdout_path, 'wb') as stdout, open(self.stderr_path, 'wb') as stderr:
            self.process = subprocess.Popen(command, cwd=str(self.workdir), env=environ,  # pylint: disable=consider-using-with
                                            stdout=stdout, stderr=stderr, start_new_session=True)

    @property
    def stdout(self):
        return self.stdout_path.read_text(encoding='utf-8', errors='replace')

    @property
    def stderr(self):
        return self.stderr_path.read_text(encoding='utf-8', errors='replace')

    @property
    def output(self):
        return self.stdout + self.stderr

    def events(self, kind=None, chassis=None):
        """The events the print_event actions printed so far (one Python literal per line), in order."""
        found = []
        for line in self.stdout.splitlines():
            event = printed_event(line)
            if event is None:
                continue
            body = event['lantime']
            if kind not in (None, body['type']) or chassis not in (None, body['chassis']):
                continue
            found.append(event)
        return found

    def wait_for(self, timeout, what, **match):
        """Wait until at least one event matches (kind=, chassis=); return the matching events."""
        def check():
            self._check_alive()
            return self.events(**match)
        return wait_until(check, timeout, lambda: self._report(what))

    def _report(self, what):
        """What a timed-out wait saw: the events so far, any event line that did not parse, the output's tails."""
        seen = [(e['lantime']['type'], e['lantime']['chassis']) for e in self.events()]
        unread = [line[:300] for line in self.stdout.splitlines()
                  if line.startswith("{'meta'") and printed_event(line) is None]
        return '%s\n--- events seen: %s\n--- event lines not read: %s\n--- stdout:\n%s\n--- stderr:\n%s' % (
            what, seen, unread, self.stdout[-4000:], self.stderr[-4000:])

    def _check_alive(self):
        if self.process.poll() is not None:
            raise AssertionError('ansible-rulebook exited with %s\n--- stdout:\n%s\n--- stderr:\n%s'
                                 % (self.process.returncode, self.stdout[-6000:], self.stderr[-6000:]))

    def stop(self, timeout=30):
        """SIGINT (what Ctrl-C and the EDA controller's stop send) and wait; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
                raise AssertionError('ansible-rulebook did not stop within %d s of SIGINT' % timeout)
        return self.process.returncode

    def kill(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


@pytest.fixture
def sims(tmp_path):
    started = []

    def start(devices=1, *options):
        process = SimulatorProcess('--no-tls', '--devices', str(devices), '--user', '%s:%s:admin' % (USERNAME, PASSWORD),
                                   '--settle-ms', '200', *options, workdir=tmp_path / ('sim%d' % len(started)))
        started.append(process)
        return process.start()

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def rulebook(tmp_path):
    started = []

    def start(rulesets, **kwargs):
        run = Rulebook(tmp_path / ('rulebook%d' % len(started)), rulesets, **kwargs)
        started.append(run)
        return run

    yield start
    for run in started:
        run.kill()


def chassis_entries(sim, names):
    return [{'name': name, 'host': sim.url(index)} for index, name in enumerate(names)]


def source(sim, names, **args):
    """The rsc_events source entry for these simulated chassis (credentials from LANTIME_* in the environment)."""
    options = {'chassis': chassis_entries(sim, names), 'interval': 1, 'startup_event': True, 'retries': 0,
               'timeout': 5}
    options.update(args)
    return {'meinberg.lantime.rsc_events': options}


def print_rule():
    return {'name': 'print every event', 'condition': 'event.lantime.type is defined',
            'action': {'print_event': {}}}
