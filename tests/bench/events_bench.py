# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The load of the rsc_events source: 100 simulated chassis polled every 5 s for about 30 s.

    python tests/bench/events_bench.py [--devices 100] [--interval 5] [--seconds 30] [--json FILE]

Runs the source's main() in a process of its own (the Python running this script, which needs requests and
ansible-core), with a queue that only counts, and reports the CPU seconds that process spent while polling per
second of wall time (its CPU share of one core), the requests every device answered, and the events seen.
A few clocks are made to lose sync half way, so that the run also detects and emits changes.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import PASSWORD, REPO_ROOT, USER, Simulator, machine  # noqa: E402 pylint: disable=wrong-import-position

COLLECTIONS = REPO_ROOT / '.collections'

# The process that runs the source: prints its CPU time when polling starts and when it is stopped.
DRIVER = r'''
import asyncio, json, os, resource, sys, time
sys.path.insert(0, sys.argv[1])
from importlib.machinery import SourceFileLoader
plugin = SourceFileLoader('rsc_events', sys.argv[2]).load_module()
config = json.loads(sys.argv[3])

def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

class CountingQueue:
    def __init__(self):
        self.counts = {}
    async def put(self, event):
        kind = event['lantime']['type']
        self.counts[kind] = self.counts.get(kind, 0) + 1

async def run():
    queue = CountingQueue()
    task = asyncio.create_task(plugin.main(queue, config['args']))
    cpu_start, wall_start = cpu(), time.monotonic()
    print(json.dumps({'polling': True}), flush=True)
    await asyncio.sleep(config['seconds'])
    cpu_end, wall_end = cpu(), time.monotonic()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    print(json.dumps({'cpu_seconds': cpu_end - cpu_start, 'wall_seconds': wall_end - wall_start,
                      'events': queue.counts}), flush=True)

asyncio.run(run())
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--devices', type=int, default=100)
    parser.add_argument('--interval', type=float, default=5.0)
    parser.add_argument('--seconds', type=float, default=30.0)
    parser.add_argument('--concurrency', type=int, default=16)
    parser.add_argument('--json', help='also write the result to this file')
    options = parser.parse_args()

    plugin = COLLECTIONS / 'ansible_collections' / 'meinberg' / 'lantime' / 'extensions' / 'eda' / 'plugins' / \
        'event_source' / 'rsc_events.py'
    if not plugin.exists():
        sys.exit('%s not found: run `make links` first' % plugin)

    with Simulator(devices=options.devices) as sim:
        args = {'chassis': [{'name': 'ims%03d' % i, 'host': url} for i, url in enumerate(sim.urls)],
                'interval': options.interval, 'concurrency': options.concurrency, 'retries': 1, 'timeout': 10}
        config = {'args': args, 'seconds': options.seconds}
        environ = dict(os.environ, LANTIME_USERNAME=USER, LANTIME_PASSWORD=PASSWORD)
        with tempfile.TemporaryFile() as stderr:
            process = subprocess.Popen([sys.executable, '-c', DRIVER, str(COLLECTIONS), str(plugin),  # pylint: disable=consider-using-with
                                        json.dumps(config)], stdout=subprocess.PIPE, stderr=stderr, text=True,
                                       env=environ)
            first = json.loads(process.stdout.readline() or 'null')
            if first != {'polling': True}:
                process.kill()
                stderr.seek(0)
                sys.exit('the source did not start: %s' % stderr.read().decode('utf-8', 'replace'))
            # Half way: clk1 of every tenth chassis loses sync, which must become events.
            time.sleep(options.seconds / 2)
            changed = list(range(0, options.devices, 10))
            sim.control_all('POST', 'clock', {'clock': 'clk1', 'time-sync': False}, devices=changed)
            result = json.loads(process.stdout.readline() or 'null')
            process.wait(60)
            if not result:
                stderr.seek(0)
                sys.exit('the source ended without a result: %s' % stderr.read().decode('utf-8', 'replace'))
        requests = sim.request_counts()

    report = {
        'benchmark': 'rsc_events source',
        'machine': machine(),
        'devices': options.devices,
        'interval_seconds': options.interval,
        'concurrency': options.concurrency,
        'wall_seconds': round(result['wall_seconds'], 2),
        'cpu_seconds': round(result['cpu_seconds'], 2),
        'cpu_share_of_one_core': round(result['cpu_seconds'] / result['wall_seconds'], 4),
        'requests_total': sum(requests),
        'requests_per_chassis': {'min': min(requests), 'max': max(requests)},
        'requests_per_chassis_per_interval': round(sum(requests) / len(requests) / (result['wall_seconds'] / options.interval), 2),
        'clocks_made_to_lose_sync': len(changed),
        'events': result['events'],
    }
    text = json.dumps(report, indent=1, sort_keys=True)
    print(text)
    if options.json:
        Path(options.json).write_text(text + '\n', encoding='utf-8')
    expected = len(changed)
    if result['events'].get('switchover') != expected or result['events'].get('sync_lost') != expected:
        sys.exit('expected %d switchover and sync_lost events, got %s' % (expected, result['events']))


if __name__ == '__main__':
    main()
