# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Helpers of the benchmark harness: the simulator process, its control API, timed Ansible commands."""

import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
SIMULATOR_DIR = REPO_ROOT / 'tests' / 'simulator'
CALLBACK_DIR = BENCH_DIR / 'callback'
BIN = Path(sys.executable).parent
GNU_TIME = '/usr/bin/time'
USER = 'admin'
PASSWORD = 'Bench-Secret1'


def median(values):
    return statistics.median(values) if values else None


def ms(seconds):
    return None if seconds is None else round(seconds * 1000.0, 1)


def machine():
    """What the figures were measured on."""
    cpu = platform.processor() or ''
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            for line in handle:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        import ansible.release  # pylint: disable=import-outside-toplevel
        ansible_version = ansible.release.__version__
    except ImportError:
        ansible_version = None
    return {
        'cpus': os.cpu_count(), 'cpu_model': cpu, 'platform': platform.platform(),
        'python': platform.python_version(), 'ansible_core': ansible_version,
    }


def load_average():
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


class Simulator:
    """One `python tests/simulator` process on loopback, plain HTTP, one admin user."""

    def __init__(self, devices=1, latency_ms=0, extra=()):
        self.workdir = Path(tempfile.mkdtemp(prefix='lantime-bench-sim-'))
        self.options = ['--devices', str(devices), '--no-tls', '--latency-ms', str(latency_ms),
                        '--user', '%s:%s:admin' % (USER, PASSWORD)] + list(extra)
        self.process = None
        self.urls = []
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=120.0):
        ready = self.workdir / 'ready.json'
        command = [sys.executable, str(SIMULATOR_DIR), *self.options, '--ready-file', str(ready)]
        with open(self.workdir / 'stdout.txt', 'wb') as out, open(self.workdir / 'stderr.txt', 'wb') as err:
            self.process = subprocess.Popen(command, cwd=str(REPO_ROOT), stdout=out, stderr=err)  # pylint: disable=consider-using-with
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError('the simulator did not start: %s'
                                   % (self.workdir / 'stderr.txt').read_text(encoding='utf-8', errors='replace'))
            time.sleep(0.05)
        self.urls = [device['url'] for device in json.loads(ready.read_text(encoding='utf-8'))['devices']]
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(20)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def control(self, method, path, body=None, device=0):
        data = json.dumps(body).encode('utf-8') if body is not None else None
        request = urllib.request.Request(self.urls[device] + '/_sim/' + path, data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        with self._opener.open(request, timeout=60) as reply:
            return json.loads(reply.read() or b'null')

    def control_all(self, method, path, body=None, devices=None, workers=32):
        """The same control call on many devices at once; returns the replies in device order."""
        indexes = range(len(self.urls)) if devices is None else devices
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda i: self.control(method, path, body, i), indexes))

    def request_counts(self, devices=None):
        """API requests each device has logged since start or reset (control calls are not logged)."""
        return [sum(stats['counts'].values()) for stats in self.control_all('GET', 'stats', devices=devices)]

    def method_counts(self, devices=None):
        """API requests per HTTP method, summed over the devices, since start or reset: {'GET': n, 'POST': m}."""
        totals = {}
        for stats in self.control_all('GET', 'stats', devices=devices):
            for key, count in stats['counts'].items():
                method = key.split(' ', 1)[0]
                totals[method] = totals.get(method, 0) + count
        return totals

    def set_latency(self, latency_ms):
        self.control_all('POST', 'settings', {'latency-ms': latency_ms})


def ansible_env(workdir, extra=None):
    """The environment of every Ansible command of the benchmarks: the repo's ansible.cfg, the timing callback."""
    environ = dict((key, value) for key, value in os.environ.items()
                   if not key.startswith(('ANSIBLE_', 'LANTIME_')))
    environ.update({
        'ANSIBLE_CONFIG': str(REPO_ROOT / 'ansible.cfg'),
        'ANSIBLE_CALLBACK_PLUGINS': str(CALLBACK_DIR),
        'ANSIBLE_LOCAL_TEMP': str(Path(workdir) / 'ansible-tmp'),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_DEPRECATION_WARNINGS': 'false',
        'ANSIBLE_HOST_KEY_CHECKING': 'false',
    })
    environ.update(extra or {})
    return environ


