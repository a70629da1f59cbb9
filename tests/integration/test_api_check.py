# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""meinberg.lantime.api_check through ansible-playbook against the simulator: every fixture kind, read only."""

import base64

import pytest

from ansible_run import play, run_playbook, task
from conftest import FIXTURES_DIR, REPO_ROOT

OWN_FIXTURES = REPO_ROOT / 'tests' / 'integration' / 'fixtures'
VIEWER = ('viewer', 'V1ew-Secret')
SIM = ('--no-tls', '--user', 'viewer:V1ew-Secret:info', '--user', 'admin:Adm1n-Secret:admin')
READ_IDS = ('envelope', 'ltos_version', 'api_version', 'chassis_slots', 'clock_slots')


def viewer(sim, **extra):
    options = {'host': sim.url(), 'username': VIEWER[0], 'password': VIEWER[1]}
    options.update(extra)
    return options


def api_check(tmp_path, sim, *args, **options):
    run = run_playbook(tmp_path, play(task('check', 'meinberg.lantime.api_check', ignore_errors=True, **options)), *args)
    return run, run.result('check')


def by_id(out):
    return dict((check['id'], check) for check in out['checks'])


def only_gets(sim, skip=0):
    """Every API request the simulator saw (but the first skip, the test's own) was a read: GET, and at most one
    OPTIONS (the write_method check)."""
    requests = [r for r in sim.stats()['requests'] if r['path'].startswith('/api')][skip:]
    assert requests and all(r['method'] in ('GET', 'OPTIONS') for r in requests), requests
    assert len([r for r in requests if r['method'] == 'OPTIONS']) <= 1 and len(requests) <= 4, requests
    return requests


@pytest.mark.parametrize('fixture', [None, FIXTURES_DIR / 'ims-m3000-rsc.status.json'])
def test_the_simulator_matches_the_contract(tmp_path, simulator_factory, fixture):
    sim = simulator_factory(*SIM, *(('--fixture', fixture) if fixture else ()))
    run, out = api_check(tmp_path, sim, **viewer(sim))
    assert run.rc == 0, run.output
    checks = by_id(out)
    assert [c['id'] for c in out['checks'] if c['status'] == 'fail'] == []
    assert checks['write']['status'] == 'not_applicable'
    assert set(c['status'] for c in out['checks'] if c['id'] != 'write') == {'pass'}
    assert out['read_compatible'] is True and out['write_compatible'] is True
    assert out['verdict'].startswith('matches the contract')
    assert out['changed'] is False and 'capture' not in out
    assert checks['rsc_card']['detail'].startswith('slot rsc, model rsc180')
    for check in out['checks']:
        assert set(check) == {'id', 'contract', 'status', 'detail'} and check['contract'] and check['detail']
    assert [(c['method'], c['path']) for c in out['api_calls']] == [
        ('GET', '/api/status'), ('GET', '/api/configuration'), ('GET', '/api/configuration/chassis0/slots/rsc/module/rsc'),
        ('OPTIONS', '/api/configuration/chassis0/slots/rsc/module/rsc')]
    only_gets(sim)


@pytest.mark.parametrize('fixture, api, tokens', [('m300-dcf77.status.json', '10.21.016', 'not_applicable'),
                                                  ('m600-gnss.status.json', '20.03.009', 'pass')])
def test_real_format_devices_without_rsc(tmp_path, simulator_factory, fixture, api, tokens):
    sim = simulator_factory(*SIM, '--fixture', FIXTURES_DIR / fixture)
    run, out = api_check(tmp_path, sim, **viewer(sim))
    assert run.rc == 0 and out['failed'] is False, run.output
    checks = by_id(out)
    for check_id in READ_IDS:
        assert checks[check_id]['status'] == 'pass', checks[check_id]
    assert out['rest_api_version'] == api and checks['token_support']['status'] == tokens
    if tokens == 'not_applicable':
        assert 'use username and password' in checks['token_support']['detail']
    assert checks['rsc_card']['status'] == 'fail'
    assert 'no RSC card' in checks['rsc_card']['detail'] and 'clk1 (' in checks['rsc_card']['detail']
    rsc_checks = [c for c in out['checks'] if c['id'].startswith('rsc_')]
    assert len(rsc_checks) > 10 and all(c['status'] == 'fail' for c in rsc_checks)
    assert out['read_compatible'] is False and out['write_compatible'] is False
    assert out['verdict'].startswith('does NOT match the contract') and 'meinberg.lantime.capture' in out['verdict']
    only_gets(sim)


def test_renamed_rsc_keys_name_the_missing_and_the_found(tmp_path, simulator_factory):
    sim = simulator_factory(*SIM, '--fixture', OWN_FIXTURES / 'ims-rsc-renamed.status.json')
    run, out = api_check(tmp_path, sim, **viewer(sim))
    assert run.rc == 0, run.output
    checks = by_id(out)
    assert checks['rsc_card']['status'] == 'pass' and checks['rsc_block']['status'] == 'pass'
    detail = checks['rsc_key.switch-mode']['detail']
    assert checks['rsc_key.switch-mode']['status'] == 'fail'
    assert detail.startswith('switch-mode is missing; keys found in module.rsc: ')
    assert 'active-clock' in detail and 'mode' in detail and 'clock-sync' in detail
    assert 'selected-clock is missing' in checks['rsc_key.selected-clock']['detail']
    assert checks['rsc_key.clocks[].time-sync']['status'] == 'fail'
    assert out['read_compatible'] is False and 'rsc_key.switch-mode' in out['verdict']


def test_disagreeing_clock_sources_fail_the_cross_check(tmp_path, simulator_factory):
    sim = simulator_factory(*SIM, '--fixture', OWN_FIXTURES / 'ims-clock-disagree.status.json')
    out = api_check(tmp_path, sim, **viewer(sim))[1]
    check = by_id(out)['selected_clock_cross_check']
    assert check['status'] == 'fail'
    assert 'the RSC card says clk1' in check['detail'] and 'the system sync-status reference says clk2' in check['detail']
    assert out['read_compatible'] is False


def test_check_mode_and_a_token(tmp_path, simulator_factory):
    sim = simulator_factory(*SIM)
    token = sim.token('viewer')
    run, out = api_check(tmp_path, sim, '--check', host=sim.url(), token=token)
    assert run.rc == 0 and out['write_compatible'] is True, run.output
    assert token not in run.output
    only_gets(sim, skip=1)  # the test's own PUT /api/get-token


def test_fails_only_when_the_device_cannot_be_read(tmp_path, simulator_factory):
    sim = simulator_factory(*SIM)
    out = api_check(tmp_path, sim, host=sim.url(), username='viewer', password='wrong-password')[1]
    assert out['failed'] is True and 'HTTP 401' in out['msg'] and 'checks' not in out
    sim.settings(api_enabled=False)
    out = api_check(tmp_path, sim, **viewer(sim))[1]
    assert out['failed'] is True and 'Enable REST API' in out['msg']


def test_no_write_and_no_secret_at_vvvv(tmp_path, simulator_factory):
    sim = simulator_factory(*SIM)
    path = tmp_path / 'capture.json'
    run, out = api_check(tmp_path, sim, '-vvvv', capture_path=str(path), **viewer(sim))
    assert run.rc == 0, run.output
    assert out['failed'] is False and out['capture']['written'] is True
    basic = base64.b64encode(('%s:%s' % VIEWER).encode()).decode()
    for secret in (VIEWER[1], basic):
        assert secret not in run.output and secret not in path.read_text(encoding='utf-8')
    only_gets(sim)
