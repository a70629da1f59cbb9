# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The benchmarks of meinberg.lantime against the device simulator on loopback (`make bench`).

    .venv/bin/python tests/bench/run.py [--quick] [--only task_time,requests,inventory,drift_check_60,drift_check,drift_check_1000]
                                        [--out FILE] [--repeat N] [--forks N] [--keep]

Sections:

* task_time        -- one ansible-playbook run that alternates a hand-written ansible.builtin.uri GET, rsc_info, a
                      no-op rsc and a trivial debug task, ROUNDS times each; per-task medians and the ratios to uri.
                      Target: rsc_info and no-op rsc at most 0.25x uri (their action plugins run them in the
                      controller's worker process). Then uri's module process alone (its AnsiballZ file run
                      directly) and Python import costs, to show where uri's time goes.
* requests         -- HTTP requests per task (facts, no-op, check-mode change, change), from the simulator's counters.
* inventory        -- ansible-inventory --list over 100/500/1000 chassis, 0 and 50 ms latency, concurrency 1/8/32,
                      against ceil(N / concurrency) x latency; the target cell's phases, the same with only the RSC
                      slots, the reading phase alone (requests vs. http.client); peak memory; a cached run.
* drift_check      -- over one inventory of 200 chassis (200 RSC hosts), 50 forks: an empty play, a one-debug-task
                      play (run first and last), playbooks/drift_check.yml, and playbooks/fleet_rollout.yml with every
                      card already compliant (no write). Targets: drift_check and fleet_rollout each at most 3x the
                      debug play. Per-task spans from the bench_timer callback.
* drift_check_60   -- the same as drift_check over 60 chassis (60 RSC hosts). Target: drift_check at most 3x the
                      debug play (2.5x over 200 hosts).
* drift_check_1000 -- playbooks/drift_check.yml over 1000 chassis (1000 RSC hosts), 50 forks: wall time and peak
                      memory (GNU time %M, and the whole process tree's PSS), next to the debug play.

--quick: fewer rounds and cells, 50 hosts instead of 200 and 250 chassis instead of 1000.

Every figure is a measurement, never a pass/fail of the test suite. Results: printed, and written as JSON to
tests/bench/results/latest.json (untracked).
"""

import argparse
import json
import math
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import (BENCH_DIR, BIN, PASSWORD, REPO_ROOT, USER, Simulator, ansible_env, load_average, machine,
                      median, ms, read_timing_log, run_timed, table, task_durations, task_totals, write_json)

SECTIONS = ('task_time', 'requests', 'inventory', 'drift_check_60', 'drift_check', 'drift_check_1000')
KINDS = ('uri', 'rsc_info', 'rsc_noop', 'debug')
TASK_TIME_TARGET = 0.25
INVENTORY_TARGET = 1.5
PLAY_TARGET = 3.0  # drift_check and fleet_rollout against the one-debug-task play over the same hosts
# drift_check (reports written in the controller's process): at most 3x the debug play over 60 hosts, 2.5x over 200.
DRIFT_TARGETS = ((60, 3.0), (200, 2.5))


def drift_target(hosts):
    """The drift_check target for this many hosts: that of the largest fleet size not above it."""
    return min([target for size, target in DRIFT_TARGETS if size <= hosts] or [PLAY_TARGET])


# The role's task that runs the module (meinberg.lantime.rsc); the other per-host tasks are Ansible-only.
MODULE_TASK = 'Read the RSC card and apply the policy, if one is set (read, check, change, read back)'


class Config:
    """How big a run is: the full one (`make bench`) or --quick."""

    def __init__(self, quick, repeat=None, forks=50, all_cells=False):
        self.quick = quick
        self.all_cells = all_cells
        self.repeat = repeat
        self.rounds = 5 if quick else 15
        self.process_rounds = 5 if quick else 6
        self.chassis = (100, 1000) if quick else (100, 500, 1000)
        self.latencies = (0, 50)
        self.concurrencies = (1, 32) if quick else (1, 8, 32)
        self.target_cell = (1000, 50, 32)
        self.drift_hosts = 50 if quick else 200
        self.big_chassis = 250 if quick else 1000
        self.forks = forks

    def repetitions(self, chassis, latency, concurrency):
        """Runs per inventory cell (see REPETITIONS_RULE)."""
        if self.repeat:
            return self.repeat
        if (chassis, latency, concurrency) == self.target_cell:
            return 3
        if self.quick or chassis > 100:
            return 1
        return 3

    def wanted(self, chassis, latency, concurrency):
        """Above 100 chassis, the cells whose outcome is known without running them are left out (see CELLS_RULE)."""
        if self.all_cells or chassis <= 100:
            return True
        if latency == 0:
            return concurrency == max(self.concurrencies)  # without latency, the concurrency makes no difference
        return concurrency != 1  # one chassis after the other: N x latency, ratio about 1.3 at 100 chassis


def log(text):
    print(text, flush=True)


def quantile(values, q):
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def playbook(path, tasks, hosts='localhost', **play):
    entry = {'name': 'bench', 'hosts': hosts, 'gather_facts': False, 'tasks': tasks}
    if hosts == 'localhost':
        entry.update({'connection': 'local', 'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'}})
    entry.update(play)
    Path(path).write_text(json.dumps([entry], indent=1), encoding='utf-8')  # JSON is YAML
    return path


def ansible_playbook(workdir, play_path, *args, name='playbook', inventory='localhost,', env=None, memory=False, tree=False):
    timing = Path(workdir) / (name + '.timing.jsonl')
    if timing.exists():
        timing.unlink()
    environ = ansible_env(workdir, dict({'ANSIBLE_CALLBACKS_ENABLED': 'bench_timer',
                                         'LANTIME_BENCH_TIMING_LOG': str(timing)}, **(env or {})))
    command = [str(BIN / 'ansible-playbook'), '-i', str(inventory), str(play_path), *args]
    run = run_timed(command, workdir, environ, name=name, memory=memory, tree=tree)
    run.events = read_timing_log(timing)
    if run.rc != 0:
        log('  ! %s exited with %d; see %s' % (name, run.rc, run.stdout_path))
    return run


# -- task time ------------------------------------------------------------------------------------------------------
def uri_task(url, path='/api/status/chassis0', method='GET', body=None):
    """The hand-written equivalent: same GET, same Basic auth, the body returned and parsed as JSON."""
    task = {'url': url + path, 'method': method, 'url_username': USER, 'url_password': PASSWORD,
            'force_basic_auth': True, 'return_content': True, 'headers': {'Accept': 'application/json'},
            'status_code': 200}
    if body is not None:
        task.update({'body': body, 'body_format': 'json'})
    return {'ansible.builtin.uri': task}


def lantime_task(module, url, **options):
    return {'meinberg.lantime.' + module: dict({'host': url, 'username': USER, 'password': PASSWORD}, **options)}


def task_of(kind, url):
    if kind == 'uri':
        return uri_task(url)
    if kind == 'rsc_info':
        return lantime_task('rsc_info', url)
    if kind == 'debug':  # Ansible's own floor for a task on this host: no module, no request
        return {'ansible.builtin.debug': {'msg': 'trivial'}}
    return lantime_task('rsc', url, switch_mode='auto', selected_clock='clk1')  # the simulator's default state


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_process_rounds(commands, rounds):
    """Run each command once per round, interleaved; {name: {'wall': [...], 'cpu': [...]}}."""
    samples = dict((name, {'wall': [], 'cpu': []}) for name in commands)
    for unused_round in range(rounds):
        for name, command in commands.items():
            cpu = child_cpu()
            started = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                           cwd=str(REPO_ROOT))
            samples[name]['wall'].append(time.perf_counter() - started)
            samples[name]['cpu'].append(child_cpu() - cpu)
    return dict((name, {'wall_ms': ms(median(s['wall'])), 'cpu_ms': ms(median(s['cpu']))}) for name, s in samples.items())


def bench_task_time(config, workdir):
    log('== task time: uri vs rsc_info vs no-op rsc (and debug), %d interleaved rounds in one ansible-playbook run'
        % config.rounds)
    with Simulator(devices=1) as sim:
        url = sim.urls[0]
        tasks = []
        for number in range(config.rounds + 1):  # round 0 warms up (module caches, first fork) and is dropped
            order = KINDS[number % len(KINDS):] + KINDS[:number % len(KINDS)]  # rotate: no kind always runs first
            for kind in order:
                task = task_of(kind, url)
                task.update({'name': '%s %s' % ('warmup' if number == 0 else 'round%02d' % number, kind),
                             'register': 'out'})
                tasks.append(task)
        play_path = playbook(Path(workdir) / 'task_time.yml', tasks)
        run = ansible_playbook(workdir, play_path, name='task_time')
        samples = dict((kind, []) for kind in KINDS)
        for task_name, _host, status, seconds, _result in task_durations(run.events):
            label, kind = task_name.split(' ', 1)
            if label != 'warmup' and status == 'ok':
                samples[kind].append(seconds)
        per_kind = {}
        for kind in KINDS:
            values = samples[kind]
            per_kind[kind] = {'n': len(values), 'median_ms': ms(median(values)), 'p25_ms': ms(quantile(values, 0.25)),
                              'p75_ms': ms(quantile(values, 0.75)), 'min_ms': ms(min(values) if values else None)}
        base = per_kind['uri']['median_ms']
        for kind in KINDS:
            per_kind[kind]['ratio_to_uri'] = round(per_kind[kind]['median_ms'] / base, 3) if base else None

        # Which tasks start a module process: keep the AnsiballZ files of one run. uri's is then run directly (its
        # process alone); rsc_info and rsc leave none when their action plugins run them in the controller.
        keep = Path(workdir) / 'keep'
        keep.mkdir(exist_ok=True)
        one = []
        for kind in KINDS:
            task = task_of(kind, url)
            task['name'] = kind
            one.append(task)
        ansible_playbook(workdir, playbook(Path(workdir) / 'keep.yml', one), name='keep',
                         env={'ANSIBLE_KEEP_REMOTE_FILES': '1', 'ANSIBLE_REMOTE_TMP': str(keep)})
        files, module_process = {}, {}
        for kind, module in (('uri', 'uri'), ('rsc_info', 'rsc_info'), ('rsc_noop', 'rsc')):
            found = sorted(keep.glob('*/AnsiballZ_%s.py' % module))
            module_process[kind] = bool(found)
            if found:
                files[kind] = found[0]
        processes = run_process_rounds(dict((kind, [sys.executable, str(path)]) for kind, path in files.items()),
                                       config.process_rounds)
        for kind, path in files.items():
            processes[kind]['payload_bytes'] = path.stat().st_size
        imports = run_process_rounds({
            'python -c pass': [sys.executable, '-c', 'pass'],
            'import basic': [sys.executable, '-c', 'import ansible.module_utils.basic'],
            'import basic + urls (uri)': [sys.executable, '-c', 'import ansible.module_utils.basic, ansible.module_utils.urls'],
        }, config.process_rounds)
    targets = []
    for kind, label in (('rsc_info', '`rsc_info`'), ('rsc_noop', 'no-op `rsc`')):
        ratio = per_kind[kind]['ratio_to_uri']
        targets.append({'what': '%s task time at most %.2fx a hand-written `uri` task' % (label, TASK_TIME_TARGET),
                        'measured': '%.2fx (%.0f ms vs %.0f ms)' % (ratio, per_kind[kind]['median_ms'], base)
                                    if ratio is not None else None,
                        'met': ratio is not None and ratio <= TASK_TIME_TARGET})
    result = {'rounds': config.rounds, 'playbook_rc': run.rc, 'playbook_seconds': round(run.seconds, 2),
              'tasks': per_kind, 'module_process_started': module_process, 'module_processes': processes,
              'imports': imports, 'targets': targets}
    log(table([(kind, v['n'], v['median_ms'], v['p25_ms'], v['p75_ms'], v['ratio_to_uri']) for kind, v in per_kind.items()],
              ['task', 'n', 'median ms', 'p25 ms', 'p75 ms', 'ratio to uri']))
    log('  module process started: %s' % module_process)
    log(table([(kind, v['wall_ms'], v['cpu_ms'], v.get('payload_bytes')) for kind, v in processes.items()],
              ['module process alone', 'wall ms', 'cpu ms', 'AnsiballZ bytes']))
    log(table([(name, v['wall_ms'], v['cpu_ms']) for name, v in imports.items()], ['python process', 'wall ms', 'cpu ms']))
    return result


# -- requests per task ----------------------------------------------------------------------------------------------
REQUEST_CASES = (
    # name, module task options, settle-ms, check mode
    ('facts (rsc_info)', ('rsc_info', {}), None, False),
    ('no-op (rsc, state already set)', ('rsc', {'switch_mode': 'auto', 'selected_clock': 'clk1'}), None, False),
    ('change in check mode (rsc)', ('rsc', {'switch_mode': 'manual'}), None, True),
    ('change (rsc, settle 300 ms)', ('rsc', {'switch_mode': 'manual'}), None, False),
    ('change (rsc, settle 0 ms)', ('rsc', {'switch_mode': 'manual'}), 0, False),
)


def bench_requests(config, workdir):  # pylint: disable=unused-argument
    log('== HTTP requests per task, from the simulator\'s counters')
    with Simulator(devices=1, extra=('--settle-ms', '300')) as sim:
        url = sim.urls[0]
        tasks = []
        for number, (name, (module, options), settle, check) in enumerate(REQUEST_CASES):
            tasks.append(dict(uri_task(url, '/_sim/reset', method='POST'), name='reset %d' % number))
            if settle is not None:
                tasks.append(dict(uri_task(url, '/_sim/settings', method='POST', body={'settle-ms': settle}),
                                  name='settle %d' % number))
            task = lantime_task(module, url, **options)
            task.update({'name': 'record: task %d' % number, 'check_mode': check})
            tasks.append(task)
            tasks.append(dict(uri_task(url, '/_sim/stats'), name='record: stats %d' % number))
        run = ansible_playbook(workdir, playbook(Path(workdir) / 'requests.yml', tasks), name='requests')
    recorded = dict((task_name, result) for task_name, _h, _s, _t, result in task_durations(run.events) if result)
    cases = []
    for number, (name, (module, options), settle, check) in enumerate(REQUEST_CASES):
        stats = (recorded.get('record: stats %d' % number) or {}).get('json') or {}
        task_result = recorded.get('record: task %d' % number) or {}
        log_entries = stats.get('requests') or []
        reads = len([r for r in log_entries if r['method'] == 'GET' and r['path'] == '/api/status/chassis0'])
        writes = len([r for r in log_entries if r['method'] == 'POST'])
        polls = len([r for r in log_entries if r['method'] == 'GET' and r['path'] != '/api/status/chassis0'])
        if 'change' in name and not check:
            expected, met = 'reads + 1 write + polls', reads == 1 and writes == 1 and polls >= 1 and reads + writes + polls == len(log_entries)
        else:
            expected, met = '1', len(log_entries) == 1
        cases.append({'case': name, 'module': module, 'options': options, 'check_mode': check,
                      'settle_ms': 300 if settle is None else settle, 'requests': len(log_entries), 'reads': reads,
                      'writes': writes, 'polls': polls, 'changed': task_result.get('changed'),
                      'api_calls_reported': len(task_result.get('api_calls') or []),
                      'log': ['%s %s %s' % (r['method'], r['path'], r['status']) for r in log_entries],
                      'expected': expected, 'met': met})
    log(table([(c['case'], c['requests'], c['reads'], c['writes'], c['polls'], c['api_calls_reported'], c['expected'],
                'yes' if c['met'] else 'NO') for c in cases],
              ['task', 'requests', 'full reads', 'writes', 'poll reads', 'api_calls', 'target', 'met']))
    measured = ', '.join('%d' % c['requests'] if c['expected'] == '1' else '%d + %d + %d' % (c['reads'], c['writes'], c['polls'])
                         for c in cases)
    return {'playbook_rc': run.rc, 'cases': cases,
            'target': {'what': 'requests: facts 1, no-op 1, check-mode change 1, change = reads + 1 write + polls',
                       'measured': measured, 'met': all(c['met'] for c in cases)}}


# -- inventory ------------------------------------------------------------------------------------------------------
def inventory_file(path, urls, concurrency, cache_dir=None, **extra):
    lines = ['plugin: meinberg.lantime.ims', 'username: %s' % USER, 'password: %s' % PASSWORD,
             'concurrency: %d' % concurrency, 'retries: 0']
    for key, value in extra.items():
        lines.append('%s: %s' % (key, json.dumps(value)))
    if cache_dir:
        lines += ['cache: true', 'cache_plugin: ansible.builtin.jsonfile', 'cache_connection: %s' % json.dumps(str(cache_dir)),
                  'cache_timeout: 3600']
    lines.append('chassis:')
    lines += ['  - {name: ims%04d, host: "%s"}' % (index, url) for index, url in enumerate(urls)]
    Path(path).write_text('\n'.join(lines) + '\n', encoding='utf-8')
    return path


def ansible_inventory(workdir, source, *args, name='inventory'):
    command = [str(BIN / 'ansible-inventory'), '-i', str(source), *args]
    run = run_timed(command, workdir, ansible_env(workdir), name=name, memory=True)
    if run.rc != 0:
        log('  ! %s exited with %d: %s' % (name, run.rc, run.stderr()[-500:]))
    return run


def host_count(run):
    text = run.stdout()
    start = text.find('\n{\n') + 1 if not text.startswith('{') else 0  # with -vvv, messages come first
    try:
        return len(json.loads(text[start:])['_meta']['hostvars'])
    except (ValueError, KeyError):
        return None


def vvv_phases(text):
    phases = {}
    match = re.search(r'read (\d+) chassis in ([\d.]+) s', text)
    if match:
        phases['read_s'] = float(match.group(2))
    match = re.search(r'added (\d+) hosts in ([\d.]+) s', text)
    if match:
        phases['populate_s'] = float(match.group(2))
    return phases


def inventory_cell(sim, workdir, chassis, latency, concurrency, reps, startup_s, verbose=False, **extra):
    """Run ansible-inventory --list reps times over the first `chassis` devices; the cell's figures."""
    source = inventory_file(Path(workdir) / ('n%d-c%d.ims.yml' % (chassis, concurrency)), sim.urls[:chassis], concurrency,
                            **extra)
    runs, phases = [], []
    requests = hosts = None
    for rep in range(reps):
        before = sum(sim.request_counts(range(chassis))) if rep == 0 else None
        run = ansible_inventory(Path(workdir), source, '--list', *(['-vvv'] if verbose else []), name='inventory')
        if rep == 0:
            requests = sum(sim.request_counts(range(chassis))) - before
            hosts = host_count(run)
        if verbose:
            phases.append(vvv_phases(run.stdout() + run.stderr()))
        runs.append(run)
    seconds = median([r.seconds for r in runs])
    ideal = math.ceil(chassis / concurrency) * latency / 1000.0
    cell = {'chassis': chassis, 'latency_ms': latency, 'concurrency': concurrency, 'runs': reps,
            'seconds': round(seconds, 2), 'all_seconds': [round(r.seconds, 2) for r in runs],
            'ideal_s': round(ideal, 2), 'ideal_plus_startup_s': round(ideal + startup_s, 2),
            'ratio': round(seconds / (ideal + startup_s), 2), 'over_ideal_s': round(seconds - startup_s - ideal, 2),
            'max_rss_kb': median([r.max_rss_kb for r in runs if r.max_rss_kb]),
            'requests': requests, 'hosts': hosts, 'rc': max(r.rc for r in runs)}
    if extra:
        cell['options'] = extra
    if phases and all('read_s' in p and 'populate_s' in p for p in phases):
        read, populate = median([p['read_s'] for p in phases]), median([p['populate_s'] for p in phases])
        cell['phases'] = {'startup_s': startup_s, 'plugin_read_s': read, 'plugin_build_hosts_s': populate,
                          'rest_s': round(seconds - startup_s - read - populate, 2),
                          'rest_is': 'loading the inventory file (twice: auto plugin, then the plugin), --list output '
                                     '(host variables of every host, JSON), exit'}
    log('  %4d chassis %2d ms c=%-2d %s %6.2f s  (ideal %5.2f s, +start-up %5.2f s, ratio %5.2f, %d run(s), %s requests, '
        '%s hosts, %s MB)' % (chassis, latency, concurrency, ' '.join('%s=%s' % kv for kv in extra.items()), seconds, ideal,
                              ideal + startup_s, cell['ratio'], reps, requests, hosts, round((cell['max_rss_kb'] or 0) / 1024.0)))
    return cell


def read_floor(urls, concurrency, rounds=2):
    """The reading phase alone, in this process: the collection's client (requests) vs. a bare http.client GET.

    Same threads, same simulator, same JSON parsing; shows how much of the plugin's read time is the HTTP library.
    """
    sys.path.insert(0, str(REPO_ROOT / '.collections'))
    # pylint: disable=import-outside-toplevel
    import base64
    import http.client
    import threading
    import urllib.parse
    from concurrent.futures import ThreadPoolExecutor

    import requests
    from ansible_collections.meinberg.lantime.plugins.module_utils import api_map, client as api

    local = threading.local()
    header = 'Basic ' + base64.b64encode(('%s:%s' % (USER, PASSWORD)).encode()).decode()

    def with_client(url):
        session = getattr(local, 'session', None)
        if session is None:
            session = local.session = requests.Session()
        return api.LantimeClient(url, username=USER, password=PASSWORD, session=session).get(api_map.CHASSIS_STATUS_PATH)

    def with_http_client(url):
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request('GET', api_map.CHASSIS_STATUS_PATH, headers={'Authorization': header, 'Accept': 'application/json'})
            return json.loads(connection.getresponse().read())
        finally:
            connection.close()

    samples = {'client (requests)': [], 'bare http.client': []}
    for unused_round in range(rounds):
        for name, function in (('client (requests)', with_client), ('bare http.client', with_http_client)):
            cpu = time.process_time()
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=concurrency) as pool:
                documents = list(pool.map(function, urls))
            samples[name].append((time.perf_counter() - started, time.process_time() - cpu, len(documents)))
    return dict((name, {'seconds': round(median([v[0] for v in values]), 2), 'cpu_s': round(median([v[1] for v in values]), 2),
                        'cpu_ms_per_chassis': round(median([v[1] for v in values]) / len(urls) * 1000.0, 2)})
                for name, values in samples.items())


REPETITIONS_RULE = ('3 runs (median) for 100 chassis and for the target cell, 1 run for the other cells; --repeat N runs '
                    'every cell N times')
CELLS_RULE = ('above 100 chassis, the cells at 0 ms run at the highest concurrency only (without latency the concurrency '
              'makes no difference, as the 100-chassis cells show) and the cells at 50 ms skip concurrency 1 (one chassis '
              'after the other: N x 50 ms); --all-cells runs them all')


def bench_inventory(config, workdir):
    log('== inventory discovery: ansible-inventory --list')
    workdir = Path(workdir)
    result = {'cells': [], 'repetitions': REPETITIONS_RULE if not config.repeat else '%d runs per cell' % config.repeat,
              'cells_left_out': None if config.all_cells else CELLS_RULE}
    with Simulator(devices=max(config.chassis)) as sim:
        startup = [ansible_inventory(workdir, 'localhost,', '--list', name='startup') for unused_run in range(3)]
        startup_s = round(median([r.seconds for r in startup]), 3)
        result['startup'] = {'seconds': startup_s, 'max_rss_kb': median([r.max_rss_kb for r in startup if r.max_rss_kb]),
                             'what': 'ansible-inventory -i localhost, --list (host_list plugin, no collection code)'}
        one = inventory_file(workdir / 'one.ims.yml', sim.urls[:1], 1)
        ones = [ansible_inventory(workdir, one, '--list', name='one') for unused_run in range(3)]
        result['one_chassis'] = {'seconds': round(median([r.seconds for r in ones]), 3),
                                 'what': 'the plugin with 1 chassis at 0 ms: start-up + plugin import + 1 request'}
        log('  start-up of ansible-inventory: %.2f s; with the plugin and 1 chassis: %.2f s'
            % (startup_s, result['one_chassis']['seconds']))
        for latency in config.latencies:
            sim.set_latency(latency)
            for chassis in config.chassis:
                for concurrency in config.concurrencies:
                    if config.wanted(chassis, latency, concurrency):
                        target = (chassis, latency, concurrency) == config.target_cell
                        cell = inventory_cell(sim, workdir, chassis, latency, concurrency,
                                              config.repetitions(chassis, latency, concurrency), startup_s, verbose=target)
                        if target:
                            cell['target_bound_s'] = round(INVENTORY_TARGET * cell['ideal_s'] + startup_s, 2)
                            cell['target_met'] = cell['seconds'] <= cell['target_bound_s']
                            log('    phases: %s' % cell.get('phases'))
                        result['cells'].append(cell)

        # The same target cell with only the RSC slots: 1 host per chassis instead of 7 (how much is per host).
        chassis, latency, concurrency = config.target_cell
        sim.set_latency(latency)
        result['rsc_only'] = inventory_cell(sim, workdir, chassis, latency, concurrency, 1, startup_s, verbose=True,
                                            slot_types=['rsc'])

        # The reading phase alone (no Ansible), to tell the HTTP library's cost from the rest.
        result['read_floor'] = dict(read_floor(sim.urls[:chassis], concurrency), chassis=chassis, latency_ms=latency,
                                    concurrency=concurrency, ideal_s=round(math.ceil(chassis / concurrency) * latency / 1000.0, 2))
        log('  reading alone, in-process: %s' % result['read_floor'])

        # A cached run makes no request: the first run fills the cache, the second must not ask any device.
        cache_dir = workdir / 'cache'
        source = inventory_file(workdir / 'cached.ims.yml', sim.urls[:chassis], concurrency, cache_dir=cache_dir)
        cached = []
        for rep in range(2):
            before = sum(sim.request_counts(range(chassis)))
            run = ansible_inventory(workdir, source, '--list', name='cached')
            cached.append({'run': 'fills the cache' if rep == 0 else 'from the cache', 'seconds': round(run.seconds, 2),
                           'requests': sum(sim.request_counts(range(chassis))) - before, 'hosts': host_count(run),
                           'max_rss_kb': run.max_rss_kb})
        cache_bytes = sum(path.stat().st_size for path in cache_dir.rglob('*') if path.is_file()) if cache_dir.exists() else 0
        result['cached'] = {'chassis': chassis, 'latency_ms': latency, 'concurrency': concurrency, 'runs': cached,
                            'cache_bytes': cache_bytes,
                            'target': {'what': 'a cached run makes no request',
                                       'met': cached[1]['requests'] == 0 and cached[0]['requests'] == chassis}}
        log('  cached: %s (cache %d bytes)'
            % (['%s: %s s, %s requests' % (c['run'], c['seconds'], c['requests']) for c in cached], cache_bytes))
    target = [c for c in result['cells'] if 'target_met' in c]
    result['target'] = {'what': '%d chassis at %d ms, concurrency %d: within %.1fx the ideal plus start-up'
                                % (config.target_cell + (INVENTORY_TARGET,)),
                        'met': bool(target) and target[0]['target_met'],
                        'measured_s': target[0]['seconds'] if target else None,
                        'bound_s': target[0]['target_bound_s'] if target else None}
    big = [c for c in result['cells'] if c['chassis'] == max(config.chassis) and c['max_rss_kb']]
    result['memory'] = {'chassis': max(config.chassis), 'hosts': big[0]['hosts'] if big else None,
                        'max_rss_kb': max(c['max_rss_kb'] for c in big) if big else None,
                        'startup_max_rss_kb': result['startup']['max_rss_kb'],
                        'rsc_only_max_rss_kb': result['rsc_only']['max_rss_kb'],
                        'how': 'peak RSS (GNU time %M) of ansible-inventory --list; the largest over the cells with '
                               'this many chassis'}
    log(table([(c['chassis'], c['latency_ms'], c['concurrency'], c['runs'], c['seconds'], c['ideal_s'],
                c['ideal_plus_startup_s'], c['ratio']) for c in result['cells']],
              ['chassis', 'latency ms', 'concurrency', 'runs', 'measured s', 'ideal s', 'ideal + start-up s', 'ratio']))
    return result


# -- drift check and fleet rollout ----------------------------------------------------------------------------------
PLAY_ENV = {'LANTIME_USERNAME': USER, 'LANTIME_PASSWORD': PASSWORD}  # how both playbooks get the credentials


def trivial_plays(workdir):
    empty = playbook(workdir / 'empty.yml', [], hosts='lantime_rsc')
    debug = playbook(workdir / 'debug.yml', [{'name': 'trivial', 'ansible.builtin.debug': {'msg': '{{ inventory_hostname }}'}}],
                     hosts='lantime_rsc')
    return empty, debug


def run_play(sim, workdir, key, path, source, forks, extra=(), tree=False):
    """One ansible-playbook run over the simulator's inventory; the run with .requests and .writes added."""
    before = sim.method_counts()
    run = ansible_playbook(workdir, path, '-f', str(forks), *extra, name=key, inventory=source, env=PLAY_ENV,
                           memory=True, tree=tree)
    after = sim.method_counts()
    run.requests = sum(after.values()) - sum(before.values())
    run.writes = sum(count - before.get(method, 0) for method, count in after.items() if method != 'GET')
    return run


def run_figures(run, hosts):
    figures = {'seconds': round(run.seconds, 2), 'per_host_ms': round(run.seconds / hosts * 1000.0, 1),
               'requests': run.requests, 'writes': run.writes, 'rc': run.rc, 'max_rss_kb': run.max_rss_kb}
    if run.tree:
        figures['tree'] = run.tree
    return figures


def play_analysis(run, hosts, startup_s, trivial_ms):
    """Where a playbook's time goes, from the bench_timer spans: the module task, the other per-host tasks (with the
    number of host results, skipped ones included: Ansible sends each host to a worker even to skip it), the tasks
    that run once (reports, summaries), start-up + inventory, and the rest (between the tasks)."""
    totals = task_totals(run.events)
    per_host = [t for t in totals if t['results'] == hosts]
    module = [t for t in per_host if t['task'].endswith(MODULE_TASK)]
    others = [t for t in per_host if t not in module]
    once = [t for t in totals if t['results'] != hosts]
    in_tasks = sum(t['seconds'] for t in totals)
    results = sum(t['results'] for t in others)
    skipped = sum(t['statuses'].get('skipped', 0) for t in others)
    return {
        'tasks': totals,
        'parts': {
            'startup_and_inventory_s': round(startup_s, 2),
            'module_task_s': round(sum(t['seconds'] for t in module), 2),
            'other_per_host_tasks_s': round(sum(t['seconds'] for t in others), 2),
            'once_tasks_s': round(sum(t['seconds'] for t in once), 2),
            'between_tasks_s': round(run.seconds - startup_s - in_tasks, 2),
        },
        'other_per_host_tasks': len(others), 'other_host_results': results, 'other_host_results_skipped': skipped,
        'other_per_host_ms_per_result': round(sum(t['seconds'] for t in others) / results * 1000.0, 1) if results else None,
        'trivial_task_per_host_ms': trivial_ms,
    }


def play_target(name, run, baseline_s, hosts, target=PLAY_TARGET):
    ratio = run.seconds / baseline_s if baseline_s else None
    return {'what': '`%s` over %d hosts at most %.1fx a one-`debug`-task play over the same inventory' % (name, hosts, target),
            'measured': '%.2fx (%.1f s vs %.1f s)' % (ratio, run.seconds, baseline_s) if ratio is not None else None,
            'ratio': round(ratio, 2) if ratio is not None else None,
            'met': ratio is not None and ratio <= target and run.rc == 0}


def bench_drift_check_60(config, workdir):
    """The same runs as the drift_check section over 60 hosts (the size of many fleets)."""
    return bench_drift_check(config, workdir, hosts=60)


def bench_drift_check(config, workdir, hosts=None):
    hosts = hosts or config.drift_hosts
    log('== drift_check and fleet_rollout over %d RSC hosts (all compliant), %d forks, next to a one-debug-task play'
        % (hosts, config.forks))
    workdir = Path(workdir)
    result = {'hosts': hosts, 'forks': config.forks, 'chassis': hosts,
              'inventory': 'the plugin over %d chassis (all slots, 7 hosts each, concurrency 32, no cache); the plays '
                           'target lantime_rsc (%d hosts)' % (hosts, hosts),
              'credentials': 'LANTIME_USERNAME / LANTIME_PASSWORD in the environment'}
    reports = workdir / 'reports'
    empty, debug = trivial_plays(workdir)
    order = (  # key, label, playbook, extra arguments
        ('empty', 'empty play (start-up + inventory)', empty, ()),
        ('debug', 'one ansible.builtin.debug task (first)', debug, ()),
        ('drift_check', 'drift_check', REPO_ROOT / 'playbooks' / 'drift_check.yml',
         ('-e', 'drift_check_report_dir=%s' % reports)),
        ('fleet_rollout', 'fleet_rollout (every card compliant)', REPO_ROOT / 'playbooks' / 'fleet_rollout.yml', ()),
        ('debug_again', 'one ansible.builtin.debug task (last)', debug, ()),
    )
    runs = {}
    with Simulator(devices=hosts) as sim:
        source = inventory_file(workdir / 'drift.ims.yml', sim.urls, 32)
        for key, label, path, extra in order:
            runs[key] = run_play(sim, workdir, key, path, source, config.forks, extra)
            log('  %-42s %7.2f s  %4d requests  %d writes  rc %d'
                % (label, runs[key].seconds, runs[key].requests, runs[key].writes, runs[key].rc))
    report_path = reports / 'drift-check.json'
    report = json.loads(report_path.read_text(encoding='utf-8')) if report_path.exists() else {}
    result['runs'] = dict((key, dict(run_figures(runs[key], hosts), label=label)) for key, label, _p, _e in order)
    # The baseline: the debug play, run before and after the two playbooks; the mean of both runs.
    baseline = (runs['debug'].seconds + runs['debug_again'].seconds) / 2.0
    startup = runs['empty'].seconds
    trivial_ms = round((baseline - startup) / hosts * 1000.0, 1)
    result['baseline'] = {'debug_play_s': round(baseline, 2), 'how': 'mean of the debug play run first and last',
                          'startup_and_inventory_s': round(startup, 2), 'trivial_task_per_host_ms': trivial_ms}
    result['drift_check'] = dict(run_figures(runs['drift_check'], hosts), report_passed=report.get('passed'),
                                 report_counts=report.get('counts'), requests_inventory=runs['empty'].requests,
                                 ratio_to_debug=round(runs['drift_check'].seconds / baseline, 2))
    result['fleet_rollout'] = dict(run_figures(runs['fleet_rollout'], hosts), requests_inventory=runs['empty'].requests,
                                   ratio_to_debug=round(runs['fleet_rollout'].seconds / baseline, 2))
    result['analysis'] = dict((key, play_analysis(runs[key], hosts, startup, trivial_ms))
                              for key in ('drift_check', 'fleet_rollout'))
    fleet_target = play_target('fleet_rollout', runs['fleet_rollout'], baseline, hosts)
    fleet_target['met'] = fleet_target['met'] and runs['fleet_rollout'].writes == 0
    result['targets'] = [play_target('drift_check', runs['drift_check'], baseline, hosts, drift_target(hosts)), fleet_target]
    log('  drift_check report: passed=%s counts=%s' % (report.get('passed'), report.get('counts')))
    for key in ('drift_check', 'fleet_rollout'):
        analysis = result['analysis'][key]
        log('  %s: %.2fx the debug play (%.2f s vs %.2f s); %s'
            % (key, result[key]['ratio_to_debug'], result[key]['seconds'], baseline, analysis['parts']))
        log(table([(t['task'][:90], t['runs'], t['results'], ' '.join('%s=%d' % kv for kv in sorted(t['statuses'].items())),
                    t['seconds']) for t in analysis['tasks']],
                  ['%s task' % key, 'runs', 'results', 'statuses', 'span s']))
    return result


def bench_drift_check_1000(config, workdir):
    chassis = config.big_chassis
    log('== drift_check over %d chassis (%d RSC hosts), %d forks: time and peak memory' % (chassis, chassis, config.forks))
    workdir = Path(workdir)
    reports = workdir / 'reports'
    empty, _debug = trivial_plays(workdir)
    order = (  # no debug play here: at this size it costs a minute; the drift_check section has the ratios
        ('empty', 'empty play (start-up + inventory)', empty, ()),
        ('drift_check', 'drift_check', REPO_ROOT / 'playbooks' / 'drift_check.yml', ('-e', 'drift_check_report_dir=%s' % reports)),
    )
    runs = {}
    with Simulator(devices=chassis) as sim:
        source = inventory_file(workdir / 'big.ims.yml', sim.urls, 32)
        for key, label, path, extra in order:
            runs[key] = run_play(sim, workdir, key, path, source, config.forks, extra, tree=True)
            tree = runs[key].tree or {}
            log('  %-36s %7.2f s  %5d requests  rc %d  peak %s MB (one process, GNU time), tree PSS %.0f MB, RSS sum %.0f MB, '
                '%d processes' % (label, runs[key].seconds, runs[key].requests, runs[key].rc,
                                  round((runs[key].max_rss_kb or 0) / 1024.0), tree.get('pss_kb', 0) / 1024.0,
                                  tree.get('rss_kb', 0) / 1024.0, tree.get('processes', 0)))
    report_path = reports / 'drift-check.json'
    report = json.loads(report_path.read_text(encoding='utf-8')) if report_path.exists() else {}
    drift = runs['drift_check']
    startup = runs['empty'].seconds
    result = {'chassis': chassis, 'hosts': chassis, 'forks': config.forks,
              'inventory': 'the plugin over %d chassis (all slots: %d hosts, concurrency 32, no cache); the plays target '
                           'lantime_rsc (%d hosts)' % (chassis, chassis * 7, chassis),
              'runs': dict((key, dict(run_figures(runs[key], chassis), label=label)) for key, label, _p, _e in order),
              'drift_check': dict(run_figures(drift, chassis), report_passed=report.get('passed'),
                                  report_counts=report.get('counts')),
              'analysis': play_analysis(drift, chassis, startup, None),
              'memory_how': 'max_rss_kb: GNU time %M, the largest resident set of any one process of the ansible-playbook '
                            'tree (its main process); tree: the whole tree sampled every 0.5 s, PSS summed (shared pages '
                            'split between the processes sharing them) and RSS summed (shared pages counted per process)'}
    log('  drift_check report: passed=%s counts=%s; %s' % (report.get('passed'), report.get('counts'), result['analysis']['parts']))
    log(table([(t['task'][:90], t['runs'], t['results'], t['seconds']) for t in result['analysis']['tasks']],
              ['drift_check task', 'runs', 'results', 'span s']))
    return result


# -- main -----------------------------------------------------------------------------------------------------------
def section_targets(section):
    """A section's targets: 'target', then 'targets', then the cached run's; each with 'what', 'measured', 'met'."""
    out = []
    for target in [section.get('target')] + list(section.get('targets') or []) + [(section.get('cached') or {}).get('target')]:
        if target:
            target = dict(target)
            if target.get('measured') is None and target.get('measured_s') is not None:
                target['measured'] = '%.2f s (bound %.2f s)' % (target['measured_s'], target['bound_s'])
            out.append(target)
    return out


def mb(kb):
    return None if not kb else kb / 1024.0


def summary(results):
    lines = ['', '== summary']
    for name, section in results['sections'].items():
        for target in section_targets(section):
            lines.append('  %-16s %-88s %-28s %s' % (name, target['what'].replace('`', ''), target.get('measured') or '',
                                                     'met' if target['met'] else 'NOT MET'))
    tasks = results['sections'].get('task_time', {}).get('tasks')
    if tasks:
        lines.append('  task time (median): %s' % ', '.join('%s %.0f ms (%.2fx)' % (kind, v['median_ms'], v['ratio_to_uri'])
                                                            for kind, v in tasks.items()))
    inventory = results['sections'].get('inventory', {})
    if inventory.get('target'):
        target = inventory['target']
        phases = [dict((k, v) for k, v in (c.get('phases') or {}).items() if k != 'rest_is')
                  for c in inventory['cells'] if 'target_met' in c]
        lines.append('  inventory target cell: %.2f s measured, bound %.2f s; phases %s'
                     % (target['measured_s'], target['bound_s'], phases[0] if phases else None))
    if inventory.get('rsc_only'):
        lines.append('  same cell with slot_types [rsc] (1 host per chassis): %.2f s' % inventory['rsc_only']['seconds'])
    if inventory.get('read_floor'):
        floor = inventory['read_floor']
        lines.append('  reading %d chassis alone (ideal %.2f s): client (requests) %.2f s, bare http.client %.2f s'
                     % (floor['chassis'], floor['ideal_s'], floor['client (requests)']['seconds'], floor['bare http.client']['seconds']))
    memory = inventory.get('memory')
    if memory and memory.get('max_rss_kb'):
        lines.append('  peak memory of ansible-inventory --list at %d chassis (%s hosts): %.0f MB (start-up alone %.0f MB)'
                     % (memory['chassis'], memory['hosts'], memory['max_rss_kb'] / 1024.0, (memory['startup_max_rss_kb'] or 0) / 1024.0))
    for drift in [results['sections'].get(key) for key in ('drift_check_60', 'drift_check')]:
        if not (drift and drift.get('drift_check')):
            continue
        lines.append('  %d hosts, -f %d: debug play %.1f s; drift_check %.1f s (%.2fx); fleet_rollout %.1f s (%.2fx, %d writes)'
                     % (drift['hosts'], drift['forks'], drift['baseline']['debug_play_s'], drift['drift_check']['seconds'],
                        drift['drift_check']['ratio_to_debug'], drift['fleet_rollout']['seconds'],
                        drift['fleet_rollout']['ratio_to_debug'], drift['fleet_rollout']['writes']))
    big = results['sections'].get('drift_check_1000')
    if big and big.get('drift_check'):
        figures = big['drift_check']
        lines.append('  drift_check over %d chassis, -f %d: %.1f s (start-up + inventory %.1f s); peak memory %.0f MB (largest '
                     'process, GNU time %%M), %.0f MB PSS of the whole tree'
                     % (big['chassis'], big['forks'], figures['seconds'], big['runs']['empty']['seconds'],
                        mb(figures['max_rss_kb']) or 0, mb((figures.get('tree') or {}).get('pss_kb')) or 0))
    lines.append('  load average: start %s, end %s' % (results.get('load_average_start'), results.get('load_average_end')))
    lines.append('  benchmark run took %.0f s; results in %s' % (results['seconds'], results['out']))
    return '\n'.join(lines)


def fmt(value, digits=2):
    return '' if value is None else ('%.*f' % (digits, value) if isinstance(value, float) else str(value))


def task_rows(tasks):
    return [(t['task'][:90].replace('|', '\\|'), t['runs'], t['results'],
             ', '.join('%s %d' % kv for kv in sorted(t['statuses'].items())), fmt(t['seconds'])) for t in tasks]


def parts_rows(analysis, total_s):
    parts = analysis['parts']
    labels = (('startup_and_inventory_s', 'start-up and inventory (the empty play)'),
              ('module_task_s', 'the `rsc` module task (in the controller\'s workers)'),
              ('other_per_host_tasks_s', 'the %d other per-host tasks (%d host results, %d of them skipped)'
               % (analysis['other_per_host_tasks'], analysis['other_host_results'], analysis['other_host_results_skipped'])),
              ('once_tasks_s', 'tasks that run once (reports, summaries)'),
              ('between_tasks_s', 'between the tasks (includes, play and batch changes, exit)'))
    return [(label, fmt(parts[key]), '%.0f%%' % (parts[key] * 100.0 / total_s) if total_s else '') for key, label in labels]


def markdown(results):
    """The tables of docs/benchmarks.md, from one run's results."""
    out = ['<!-- generated by tests/bench/run.py (%s, %s; load average %s at the start, %s at the end) -->'
           % (results['command'], results['started'], results.get('load_average_start'), results.get('load_average_end'))]
    sections = results['sections']
    rows = []
    for name, section in sections.items():
        for target in section_targets(section):
            rows.append((name, target['what'], target.get('measured') or '', 'met' if target['met'] else '**not met**'))
    out += ['### Targets', '', table(rows, ['section', 'target', 'measured', 'result']), '']
    task = sections.get('task_time')
    if task:
        out += ['### Task time (%d interleaved rounds, one ansible-playbook run)' % task['rounds'], '',
                table([(k, v['n'], fmt(v['median_ms'], 0), fmt(v['p25_ms'], 0), fmt(v['p75_ms'], 0), fmt(v['ratio_to_uri']))
                       for k, v in task['tasks'].items()], ['task', 'runs', 'median ms', 'p25 ms', 'p75 ms', 'ratio to uri']), '',
                'Module process started (AnsiballZ file left with ANSIBLE_KEEP_REMOTE_FILES): %s.'
                % ', '.join('%s %s' % (k, 'yes' if v else 'no') for k, v in task.get('module_process_started', {}).items()), '',
                table([(k, fmt(v['wall_ms'], 0), fmt(v['cpu_ms'], 0), v.get('payload_bytes'))
                       for k, v in task['module_processes'].items()],
                      ['module process alone (AnsiballZ run directly)', 'wall ms', 'CPU ms', 'AnsiballZ bytes']), '',
                table([(k, fmt(v['wall_ms'], 0), fmt(v['cpu_ms'], 0)) for k, v in task['imports'].items()],
                      ['python -c ...', 'wall ms', 'CPU ms']), '']
    req = sections.get('requests')
    if req:
        out += ['### HTTP requests per task', '',
                table([(c['case'], c['requests'], c['reads'], c['writes'], c['polls'], c['expected'], 'yes' if c['met'] else 'no')
                       for c in req['cases']], ['task', 'requests', 'full reads', 'writes', 'poll reads', 'target', 'met']), '']
    inv = sections.get('inventory')
    if inv:
        out += ['### Inventory discovery: `ansible-inventory --list`', '',
                'Start-up of `ansible-inventory -i localhost, --list`: %s s (peak %s MB). With the plugin and one chassis: %s s. %s.'
                % (fmt(inv['startup']['seconds']), fmt((inv['startup']['max_rss_kb'] or 0) / 1024.0, 0),
                   fmt(inv['one_chassis']['seconds']), inv['repetitions'][0].upper() + inv['repetitions'][1:])
                + (' Left out: %s.' % inv['cells_left_out'] if inv.get('cells_left_out') else ''), '',
                table([(c['chassis'], c['hosts'], c['latency_ms'], c['concurrency'], c['runs'], fmt(c['seconds']), fmt(c['ideal_s']),
                        fmt(c['ideal_plus_startup_s']), fmt(c['ratio']), c['requests'], fmt((c['max_rss_kb'] or 0) / 1024.0, 0))
                       for c in inv['cells']],
                      ['chassis', 'hosts', 'latency ms', 'concurrency', 'runs', 'measured s', 'ideal s', 'ideal + start-up s',
                       'ratio', 'requests', 'peak MB']), '']
        target = [c for c in inv['cells'] if 'target_met' in c]
        if target and target[0].get('phases'):
            phases = target[0]['phases']
            out += ['Target cell (%d chassis, %d ms, concurrency %d): %s s measured, bound 1.5 x %s + %s = %s s. Phases '
                    '(median of the runs, from the plugin\'s -vvv timings): start-up %s s, reading the chassis %s s, building '
                    'the hosts %s s, the rest (loading the inventory file, --list output, exit) %s s.'
                    % (target[0]['chassis'], target[0]['latency_ms'], target[0]['concurrency'], fmt(target[0]['seconds']),
                       fmt(target[0]['ideal_s']), fmt(inv['startup']['seconds']), fmt(target[0]['target_bound_s']),
                       fmt(phases['startup_s']), fmt(phases['plugin_read_s']), fmt(phases['plugin_build_hosts_s']),
                       fmt(phases['rest_s'])), '']
        rsc = inv.get('rsc_only')
        if rsc:
            out += ['The same cell with `slot_types: [rsc]` (%s hosts): %s s (ratio %s).'
                    % (rsc['hosts'], fmt(rsc['seconds']), fmt(rsc['ratio'])), '']
        floor = inv.get('read_floor')
        if floor:
            out += [table([(k, fmt(v['seconds']), fmt(v['cpu_s']), fmt(v['cpu_ms_per_chassis'])) for k, v in floor.items()
                           if isinstance(v, dict)],
                          ['reading %d chassis alone (%d ms, %d threads, ideal %s s)'
                           % (floor['chassis'], floor['latency_ms'], floor['concurrency'], fmt(floor['ideal_s'])),
                           'wall s', 'CPU s', 'CPU ms per chassis']), '']
        cached = inv.get('cached')
        if cached:
            out += [table([(c['run'], fmt(c['seconds']), c['requests'], c['hosts']) for c in cached['runs']],
                          ['cache (%d chassis, %d ms, concurrency %d; cache file %.1f MB)'
                           % (cached['chassis'], cached['latency_ms'], cached['concurrency'], cached['cache_bytes'] / 1e6),
                           'seconds', 'requests', 'hosts']), '']
        memory = inv.get('memory')
        if memory:
            out += ['Peak memory (RSS) of `ansible-inventory --list`: %s MB at %d chassis (%s hosts); %s MB with `slot_types: [rsc]`; '
                    '%s MB for the start-up alone.'
                    % (fmt((memory['max_rss_kb'] or 0) / 1024.0, 0), memory['chassis'], memory['hosts'],
                       fmt((memory['rsc_only_max_rss_kb'] or 0) / 1024.0, 0), fmt((memory['startup_max_rss_kb'] or 0) / 1024.0, 0)), '']
    for drift in [sections.get(key) for key in ('drift_check_60', 'drift_check')]:
        if not (drift and drift.get('runs')):
            continue
        out += ['### drift_check and fleet_rollout (%d RSC hosts, -f %d)' % (drift['hosts'], drift['forks']), '',
                table([(v['label'], fmt(v['seconds']), fmt(v['per_host_ms'], 0), v['requests'], v['writes'], v['rc'],
                        fmt(v['seconds'] / drift['baseline']['debug_play_s']) if k not in ('empty',) else '')
                       for k, v in drift['runs'].items()],
                      ['run', 'total s', 'per host ms', 'requests', 'writes', 'exit code', 'ratio to the debug play']), '',
                'Baseline: the debug play, %s: %s s. A trivial task costs %s ms per host.'
                % (drift['baseline']['how'], fmt(drift['baseline']['debug_play_s']), fmt(drift['baseline']['trivial_task_per_host_ms'], 0)), '']
        for key in ('drift_check', 'fleet_rollout'):
            analysis = drift['analysis'][key]
            out += [table(parts_rows(analysis, drift[key]['seconds']), ['%s: part' % key, 'seconds', 'share']), '',
                    table(task_rows(analysis['tasks']), ['%s task' % key, 'runs', 'results', 'statuses', 'span s']), '']
    big = sections.get('drift_check_1000')
    if big and big.get('runs'):
        out += ['### drift_check over %d chassis (%d RSC hosts, -f %d)' % (big['chassis'], big['hosts'], big['forks']), '',
                table([(v['label'], fmt(v['seconds']), v['requests'], v['rc'], fmt(mb(v['max_rss_kb']), 0),
                        fmt(mb((v.get('tree') or {}).get('pss_kb')), 0), fmt(mb((v.get('tree') or {}).get('rss_kb')), 0),
                        (v.get('tree') or {}).get('processes')) for v in big['runs'].values()],
                      ['run', 'total s', 'requests', 'exit code', 'peak MB (largest process, GNU time %M)',
                       'peak PSS MB (whole tree)', 'peak RSS sum MB (whole tree)', 'processes']), '',
                table(parts_rows(big['analysis'], big['drift_check']['seconds']), ['drift_check: part', 'seconds', 'share']), '',
                table(task_rows(big['analysis']['tasks']), ['drift_check task', 'runs', 'results', 'statuses', 'span s']), '']
    return '\n'.join(out) + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--quick', action='store_true', help='a smaller run (a few minutes; 50 and 250 hosts in the drift sections)')
    parser.add_argument('--only', default=','.join(SECTIONS), help='comma-separated sections: %s' % ', '.join(SECTIONS))
    parser.add_argument('--out', default=str(BENCH_DIR / 'results' / 'latest.json'), help='where to write the JSON results')
    parser.add_argument('--repeat', type=int, help='runs per inventory cell (default: 3 for the cheap cells and the target, else 1)')
    parser.add_argument('--all-cells', action='store_true', help='run every inventory cell (default: %s)' % CELLS_RULE)
    parser.add_argument('--forks', type=int, default=50, help='forks of the drift_check sections (default 50)')
    parser.add_argument('--keep', action='store_true', help='keep the work directory (playbooks, outputs)')
    args = parser.parse_args(argv)
    wanted = [name.strip() for name in args.only.split(',') if name.strip()]
    unknown = [name for name in wanted if name not in SECTIONS]
    if unknown:
        parser.error('unknown section(s): %s' % ', '.join(unknown))
    config = Config(args.quick, args.repeat, args.forks, args.all_cells)
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix='lantime-bench-'))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    results = {'command': 'make bench' if not args.quick else '.venv/bin/python tests/bench/run.py --quick',
               'argv': sys.argv[1:], 'quick': args.quick, 'started': time.strftime('%Y-%m-%dT%H:%M:%S%z'),
               'machine': machine(), 'load_average_start': load_average(), 'sections': {}, 'out': str(out)}
    log('meinberg.lantime benchmarks (%s) on %d CPUs, load %s; work directory %s'
        % ('quick' if args.quick else 'full', results['machine']['cpus'], results['load_average_start'], workdir))
    functions = {'task_time': bench_task_time, 'requests': bench_requests, 'inventory': bench_inventory,
                 'drift_check_60': bench_drift_check_60, 'drift_check': bench_drift_check,
                 'drift_check_1000': bench_drift_check_1000}
    try:
        for name in SECTIONS:
            if name not in wanted:
                continue
            section_dir = workdir / name
            section_dir.mkdir()
            section_started = time.monotonic()
            load = load_average()
            results['sections'][name] = functions[name](config, section_dir)
            results['sections'][name]['load_average'] = {'start': load, 'end': load_average()}
            results['sections'][name]['section_seconds'] = round(time.monotonic() - section_started, 1)
            write_json(out, results)  # partial results survive a later failure
    finally:
        results['seconds'] = round(time.monotonic() - started, 1)
        results['load_average_end'] = load_average()
        write_json(out, results)
        out.with_suffix('.md').write_text(markdown(results), encoding='utf-8')
        if args.keep:
            log('work directory kept: %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    log(summary(results))
    return 0


if __name__ == '__main__':
    sys.exit(main())