class Timed:
    """A finished command: wall time, peak memory (kB, when measured), exit code, output files."""

    def __init__(self, seconds, rc, max_rss_kb, stdout_path, stderr_path, tree=None):
        self.seconds = seconds
        self.rc = rc
        self.max_rss_kb = max_rss_kb
        self.tree = tree  # peaks of the whole process tree, when sampled (see TreeSampler)
        self.stdout_path = stdout_path
        self.stderr_path = stderr_path

    def stdout(self):
        return Path(self.stdout_path).read_text(encoding='utf-8', errors='replace')

    def stderr(self):
        return Path(self.stderr_path).read_text(encoding='utf-8', errors='replace')


RSS_WRAPPER = ('import resource, subprocess, sys; rc = subprocess.call(sys.argv[2:]); '
               'open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(rc)')


class TreeSampler(threading.Thread):
    """Samples the memory of a process and all its descendants every `interval` seconds, until stopped.

    GNU time's %M is the largest resident set of any ONE process of the tree (ru_maxrss of the children), i.e. of
    ansible-playbook's main process. The forked workers share most of their pages with it (copy on write), so their
    RSS summed over-counts; PSS (proportional set size, from /proc/PID/smaps_rollup) splits shared pages between the
    processes that share them, so its sum is the tree's real footprint. Both sums are kept, with the peak process
    count. Linux only; elsewhere it records nothing.
    """

    def __init__(self, root_pid, interval=0.5):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.interval = interval
        self.peak = {'pss_kb': 0, 'rss_kb': 0, 'processes': 0, 'samples': 0}
        self._halt = threading.Event()

    @staticmethod
    def _parents():
        parents = {}
        for entry in os.listdir('/proc'):
            if entry.isdigit():
                try:
                    with open('/proc/%s/stat' % entry, encoding='utf-8', errors='replace') as handle:
                        fields = handle.read().rsplit(')', 1)[1].split()
                    parents[int(entry)] = int(fields[1])
                except (OSError, IndexError, ValueError):
                    continue
        return parents

    def _tree(self):
        children = {}
        for pid, parent in self._parents().items():
            children.setdefault(parent, []).append(pid)
        found, todo = [], [self.root_pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, ()))
        return found

    @staticmethod
    def _memory(pid):
        values = {}
        try:
            with open('/proc/%d/smaps_rollup' % pid, encoding='utf-8') as handle:
                for line in handle:
                    key, dummy, rest = line.partition(':')
                    if key in ('Rss', 'Pss'):
                        values[key] = int(rest.split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return values

    def run(self):
        if not os.path.isdir('/proc'):
            return
        while not self._halt.is_set():
            pss = rss = count = 0
            for pid in self._tree():
                values = self._memory(pid)
                if values:
                    pss += values.get('Pss', 0)
                    rss += values.get('Rss', 0)
                    count += 1
            self.peak['pss_kb'] = max(self.peak['pss_kb'], pss)
            self.peak['rss_kb'] = max(self.peak['rss_kb'], rss)
            self.peak['processes'] = max(self.peak['processes'], count)
            self.peak['samples'] += 1
            self._halt.wait(self.interval)

    def stop(self):
        self._halt.set()
        self.join(10)
        return dict(self.peak, interval_s=self.interval)


def run_timed(command, workdir, env, name='run', memory=False, tree=False, timeout=1800):
    """Run a command from the repo root with output to files; time it from spawn to exit.

    With memory=True its peak resident set size is measured too: by GNU time when it is there, else by a Python
    wrapper reading getrusage(RUSAGE_CHILDREN). Either adds a few ms of process start-up to the wall time.
    With tree=True a TreeSampler also follows the memory of the whole process tree (the result's .tree).
    """
    workdir = Path(workdir)
    stdout_path, stderr_path, rss_path = workdir / (name + '.out'), workdir / (name + '.err'), workdir / (name + '.rss')
    if memory and os.path.exists(GNU_TIME):
        command = [GNU_TIME, '-o', str(rss_path), '-f', '%M'] + list(command)
    elif memory:
        command = [sys.executable, '-c', RSS_WRAPPER, str(rss_path)] + list(command)
    sampler = None
    with open(stdout_path, 'wb') as out, open(stderr_path, 'wb') as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=str(REPO_ROOT), env=env, stdout=out, stderr=err)  # pylint: disable=consider-using-with
        if tree:
            sampler = TreeSampler(process.pid)
            sampler.start()
        try:
            returncode = process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            returncode = process.wait()
        seconds = time.perf_counter() - started
    tree_peak = sampler.stop() if sampler else None
    max_rss = None
    if memory and rss_path.exists():
        text = rss_path.read_text(encoding='utf-8').strip().splitlines()
        max_rss = int(text[-1]) if text and text[-1].isdigit() else None
    return Timed(seconds, returncode, max_rss, stdout_path, stderr_path, tree=tree_peak)


