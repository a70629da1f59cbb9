# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""meinberg.lantime.rsc_info through ansible-playbook against the simulator over real HTTP."""

import pytest

from ansible_run import MODULE_PATH, play, run_playbook, task
from conftest import FIXTURES_DIR, REPO_ROOT

OWN_FIXTURES = REPO_ROOT / 'tests' / 'integration' / 'fixtures'


def admin(sim, **extra):
    options = {'host': sim.url(), 'username': 'admin', 'password': 'Adm1n-Secret'}
    options.update(extra)
    return options


def rsc_info(tmp_path, sim, *args, env=None, **options):
    run = run_playbook(tmp_path, play(task('read', 'meinberg.lantime.rsc_info', ignore_errors=True, **options)), *args,
                       env=env)
    return run, run.result('read')


def test_healthy_chassis_in_auto_mode(tmp_path, sim):
    run, out = rsc_info(tmp_path, sim, **admin(sim))
    assert run.rc == 0, run.output
    rsc = out['rsc']
    assert (rsc['slot_id'], rsc['model'], rsc['serial_number'], rsc['software_revision']) == \
        ('rsc', 'rsc180', '052312000318', 'v1.12')
    assert (rsc['switch_mode'], rsc['selected_clock']) == ('auto', 'clk1')
    assert rsc['front_panel'] == {'mode_switch': 'auto', 'clock_switch': 'clk1'}
    assert rsc['clocks'] == {'clk1': {'time_sync': True, 'fitted': True, 'model': 'gps180'},
                             'clk2': {'time_sync': True, 'fitted': True, 'model': 'gps180'}}
    assert rsc['outputs_enabled'] is True and rsc['switchover_count'] == 0 and rsc['last_switchover'] is None
    assert rsc['failover_ready'] is True and rsc['alarms'] == []
    assert out['device']['model'] == 'M3000' and out['device']['serial_number'] == sim.devices[0]['serial']
    assert out['device']['hostname'] == sim.devices[0]['hostname']
    assert out['device']['api_version'].startswith('LANTIME REST API V16')
    assert out['changed'] is False


def test_exactly_one_request_per_task_with_or_without_slot(tmp_path, sim):
    run = run_playbook(tmp_path, play(
        task('auto', 'meinberg.lantime.rsc_info', **admin(sim)),
        task('given', 'meinberg.lantime.rsc_info', slot='rsc', **admin(sim))))
    assert run.rc == 0, run.output
    for name in ('auto', 'given'):
        assert [(c['method'], c['path'], c['status']) for c in run.result(name)['api_calls']] == \
            [('GET', '/api/status/chassis0', 200)]
    assert sim.stats()['counts'] == {'GET /api/status/chassis0': 2}


def test_manual_mode_is_an_alarm(tmp_path, sim):
    run = run_playbook(tmp_path, play(
        task('pin', 'meinberg.lantime.rsc', switch_mode='manual', **admin(sim)),
        task('read', 'meinberg.lantime.rsc_info', **admin(sim))))
    assert run.rc == 0, run.output
    rsc = run.result('read')['rsc']
    assert rsc['switch_mode'] == 'manual' and rsc['failover_ready'] is False
    assert rsc['alarms'] == ['manual mode: no failover']


def test_after_a_failover(tmp_path, sim):
    sim.set_clock('clk1', False)
    run, out = rsc_info(tmp_path, sim, **admin(sim))
    assert run.rc == 0, run.output
    rsc = out['rsc']
    assert rsc['selected_clock'] == 'clk2' and rsc['switchover_count'] == 1 and rsc['last_switchover']
    assert rsc['clocks']['clk1']['time_sync'] is False
    assert rsc['alarms'] == ['clk1 not synchronized'] and rsc['failover_ready'] is False
    # Non-revertive: clk1 coming back does not switch the card back.
    sim.set_clock('clk1', True)
    run, out = rsc_info(tmp_path, sim, **admin(sim))
    assert out['rsc']['selected_clock'] == 'clk2' and out['rsc']['failover_ready'] is True and out['rsc']['alarms'] == []


def test_standby_clock_unsynchronized(tmp_path, sim):
    sim.set_clock('clk2', False)
    out = rsc_info(tmp_path, sim, **admin(sim))[1]
    assert out['rsc']['selected_clock'] == 'clk1'
    assert out['rsc']['alarms'] == ['clk2 not synchronized'] and out['rsc']['failover_ready'] is False


def test_front_panel_override(tmp_path, sim):
    sim.set_front_panel(mode_switch='manual', clock_switch='clk2')
    out = rsc_info(tmp_path, sim, **admin(sim))[1]
    rsc = out['rsc']
    assert (rsc['switch_mode'], rsc['selected_clock']) == ('manual', 'clk2')
    assert rsc['front_panel'] == {'mode_switch': 'manual', 'clock_switch': 'clk2'}
    assert rsc['alarms'] == ['front-panel mode switch on manual: remote settings have no effect, no failover']
    assert rsc['failover_ready'] is False


