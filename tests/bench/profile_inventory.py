# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Where the time of `ansible-inventory -i FILE --list` goes: our plugin's phases and ansible-core's, in one process.

    .venv/bin/python tests/bench/profile_inventory.py FILE.ims.yml [--graph] [--cprofile OUT.prof]
                     [--skip-make-unsafe] [--skip-visitor]

Runs ansible-inventory in this process with wall-clock timers around the plugin's phases (reading the chassis,
building the hosts, marking values unsafe) and around ansible-core's (set_variable with its trust visitor, the host
variables of --list, the JSON dump). The timers cost well under a microsecond per call. --skip-make-unsafe and
--skip-visitor replace one step with a pass-through, to measure what removing it would save (outputs stay valid
for the benchmark, not for use). --cprofile profiles the main thread (the reading workers are not in it).
"""

import argparse
import collections
import cProfile
import inspect
import os
import sys
import time

from benchlib import REPO_ROOT

TIMES = collections.defaultdict(float)
CALLS = collections.Counter()


def timed(label, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            TIMES[label] += time.perf_counter() - started
            CALLS[label] += 1
    wrapper.__wrapped__ = function
    return wrapper


def patch(owner, name, label, replacement=None):
    wrapped = timed(label, replacement or getattr(owner, name))
    if isinstance(inspect.getattr_static(owner, name), staticmethod):
        wrapped = staticmethod(wrapped)
    setattr(owner, name, wrapped)


def instrument(skip_make_unsafe=False, skip_visitor=False):
    # pylint: disable=import-outside-toplevel
    from ansible.cli.inventory import InventoryCLI
    from ansible.inventory import manager
    from ansible.inventory.data import InventoryData
    from ansible.plugins import loader

    from ansible.parsing.dataloader import DataLoader
    from ansible.plugins.inventory import BaseInventoryPlugin

    patch(manager.InventoryManager, 'parse_sources', 'ansible: parse all inventory sources')
    patch(DataLoader, 'load_from_file', 'ansible: loading YAML files (the inventory file, twice)')
    patch(BaseInventoryPlugin, '_read_config_data', 'ansible: reading the plugin options (YAML + validation)')
    if skip_visitor:
        patch(manager._InventoryDataWrapper, 'set_variable', 'ansible: set_variable (trust visitor + store)',
              lambda self, entity, varname, value: self.__wrapped__.set_variable(entity, varname, value))
    else:
        patch(manager._InventoryDataWrapper, 'set_variable', 'ansible: set_variable (trust visitor + store)')
    patch(InventoryData, 'set_variable', 'ansible: set_variable (store only)')
    patch(InventoryData, 'add_host', 'ansible: add_host')
    patch(InventoryData, 'add_child', 'ansible: add_child')
    patch(InventoryCLI, 'json_inventory', 'ansible: --list building the output (all host variables)')
    patch(InventoryCLI, '_get_host_variables', 'ansible: --list host variables (VariableManager.get_vars)')
    patch(InventoryCLI, 'dump', 'ansible: --list JSON dump')

    original = loader.PluginLoader._load_module_source

    def load(self, *, python_module_name, path):
        module = original(self, python_module_name=python_module_name, path=path)
        if python_module_name.endswith('.plugins.inventory.ims') and not getattr(module, '_bench_patched', False):
            module._bench_patched = True
            plugin = module.InventoryModule
            patch(plugin, '_read_all', 'ours: read all chassis (threads, HTTP, facts)')
            patch(plugin, '_populate', 'ours: _populate (building the hosts, calls ansible)')
            patch(module, 'host_vars', 'ours: host_vars')
            if skip_make_unsafe:
                patch(module, 'make_unsafe', 'ours: make_unsafe', dict)
            else:
                patch(module, 'make_unsafe', 'ours: make_unsafe')
            patch(plugin, '_read_one', 'ours: reading one chassis (summed over worker threads)')
            patch(plugin, '_set_composite_vars', 'ansible: constructed compose')
            patch(plugin, '_add_host_to_composed_groups', 'ansible: constructed groups')
            patch(plugin, '_add_host_to_keyed_groups', 'ansible: constructed keyed_groups')
        return module

    loader.PluginLoader._load_module_source = load


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('source')
    parser.add_argument('--graph', action='store_true', help='--graph instead of --list')
    parser.add_argument('--cprofile', help='write a cProfile of the main thread here')
    parser.add_argument('--skip-make-unsafe', action='store_true')
    parser.add_argument('--skip-visitor', action='store_true')
    args = parser.parse_args(argv)
    os.environ.setdefault('ANSIBLE_CONFIG', str(REPO_ROOT / 'ansible.cfg'))
    os.chdir(str(REPO_ROOT))
    started = time.perf_counter()
    from ansible.cli.inventory import InventoryCLI  # pylint: disable=import-outside-toplevel
    imported = time.perf_counter() - started
    instrument(args.skip_make_unsafe, args.skip_visitor)
    output = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'lantime-bench-inventory-%d.out' % os.getpid())
    cli = InventoryCLI(['ansible-inventory', '-i', args.source, '--graph' if args.graph else '--list', '--output', output])
    profiler = cProfile.Profile() if args.cprofile else None
    if profiler:
        profiler.enable()
    run_started = time.perf_counter()
    try:
        cli.run()
    except SystemExit as exc:  # ansible-inventory ends with sys.exit(0)
        if exc.code not in (0, None):
            raise
    finally:
        run_seconds = time.perf_counter() - run_started
        if profiler:
            profiler.disable()
        if os.path.exists(output):
            os.unlink(output)
    if profiler:
        profiler.dump_stats(args.cprofile)
    total = time.perf_counter() - started
    print('%-62s %8s %8s' % ('phase', 'seconds', 'calls'))
    print('%-62s %8.2f' % ('python + importing ansible.cli.inventory', imported))
    print('%-62s %8.2f' % ('InventoryCLI.run()', run_seconds))
    for label in sorted(TIMES, key=lambda key: -TIMES[key]):
        print('%-62s %8.2f %8d' % (label, TIMES[label], CALLS[label]))
    print('%-62s %8.2f' % ('total in this process (without interpreter start)', total))
    return 0


if __name__ == '__main__':
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
