# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""meinberg.lantime.rsc_events on a chassis whose switch card sits in slot scu1 (slot type scu), through the real
ansible-rulebook: a switchover, and a change of the chassis' staged configuration changes."""

from conftest import PASSWORD, REPO_ROOT, USERNAME, SimulatorProcess, print_rule, source

INTERVAL = 1.0
START_TIMEOUT = 60
EVENT_TIMEOUT = 15


def test_switchover_and_staged_changes_on_an_scu_chassis(tmp_path, rulebook):
    fixture = REPO_ROOT / 'tests' / 'simulator' / 'fixtures' / 'ims-m3000-scu.status.json'
    sim = SimulatorProcess('--no-tls', '--user', '%s:%s:admin' % (USERNAME, PASSWORD), '--settle-ms', '100',
                           '--fixture', str(fixture), workdir=tmp_path / 'sim').start()
    try:
        run = rulebook([{'name': 'SCU chassis', 'hosts': 'all',
                         'sources': [source(sim, ['lab'], interval=INTERVAL)], 'rules': [print_rule()]}])
        startup = run.wait_for(START_TIMEOUT, 'the startup event', kind='startup')
        assert (startup[0]['lantime']['slot'], startup[0]['lantime']['after']) == ('scu1', 'clk2')

        # The clock in use loses sync: the card in scu1 fails over to clk1.
        sim.set_clock('clk2', False)
        switch = run.wait_for(EVENT_TIMEOUT, 'the switchover', kind='switchover')[0]['lantime']
        assert (switch['slot'], switch['before'], switch['after']) == ('scu1', 'clk2', 'clk1')
        assert switch['inventory_host'] == 'lab_scu1'

        sim.control('POST', 'staged', {'pending-changes': 1})
        staged = run.wait_for(EVENT_TIMEOUT, 'pending_changes_changed', kind='pending_changes_changed')[0]['lantime']
        assert (staged['slot'], staged['before'], staged['after']) == ('scu1', 0, 1)
        assert run.stop() in (0, 130, -2)
    finally:
        sim.stop()