def test_empty_clock_slot(tmp_path, simulator_factory):
    sim = simulator_factory('--no-tls', '--user', 'admin:Adm1n-Secret:admin', '--fixture',
                            str(OWN_FIXTURES / 'ims-clk2-empty.json'))
    out = rsc_info(tmp_path, sim, **admin(sim))[1]
    assert out['rsc']['clocks']['clk2'] == {'time_sync': False, 'fitted': False, 'model': None}
    assert 'clk2 slot empty' in out['rsc']['alarms'] and out['rsc']['failover_ready'] is False


@pytest.mark.parametrize('fixture', ['m600-gnss.status.json', 'm300-dcf77.status.json'])
def test_chassis_without_rsc(tmp_path, simulator_factory, fixture):
    sim = simulator_factory('--no-tls', '--user', 'admin:Adm1n-Secret:admin', '--fixture', str(FIXTURES_DIR / fixture))
    run, out = rsc_info(tmp_path, sim, **admin(sim))
    assert out['failed'] is True
    assert out['msg'].startswith('127.0.0.1:%s: no RSC card in this chassis; slots found: ' % sim.url().rsplit(':', 1)[1])
    assert 'clk1 (' in out['msg'] and 'cpu (' in out['msg']


def test_slot_holding_another_card(tmp_path, sim):
    out = rsc_info(tmp_path, sim, slot='io1', **admin(sim))[1]
    assert out['failed'] is True
    assert "slot 'io1' holds liu (slot type io), not an RSC card" in out['msg']


def test_read_only_user_and_token_auth(tmp_path, sim):
    token = sim.token('viewer')
    run = run_playbook(tmp_path, play(
        task('viewer', 'meinberg.lantime.rsc_info', host=sim.url(), username='viewer', password='V1ew-Secret'),
        task('token', 'meinberg.lantime.rsc_info', host=sim.url(), token=token)))
    assert run.rc == 0, run.output
    assert run.result('token')['rsc']['switch_mode'] == 'auto'
    assert token not in run.output


def test_connection_from_environment_and_module_defaults(tmp_path, sim):
    env = {'LANTIME_HOST': sim.url(), 'LANTIME_USERNAME': 'viewer', 'LANTIME_PASSWORD': 'V1ew-Secret'}
    run = run_playbook(tmp_path, play(task('env', 'meinberg.lantime.rsc_info')), env=env)
    assert run.rc == 0, run.output
    run = run_playbook(tmp_path, play(task('defaults', 'meinberg.lantime.rsc_info'), module_defaults=admin(sim)))
    assert run.rc == 0, run.output
    assert run.result('defaults')['rsc']['slot_id'] == 'rsc'


def test_connection_from_host_variables_with_task_options_first(tmp_path, sim):
    """The lantime_* host variables (as the inventory plugin sets lantime_host), templated, before the environment."""
    host_vars = {'lantime_host': sim.url(), 'lantime_username': 'viewer', 'lantime_password': '{{ vault_password }}',
                 'vault_password': 'V1ew-Secret', 'lantime_timeout': 7,
                 'lantime_token': '{{ no_such_token | default(omit) }}'}  # omitted: not set
    env = {'LANTIME_HOST': 'http://127.0.0.1:9', 'LANTIME_USERNAME': 'nobody', 'LANTIME_PASSWORD': 'wrong'}
    run = run_playbook(tmp_path, play(task('vars', 'meinberg.lantime.rsc_info'), vars=dict(
        host_vars, ansible_python_interpreter='{{ ansible_playbook_python }}')), '-vvvv', env=env)
    assert run.rc == 0, run.output
    assert run.result('vars')['rsc']['slot_id'] == 'rsc'
    assert 'V1ew-Secret' not in run.output
    # A task option wins over the host variable: a wrong password given on the task is refused by the device.
    run = run_playbook(tmp_path, play(task('option', 'meinberg.lantime.rsc_info', ignore_errors=True,
                                           password='Wr0ng-Secret'),
                                      vars=dict(host_vars, ansible_python_interpreter='{{ ansible_playbook_python }}')))
    out = run.result('option')
    assert out['failed'] is True and out['status'] == 401, out