def read_timing_log(path):
    """Events of the bench_timer callback."""
    if not Path(path).exists():
        return []
    with open(path, encoding='utf-8') as handle:
        return [json.loads(line) for line in handle if line.strip()]


def task_durations(events):
    """[(task name, host, status, seconds from the task's start to the host's result, result or None)]."""
    started = {}
    out = []
    for event in events:
        if event['event'] == 'task':
            started[event['uuid']] = event['t']
        elif event['event'] == 'result' and event['uuid'] in started:
            out.append((event['name'], event['host'], event['status'], event['t'] - started[event['uuid']],
                        event.get('result')))
    return out


def task_spans(events):
    """[(task name, seconds from the task's start until the last host's result, host count)], in play order."""
    spans = []
    index = {}
    for event in events:
        if event['event'] == 'task':
            index[event['uuid']] = len(spans)
            spans.append([event['name'], event['t'], event['t'], 0])
        elif event['event'] == 'result' and event['uuid'] in index:
            span = spans[index[event['uuid']]]
            span[2] = max(span[2], event['t'])
            span[3] += 1
    return [(name, end - start, hosts) for name, start, end, hosts in spans]


def task_totals(events):
    """Per task name, in play order: the spans summed over its runs (a task runs once per batch under `serial`, with
    the same uuid each time), the host results and their statuses. [{'task', 'seconds', 'runs', 'results', 'statuses'}]."""
    by_name, current, out = {}, {}, []
    for event in events:
        if event['event'] == 'task':
            entry = by_name.get(event['name'])
            if entry is None:
                entry = by_name[event['name']] = {'task': event['name'], 'seconds': 0.0, 'runs': 0, 'results': 0,
                                                  'statuses': {}}
                out.append(entry)
            entry['runs'] += 1
            current[event['uuid']] = [entry, event['t'], event['t']]  # the run this uuid's results now belong to
        elif event['event'] == 'result' and event['uuid'] in current:
            run = current[event['uuid']]
            entry = run[0]
            entry['seconds'] += max(0.0, event['t'] - run[2])  # extend this run's span to the latest result
            run[2] = max(run[2], event['t'])
            entry['results'] += 1
            entry['statuses'][event['status']] = entry['statuses'].get(event['status'], 0) + 1
    for entry in out:
        entry['seconds'] = round(entry['seconds'], 2)
    return out


def write_json(path, data):
    path = Path(path)
    path.write_text(json.dumps(data, indent=1, default=str) + '\n', encoding='utf-8')
    return path


def table(rows, headers):
    """A Markdown table (also readable on a terminal)."""
    text = [[str('' if cell is None else cell) for cell in row] for row in rows]
    widths = [max(len(headers[i]), *(len(row[i]) for row in text)) if text else len(headers[i])
              for i in range(len(headers))]
    lines = ['| ' + ' | '.join(h.ljust(w) for h, w in zip(headers, widths)) + ' |',
             '|' + '|'.join('-' * (w + 2) for w in widths) + '|']
    lines += ['| ' + ' | '.join(c.ljust(w) for c, w in zip(row, widths)) + ' |' for row in text]
    return '\n'.join(lines)
