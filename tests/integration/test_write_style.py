# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""write_style through ansible-playbook against a simulator that takes one write style only: the matching style
changes the card; another one is refused once, changes nothing and names the style to try. api_check tells the
allowed methods with one OPTIONS request and never writes."""

import pytest

from ansible_run import play, run_playbook, task
from conftest import DEFAULT_OPTIONS

CONFIG = '/api/configuration/chassis0/slots/rsc/module/rsc'
METHOD = {'post': 'POST', 'put': 'PUT', 'put-parameters': 'PUT'}
OTHER = {'post': 'put', 'put': 'post', 'put-parameters': 'post'}


def admin(sim, **extra):
    return dict({'host': sim.url(), 'username': 'admin', 'password': 'Adm1n-Secret'}, **extra)


def run_task(tmp_path, module, *args, env=None, host_vars=None, **options):
    plays = play(task('t', module, ignore_errors=True, **options))
    plays[0]['vars'].update(host_vars or {})
    run = run_playbook(tmp_path, plays, *args, env=env)
    return run, run.result('t')


def writes(sim):
    return [r for r in sim.stats()['requests'] if r['path'] == CONFIG and r['method'] in ('POST', 'PUT', 'PATCH')]


def effective(sim):
    state = sim.state()['rsc']['effective']
    return state['switch-mode'], state['selected-clock']


@pytest.mark.parametrize('style', ['post', 'put', 'put-parameters'])
def test_the_matching_style_changes_the_card(tmp_path, simulator_factory, style):
    sim = simulator_factory(*DEFAULT_OPTIONS, '--write-style', style)
    run, out = run_task(tmp_path, 'meinberg.lantime.rsc', **admin(sim, selected_clock='clk2', write_style=style))
    assert run.rc == 0 and out['changed'] is True and out['outcome'] == 'changed', run.output
    assert effective(sim)[1] == 'clk2'
    assert [(w['method'], w['status']) for w in writes(sim)] == [(METHOD[style], 200)]
    expected = {'parameters': {'selected-clock': 'clk2'}} if style == 'put-parameters' else {'selected-clock': 'clk2'}
    assert out['written'] == expected


@pytest.mark.parametrize('style', ['post', 'put', 'put-parameters'])
def test_a_mismatched_style_is_refused_once_and_names_the_style_to_try(tmp_path, simulator_factory, style):
    sim = simulator_factory(*DEFAULT_OPTIONS, '--write-style', style)
    wrong = OTHER[style]
    run, out = run_task(tmp_path, 'meinberg.lantime.rsc', **admin(sim, selected_clock='clk2', write_style=wrong))
    assert out['failed'] is True and out['changed'] is False, run.output
    assert effective(sim) == ('auto', 'clk1')
    assert len(writes(sim)) == 1  # sent once, never again in another style
    msg = out['msg']
    assert 'nothing was changed' in msg and 'the device allows GET, HEAD, OPTIONS, %s on this object' % METHOD[style] in msg
    assert 'try write_style ' in msg and style in msg.split('try write_style ', 1)[1]
    assert 'lantime_write_style' in msg and 'LANTIME_WRITE_STYLE' in msg
    assert out['status'] == (405 if METHOD[style] != METHOD[wrong] else 400)


def test_put_with_bare_keys_on_a_put_parameters_device_suggests_the_wrapper(tmp_path, simulator_factory):
    sim = simulator_factory(*DEFAULT_OPTIONS, '--write-style', 'put-parameters')
    run, out = run_task(tmp_path, 'meinberg.lantime.rsc', **admin(sim, switch_mode='manual', write_style='put'))
    assert out['failed'] is True and out['status'] == 400 and len(writes(sim)) == 1, run.output
    # a 400 without an Allow header may refuse the body shape: every other style is named
    assert 'try write_style post or put-parameters' in out['msg'] and effective(sim) == ('auto', 'clk1')


def test_the_style_comes_from_the_host_variable_and_the_environment(tmp_path, simulator_factory):
    sim = simulator_factory(*DEFAULT_OPTIONS, '--write-style', 'put')
    run, out = run_task(tmp_path, 'meinberg.lantime.rsc', host_vars={'lantime_write_style': 'put'},
                        **admin(sim, selected_clock='clk2'))
    assert run.rc == 0 and out['changed'] is True, run.output
    run, out = run_task(tmp_path, 'meinberg.lantime.rsc', env={'LANTIME_WRITE_STYLE': 'put'},
                        **admin(sim, selected_clock='clk1'))
    assert run.rc == 0 and out['changed'] is True, run.output
    assert [w['method'] for w in writes(sim)] == ['PUT', 'PUT']
    run, out = run_task(tmp_path, 'meinberg.lantime.rsc', host_vars={'lantime_write_style': 'patch'},
                        **admin(sim, selected_clock='clk2'))
    assert out['failed'] is True and 'write_style' in out['msg'] and 'put-parameters' in out['msg'], run.output
    assert len(writes(sim)) == 2


@pytest.mark.parametrize('device, chosen, status, detail', [
    ('put', 'post', 'fail', 'use write_style put or put-parameters'),
    ('put', 'put-parameters', 'pass', 'write_style put-parameters sends PUT'),
    ('post', 'post', 'pass', 'write_style post sends POST'),
])
def test_api_check_learns_the_methods_without_writing(tmp_path, simulator_factory, device, chosen, status, detail):
    sim = simulator_factory(*DEFAULT_OPTIONS, '--write-style', device)
    run, out = run_task(tmp_path, 'meinberg.lantime.api_check', host=sim.url(), username='viewer',
                        password='V1ew-Secret', write_style=chosen)
    assert run.rc == 0 and out['failed'] is False, run.output
    check = [c for c in out['checks'] if c['id'] == 'write_method'][0]
    assert check['status'] == status and detail in check['detail'], check
    assert out['write_methods'] == ['GET', 'HEAD', 'OPTIONS', METHOD[device]]
    assert out['write_compatible'] is (status == 'pass')
    requests = [(r['method'], r['path']) for r in sim.stats()['requests'] if r['path'].startswith('/api')]
    assert requests == [('GET', '/api/status'), ('GET', '/api/configuration'), ('GET', CONFIG), ('OPTIONS', CONFIG)]
