# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The facts that real-format evidence adds, through ansible-playbook and ansible-inventory against the simulator:
the selected clock cross-checked with the clocks, any RSC model in any slot, no clock selected, versions, tokens."""

import json
import subprocess

from ansible_run import BIN, REPO_ROOT, base_env, play, run_playbook, task
from conftest import FIXTURES_DIR

OWN_FIXTURES = REPO_ROOT / 'tests' / 'integration' / 'fixtures'
SIM = ('--no-tls', '--user', 'admin:Adm1n-Secret:admin', '--settle-ms', '100')


def admin(sim, **extra):
    options = {'host': sim.url(), 'username': 'admin', 'password': 'Adm1n-Secret'}
    options.update(extra)
    return options


def writes(sim):
    return [r for r in sim.stats()['requests'] if r['method'] != 'GET' and r['path'].startswith('/api/configuration')]


def one(tmp_path, sim, module, *args, **options):
    run = run_playbook(tmp_path, play(task('t', module, ignore_errors=True, **options)), *args)
    return run, run.result('t')


def test_rsc_card_and_clocks_disagree(tmp_path, simulator_factory):
    sim = simulator_factory(*SIM, '--fixture', OWN_FIXTURES / 'ims-clock-disagree.status.json')
    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc_info', **admin(sim))
    assert run.rc == 0, run.output
    rsc = out['rsc']
    # The chassis read holds the clock slots (clock-idx), not the system reference.
    assert rsc['selected_clock'] == 'clk1' and rsc['selected_clock_source'] == 'rsc_card'
    assert rsc['selected_clock_evidence'] == {'rsc_card': 'clk1', 'system_reference': None, 'clock_idx': 'clk2'}
    assert rsc['selected_clock_conflict'] is True and rsc['failover_ready'] is False
    assert rsc['alarms'] == ["selected clock disagrees: the RSC card says clk1, the clock slots' clock-idx says clk2; "
                             "which clock feeds the chassis is uncertain"]

    # rsc refuses before any write, whatever is asked, and says what to check.
    for asked in ({'selected_clock': 'clk2'}, {'switch_mode': 'auto'}):
        out = one(tmp_path, sim, 'meinberg.lantime.rsc', **admin(sim, **asked))[1]
        assert out['failed'] is True and 'refused, nothing was changed' in out['msg']
        assert 'the RSC card says clk1' in out['msg'] and "clock-idx says clk2" in out['msg']
        assert 'force=true' in out['msg'] and 'on site' in out['msg']
    assert writes(sim) == []

    # force proceeds, warns, writes once and reads the card back.
    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc', force=True, **admin(sim, selected_clock='clk2'))
    assert run.rc == 0 and out['changed'] is True, run.output
    assert out['after']['selected_clock'] == 'clk2'
    assert 'the sources disagree on which clock feeds the chassis' in run.output
    assert [(w['method'], w['path']) for w in writes(sim)] == [('POST', '/api/configuration/chassis0/slots/rsc/module/rsc')]
    out = one(tmp_path, sim, 'meinberg.lantime.rsc_info', **admin(sim))[1]
    assert out['rsc']['selected_clock_conflict'] is False and out['rsc']['failover_ready'] is True


def test_rsc180rdu_in_slot_rsc1_is_found_read_and_set(tmp_path, simulator_factory):
    sim = simulator_factory(*SIM, '--fixture', OWN_FIXTURES / 'ims-rsc180rdu-rsc1.json')
    config = tmp_path / 'lantime.ims.yml'
    config.write_text(json.dumps({'plugin': 'meinberg.lantime.ims', 'chassis': [{'name': 'rdu', 'host': sim.url()}],
                                  'username': 'admin', 'password': 'Adm1n-Secret'}), encoding='utf-8')
    completed = subprocess.run([str(BIN / 'ansible-inventory'), '-i', str(config), '--list'], cwd=str(REPO_ROOT),
                               env=base_env(tmp_path), capture_output=True, text=True, check=False, timeout=300)
    assert completed.returncode == 0, completed.stderr
    inventory = json.loads(completed.stdout)
    assert inventory['lantime_rsc']['hosts'] == ['rdu_rsc1']
    hostvars = json.dumps(inventory['_meta']['hostvars']['rdu_rsc1'])
    assert '"rsc180rdu"' in hostvars and '"rsc1"' in hostvars

    run, out = one(tmp_path, sim, 'meinberg.lantime.slot_info', slot_types=['rsc'], **admin(sim))
    assert [(s['slot_id'], s['model'], s['rsc_switch_mode']) for s in out['slots']] == [('rsc1', 'rsc180rdu', 'auto')]
    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc_info', **admin(sim))
    assert run.rc == 0, run.output
    assert (out['rsc']['slot_id'], out['rsc']['model'], out['rsc']['failover_ready']) == ('rsc1', 'rsc180rdu', True)
    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc', **admin(sim, switch_mode='manual', selected_clock='clk2'))
    assert run.rc == 0 and out['changed'] is True, run.output
    assert out['after'] == {'switch_mode': 'manual', 'selected_clock': 'clk2'}
    assert [w['path'] for w in writes(sim)] == ['/api/configuration/chassis0/slots/rsc1/module/rsc']


def test_no_clock_selected_is_a_state(tmp_path, simulator_factory):
    sim = simulator_factory(*SIM, '--fixture', OWN_FIXTURES / 'ims-no-clock.json')
    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc_info', **admin(sim))
    assert run.rc == 0, run.output
    rsc = out['rsc']
    assert rsc['selected_clock'] is None and rsc['no_clock_selected'] is True
    assert rsc['selected_clock_evidence']['rsc_card'] == 'none' and rsc['failover_ready'] is False
    assert rsc['alarms'] == ['no clock selected: the RSC card feeds no clock to the backplane (outputs disabled)']

    # rsc with nothing asked (as the role without a policy, and rsc_facts, run it) only reads: no refusal, a warning.
    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc', **admin(sim, record=True))
    assert run.rc == 0 and out['outcome'] == 'compliant' and out['record']['status'] == 'ok', run.output
    assert out['record']['alarms'] == rsc['alarms'] and 'redundancy is weakened: no clock selected' in run.output

    # Never compliant: even a request the card already matches is refused, and so is a clock without force.
    for asked, extra in (({'switch_mode': 'auto'}, {}), ({'selected_clock': 'clk1'}, {}),
                         ({'switch_mode': 'auto'}, {'force': True})):
        out = one(tmp_path, sim, 'meinberg.lantime.rsc', **admin(sim, **dict(asked, **extra)))[1]
        assert out['failed'] is True and 'the card has no clock selected' in out['msg'], out
        assert 'selected_clock (clk1 or clk2) with force=true' in out['msg']
    assert writes(sim) == []

    run, out = one(tmp_path, sim, 'meinberg.lantime.rsc', force=True, **admin(sim, selected_clock='clk1'))
    assert run.rc == 0 and out['changed'] is True, run.output
    assert out['after']['selected_clock'] == 'clk1'
    assert 'turns its signal on for every output card' in run.output
    assert len(writes(sim)) == 1
    out = one(tmp_path, sim, 'meinberg.lantime.rsc_info', **admin(sim))[1]
    assert out['rsc']['selected_clock'] == 'clk1' and out['rsc']['outputs_enabled'] is True


def test_versions_are_reported(tmp_path, simulator_factory):
    sim = simulator_factory(*SIM, '--fixture', FIXTURES_DIR / 'ims-m3000-rsc.status.json')
    out = one(tmp_path, sim, 'meinberg.lantime.rsc_info', **admin(sim))[1]
    assert (out['device']['ltos_version'], out['device']['rest_api_version']) == ('7.08.009', '16.04.002')
    sim = simulator_factory(*SIM, '--fixture', FIXTURES_DIR / 'm300-dcf77.status.json')
    out = one(tmp_path, sim, 'meinberg.lantime.slot_info', **admin(sim))[1]
    assert (out['device']['ltos_version'], out['device']['rest_api_version']) == ('7.06.011', '10.21.016')


def test_a_token_on_an_api_10_device_says_use_username_and_password(tmp_path, simulator_factory):
    sim = simulator_factory(*SIM, '--fixture', FIXTURES_DIR / 'm300-dcf77.status.json')
    token = 'A' * 64
    for options in ({'host': sim.url(), 'token': token}, admin(sim, token=token)):
        out = one(tmp_path, sim, 'meinberg.lantime.slot_info', **options)[1]
        assert out['failed'] is True, out
        assert 'bearer tokens need LTOS 7.08 (REST API 16) or later' in out['msg']
        assert 'use username and password' in out['msg'] and token not in out['msg']
    # the second one asked for a new token with the credentials: the device has no token endpoint
    assert ('PUT', '/api/get-token', 404) in [(r['method'], r['path'], r['status']) for r in sim.stats()['requests']]
