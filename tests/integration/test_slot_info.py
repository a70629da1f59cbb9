# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""meinberg.lantime.slot_info through ansible-playbook against the simulator, and its agreement with the inventory."""

from ansible_run import play, run_playbook, task
from test_inventory import INVENTORY_DIR, ansible_inventory, write_config

VIEWER = {'username': 'viewer', 'password': 'V1ew-Secret'}


def viewer(sim, **extra):
    options = dict(VIEWER, host=sim.url())
    options.update(extra)
    return options


def test_every_slot_in_natural_order_with_one_request(tmp_path, sim):
    run = run_playbook(tmp_path, play(task('read', 'meinberg.lantime.slot_info', **viewer(sim))))
    assert run.rc == 0, run.output
    out = run.result('read')
    assert out['changed'] is False
    assert [s['slot_id'] for s in out['slots']] == \
        ['clk1', 'clk2', 'cpu', 'io1', 'io2', 'io3', 'io4', 'pwr1', 'pwr2', 'rsc']
    slots = dict((s['slot_id'], s) for s in out['slots'])
    assert slots['rsc'] == {'slot_id': 'rsc', 'slot_type': 'rsc', 'slot_position': '0,4,1', 'fitted': True,
                            'model': 'rsc180', 'serial_number': '052312000318', 'software_revision': 'v1.12',
                            'rsc_switch_mode': 'auto', 'rsc_selected_clock': 'clk1'}
    assert slots['clk2']['serial_number'] == '029512007894'  # trailing spaces gone
    assert slots['clk2']['clock_status'] == 'synchronized'
    assert [s['slot_id'] for s in out['slots'] if not s['fitted']] == ['io3', 'io4', 'pwr2']
    assert slots['io3']['model'] is None and 'clock_status' not in slots['io3']
    assert out['device']['model'] == 'M3000' and out['device']['hostname'] == sim.devices[0]['hostname']
    assert out['device']['chassis_serial_number'] == sim.devices[0]['serial']
    assert [(c['method'], c['path'], c['status']) for c in out['api_calls']] == [('GET', '/api/status/chassis0', 200)]
    assert sim.stats()['counts'] == {'GET /api/status/chassis0': 1}


def test_filters_and_check_mode(tmp_path, sim):
    run = run_playbook(tmp_path, play(
        task('clocks', 'meinberg.lantime.slot_info', slot_types=['CLK', 'rsc'], include_empty=False, **viewer(sim)),
        task('io', 'meinberg.lantime.slot_info', slot_types=['io'], **viewer(sim))), '--check')
    assert run.rc == 0, run.output
    assert [s['slot_id'] for s in run.result('clocks')['slots']] == ['clk1', 'clk2', 'rsc']
    assert [(s['slot_id'], s['fitted']) for s in run.result('io')['slots']] == \
        [('io1', True), ('io2', True), ('io3', False), ('io4', False)]


def test_ci_check_that_both_clocks_and_the_rsc_are_fitted(tmp_path, simulator_factory):
    """The use case of the issue: a chassis with an empty clk2 fails the check and says why."""
    sim = simulator_factory('--no-tls', '--user', 'viewer:V1ew-Secret:info',
                            '--fixture', INVENTORY_DIR / 'clk2-missing.json')
    check = {'name': 'check', 'ansible.builtin.assert': {
        'that': ["(out.slots | selectattr('slot_id', 'in', ['clk1', 'clk2', 'rsc']) | selectattr('fitted') | list "
                 "| length) == 3"],
        'fail_msg': "missing: {{ out.slots | selectattr('slot_id', 'in', ['clk1', 'clk2', 'rsc']) "
                    "| rejectattr('fitted') | map(attribute='slot_id') | join(', ') }}"}}
    run = run_playbook(tmp_path, play(task('read', 'meinberg.lantime.slot_info', **viewer(sim)), check))
    assert run.rc != 0
    assert 'missing: clk2' in run.result('check')['msg']


def test_errors_name_the_device(tmp_path, sim):
    sim.settings(api_enabled=False)
    run = run_playbook(tmp_path, play(task('read', 'meinberg.lantime.slot_info', ignore_errors=True, **viewer(sim))))
    out = run.result('read')
    assert out['failed'] and 'Enable REST API' in out['msg'] and sim.url().split('://')[1] in out['msg']
    assert len(out['api_calls']) == 1


def test_slot_info_agrees_with_the_inventory(tmp_path, sim):
    """The inventory's host variables are slot_info's slots with the prefix lantime_, for the same chassis.

    The play runs slot_info on the inventory's RSC host itself, with the address the inventory gives
    (lantime_host) and the connection and interpreter it sets: that is how fleet playbooks use it.
    """
    path = write_config(tmp_path, dict(VIEWER, chassis=[{'name': 'ims', 'host': sim.url()}], include_empty=True))
    inventory = ansible_inventory(tmp_path, path)
    hostvars = inventory.data['_meta']['hostvars']
    playbook = [{'name': 'slots', 'hosts': 'lantime_rsc', 'gather_facts': False,
                 'module_defaults': {'group/meinberg.lantime.lantime': dict(VIEWER, host='{{ lantime_host }}')},
                 'tasks': [task('read', 'meinberg.lantime.slot_info')]}]
    run = run_playbook(tmp_path, playbook, inventory=str(path))
    assert run.rc == 0, run.output
    results = [entry for entry in run.results if entry['task'] == 'read']
    assert [entry['host'] for entry in results] == ['ims_rsc']
    out = results[0]['result']
    assert sorted(hostvars) == sorted('ims_' + s['slot_id'] for s in out['slots'])
    for slot in out['slots']:
        variables = hostvars['ims_' + slot['slot_id']]
        assert dict((key, variables['lantime_' + key]) for key in slot) == slot
        assert sorted(k for k in variables if k.startswith('lantime_')) == sorted(
            ['lantime_' + key for key in slot] + ['lantime_host', 'lantime_chassis', 'lantime_chassis_model',
                                                  'lantime_chassis_serial_number', 'lantime_chassis_hostname',
                                                  'lantime_firmware', 'lantime_api_version', 'lantime_pending_changes'])
        device = out['device']
        assert (variables['lantime_chassis_model'], variables['lantime_chassis_hostname'],
                variables['lantime_chassis_serial_number'], variables['lantime_firmware'],
                variables['lantime_api_version'], variables['lantime_pending_changes']) == (
                    device['model'], device['hostname'], device['chassis_serial_number'], device['firmware'],
                    device['api_version'], device['pending_changes'])
        assert variables['lantime_host'] == sim.url()