def test_tls_with_ca_path_and_without_verification(tmp_path, simulator_factory):
    sim = simulator_factory('--tls', '--user', 'admin:Adm1n-Secret:admin')
    assert sim.url().startswith('https://')
    run = run_playbook(tmp_path, play(
        task('ca', 'meinberg.lantime.rsc_info', ca_path=sim.ca_cert, **admin(sim)),
        task('noverify', 'meinberg.lantime.rsc_info', validate_certs=False, **admin(sim)),
        task('default', 'meinberg.lantime.rsc_info', ignore_errors=True, **admin(sim))))
    assert run.result('ca')['rsc']['switch_mode'] == 'auto'
    assert run.result('noverify')['rsc']['switch_mode'] == 'auto'
    failed = run.result('default')
    assert failed['failed'] is True and 'the TLS certificate could not be verified' in failed['msg']
    assert 'ca_path' in failed['msg']


def test_bad_credentials(tmp_path, sim):
    out = rsc_info(tmp_path, sim, host=sim.url(), username='admin', password='wrong-password')[1]
    assert out['failed'] is True and out['status'] == 401
    assert 'refused (HTTP 401): the username/password or token is not valid' in out['msg']
    assert out['api_calls'] == [{'method': 'GET', 'path': '/api/status/chassis0', 'status': 401,
                                 'elapsed_ms': out['api_calls'][0]['elapsed_ms']}]


def test_rest_api_disabled(tmp_path, sim):
    sim.settings(api_enabled=False)
    out = rsc_info(tmp_path, sim, **admin(sim))[1]
    assert out['failed'] is True
    assert 'the REST API is disabled on this device. Turn on "Enable REST API"' in out['msg']


def test_503_retried_then_answered(tmp_path, sim):
    sim.inject(kind='status', status=503, count=2)
    run, out = rsc_info(tmp_path, sim, **admin(sim))
    assert run.rc == 0 and out['rsc']['switch_mode'] == 'auto'
    assert [c['status'] for c in out['api_calls']] == [503, 503, 200]
    assert 'answered HTTP 503; retrying' in run.output


def test_timeout(tmp_path, sim):
    sim.inject(kind='delay', delay_ms=3000, count=1)
    out = rsc_info(tmp_path, sim, timeout=1, retries=0, **admin(sim))[1]
    assert out['failed'] is True and 'no complete reply within 1 seconds' in out['msg']
    assert out['api_calls'][0]['status'] is None


def test_malformed_reply(tmp_path, sim):
    sim.inject(kind='malformed', count=1)
    out = rsc_info(tmp_path, sim, **admin(sim))[1]
    assert out['failed'] is True and 'the reply is not valid JSON' in out['msg']
    assert out['msg'].startswith('127.0.0.1:')


@pytest.mark.parametrize('options, text', [
    ({'host': ''}, 'host: host is empty'),
    ({'host': 'ftp://x'}, "scheme 'ftp'"),
    ({'timeout': -1}, 'timeout: must be a number of seconds from 1 to 3600'),
    ({'retries': -2}, 'retries: must be a whole number from 0 to 10'),
    ({'timeout': 'soon'}, "argument 'timeout' is of type"),
    ({'validate_certs': 'perhaps'}, "argument 'validate_certs' is of type"),
])
def test_bad_options_fail_before_any_request(tmp_path, sim, options, text):
    out = rsc_info(tmp_path, sim, **admin(sim, **options))[1]
    assert out['failed'] is True and text in out['msg']
    assert sim.stats()['requests'] == []


@pytest.mark.parametrize('connection, in_process', [('local', True), ('remote_loopback', False)])
def test_runs_in_the_controller_process_on_a_local_connection_only(tmp_path, sim, connection, in_process):
    """The action plugin runs the task in the worker process on a local connection; elsewhere the module runs."""
    entry = play(task('read', 'meinberg.lantime.rsc_info', **admin(sim)))
    entry[0]['connection'] = connection
    run = run_playbook(tmp_path, entry, '-vvv')
    assert run.rc == 0, run.output
    assert ('AnsiballZ_rsc_info' not in run.output) is in_process
    out = run.result('read')
    assert out['rsc']['switch_mode'] == 'auto' and out['api_calls'][0]['path'] == '/api/status/chassis0'
    assert 'Adm1n-Secret' not in run.output


def test_connection_from_the_task_environment_keyword(tmp_path, sim):
    """environment: on the task feeds the LANTIME_* fallbacks, in the controller's process as in a module process."""
    entry = task('env', 'meinberg.lantime.rsc_info')
    entry['environment'] = {'LANTIME_HOST': sim.url(), 'LANTIME_USERNAME': 'viewer', 'LANTIME_PASSWORD': 'V1ew-Secret'}
    run = run_playbook(tmp_path, play(entry), '-vvvv')
    assert run.rc == 0, run.output
    assert run.result('env')['rsc']['slot_id'] == 'rsc'
    if not MODULE_PATH:
        # In a module process, ansible-core itself prints the task's environment at -vvv (docs/troubleshooting.md).
        assert 'V1ew-Secret' not in run.output
