# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The switch card in a slot of type scu (id scu1), as Meinberg's own slot names suggest a real chassis may report it:
through ansible-inventory, rsc_info, rsc and api_check against the simulator."""

import json

import pytest

from ansible_run import play, run_playbook, task
from conftest import FIXTURES_DIR, SIMULATOR_DIR, SimulatorProcess
from test_inventory import ansible_inventory

SCU_FIXTURE = FIXTURES_DIR / 'ims-m3000-scu.status.json'
SIM_OPTIONS = ('--no-tls', '--user', 'viewer:V1ew-Secret:info', '--user', 'admin:Adm1n-Secret:admin',
               '--settle-ms', '100')


def credentials(sim, **extra):
    options = {'host': sim.url(), 'username': 'admin', 'password': 'Adm1n-Secret'}
    options.update(extra)
    return options


@pytest.fixture(scope='module')
def scu_simulator(tmp_path_factory):
    process = SimulatorProcess(*SIM_OPTIONS, '--fixture', SCU_FIXTURE, workdir=tmp_path_factory.mktemp('scu'))
    process.start()
    yield process
    process.stop()


@pytest.fixture
def scu(scu_simulator):
    scu_simulator.reset()
    return scu_simulator


def one(tmp_path, module, **options):
    run = run_playbook(tmp_path, play(task('one', module, ignore_errors=True, **options)))
    return run, run.result('one')


def test_the_inventory_puts_the_scu_card_in_lantime_rsc(tmp_path, scu):
    run = ansible_inventory(tmp_path, {'chassis': [{'name': 'lab', 'host': scu.url()}],
                                       'username': 'viewer', 'password': 'V1ew-Secret'})
    assert run.hosts('lantime_rsc') == ['lab_scu1'], run.stdout + run.stderr
    variables = run.hostvars('lab_scu1')
    assert (variables['lantime_slot_id'], variables['lantime_slot_type'], variables['lantime_model']) == \
        ('scu1', 'rsc', 'rsc180')
    assert variables['lantime_pending_changes'] == 0
    assert (variables['lantime_rsc_switch_mode'], variables['lantime_rsc_selected_clock']) == ('auto', 'clk2')
    assert run.warnings == []


def test_rsc_info_finds_the_scu_card_with_one_request(tmp_path, scu):
    run, out = one(tmp_path, 'meinberg.lantime.rsc_info', **credentials(scu))
    assert run.rc == 0, run.output
    assert (out['rsc']['slot_id'], out['rsc']['model'], out['rsc']['selected_clock']) == ('scu1', 'rsc180', 'clk2')
    assert out['device']['pending_changes'] == 0
    assert [(c['method'], c['path']) for c in out['api_calls']] == [('GET', '/api/status/chassis0')]


def test_rsc_changes_the_scu_card_and_reads_it_back(tmp_path, scu):
    run, out = one(tmp_path, 'meinberg.lantime.rsc', switch_mode='manual', selected_clock='clk1', **credentials(scu))
    assert run.rc == 0 and out['changed'] is True and out['outcome'] == 'changed', run.output
    assert out['after'] == {'switch_mode': 'manual', 'selected_clock': 'clk1'}
    sequence = [(c['method'], c['path']) for c in out['api_calls']]
    assert sequence[:2] == [('GET', '/api/status/chassis0'),
                            ('POST', '/api/configuration/chassis0/slots/scu1/module/rsc')]
    assert set(sequence[2:]) == {('GET', '/api/status/chassis0/slots/scu1')}
    assert scu.state()['rsc']['effective'] == {'switch-mode': 'manual', 'selected-clock': 'clk1'}
    # Run again: compliant, one read, no write.
    run, out = one(tmp_path, 'meinberg.lantime.rsc', switch_mode='manual', selected_clock='clk1', **credentials(scu))
    assert run.rc == 0 and out['changed'] is False
    assert [(c['method'], c['path']) for c in out['api_calls']] == [('GET', '/api/status/chassis0')]


def test_api_check_finds_the_scu_card(tmp_path, scu):
    run, out = one(tmp_path, 'meinberg.lantime.api_check', host=scu.url(), username='viewer', password='V1ew-Secret')
    assert run.rc == 0, run.output
    checks = dict((check['id'], check) for check in out['checks'])
    assert checks['rsc_card']['status'] == 'pass'
    assert checks['rsc_card']['detail'] == 'slot scu1, model rsc180, slot type scu'
    assert 'scu' in checks['rsc_card']['contract']
    assert checks['rsc_block']['status'] == 'pass' and checks['rsc_configuration']['status'] == 'pass'
    assert out['read_compatible'] is True
    assert not [r for r in scu.stats()['requests'] if r['method'] not in ('GET', 'HEAD', 'OPTIONS')]


@pytest.fixture
def two_cards(tmp_path, simulator_factory):
    """The built-in chassis with a second candidate: a card in a slot of type scu without a status block."""
    scenario = json.loads((SIMULATOR_DIR / 'default-chassis.json').read_text(encoding='utf-8'))
    scenario['slots'].append({'id': 'scu1', 'type': 'scu', 'position': '0,10,1', 'model': 'scu180'})
    path = tmp_path / 'two-cards.json'
    path.write_text(json.dumps(scenario), encoding='utf-8')
    return simulator_factory(*SIM_OPTIONS, '--fixture', path)


def test_two_candidates_are_never_guessed_between(tmp_path, two_cards):
    run = ansible_inventory(tmp_path, {'chassis': [{'name': 'lab', 'host': two_cards.url()}],
                                       'username': 'viewer', 'password': 'V1ew-Secret'})
    assert run.hosts('lantime_rsc') == ['lab_rsc', 'lab_scu1']
    warned = [w for w in run.warnings if 'several slots that hold an RSC card' in w]
    assert len(warned) == 1 and "chassis 'lab'" in warned[0] and '(rsc, scu1)' in warned[0], run.stderr
    run, out = one(tmp_path, 'meinberg.lantime.rsc_info', **credentials(two_cards))
    assert out['failed'] is True and 'several RSC cards (rsc, scu1): choose one with slot' in out['msg']
    run, out = one(tmp_path, 'meinberg.lantime.rsc', switch_mode='manual', **credentials(two_cards))
    assert out['failed'] is True and out['outcome'] == 'unreadable' and 'choose one with slot' in out['msg']
    run, out = one(tmp_path, 'meinberg.lantime.rsc_info', slot='rsc', **credentials(two_cards))
    assert run.rc == 0 and out['rsc']['slot_id'] == 'rsc', run.output
    assert not [r for r in two_cards.stats()['requests'] if r['method'] != 'GET']
