# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The record of an rsc result, as the reports list it, and the weakened-redundancy warning."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils.record import CARD, NO_ADDRESS, address_only, finish, rsc_record
from ansible_collections.meinberg.lantime.plugins.module_utils import rules
from ansible_collections.meinberg.lantime.plugins.module_utils.rules import weakened_warning

FIELDS = {'host', 'chassis', 'slot', 'address', 'desired', 'before', 'after', 'drift', 'changed', 'status', 'clocks',
          'front_panel', 'failover_ready', 'alarms', 'switchover_count', 'error'}
PARAMS = {'host': 'https://ims1.example.net', 'password': 'S3cret', 'slot': 'rsc', 'switch_mode': 'auto',
          'selected_clock': 'any'}


def card(mode='auto', clock='clk1', alarms=()):
    return {'slot_id': 'rsc', 'switch_mode': mode, 'selected_clock': clock, 'failover_ready': not alarms,
            'alarms': list(alarms), 'switchover_count': 2, 'front_panel': {'mode_switch': 'auto', 'clock_switch': None},
            'clocks': {'clk1': {'fitted': True, 'time_sync': True, 'model': 'gps180'},
                       'clk2': {'fitted': True, 'time_sync': not alarms, 'model': 'gps180'}}}


def result(outcome, before=('manual', 'clk1'), after=('auto', 'clk1'), **extra):
    state = dict(zip(('switch_mode', 'selected_clock'), after))
    out = {'outcome': outcome, CARD: card(*after), 'before': dict(zip(('switch_mode', 'selected_clock'), before)),
           'after': state, 'drift': before != after, 'changed': outcome in ('changed', 'would_change')}
    out.update(extra)
    return out


@pytest.mark.parametrize('outcome, status, changed', [
    ('compliant', 'compliant', False),
    ('would_change', 'drift', False),  # check mode: nothing was written
    ('changed', 'changed', True),
])
def test_success(outcome, status, changed):
    record = rsc_record(result(outcome), PARAMS, 'ims1_rsc', 'ims1')
    assert set(record) == FIELDS
    assert (record['status'], record['changed'], record['error']) == (status, changed, None)
    assert record['desired'] == {'switch_mode': 'auto', 'selected_clock': None}
    assert (record['host'], record['chassis'], record['slot'], record['address']) == \
        ('ims1_rsc', 'ims1', 'rsc', 'https://ims1.example.net')
    assert record['before'] == {'switch_mode': 'manual', 'selected_clock': 'clk1'}
    assert record['clocks']['clk2']['time_sync'] is True and record['switchover_count'] == 2
    assert 'S3cret' not in repr(record)


def test_nothing_asked_is_a_read():
    params = dict(PARAMS, switch_mode=None, selected_clock='any')
    record = rsc_record(result('compliant', before=('auto', 'clk1')), params, 'ims1_rsc', None)
    assert record['status'] == 'ok' and record['desired'] == {'switch_mode': None, 'selected_clock': None}


def test_refused_names_the_reason_and_keeps_the_state_read():
    out = result('refused', after=('manual', 'clk1'), failed=True, changed=False, refusal='clk2 is not synchronized',
                 msg='https://ims1.example.net, slot rsc: refused, nothing was changed: clk2 is not synchronized.')
    record = rsc_record(out, PARAMS, 'ims1_rsc', 'ims1')
    assert record['status'] == 'refused' and record['changed'] is False
    assert record['error'] == 'refused, nothing was changed: clk2 is not synchronized.'
    assert record['before'] == {'switch_mode': 'manual', 'selected_clock': 'clk1'}


def test_a_failure_before_any_read_is_unreadable_and_keeps_the_message():
    record = rsc_record({'failed': True, 'msg': 'invalid options: timeout: must be 1 to 3600'}, PARAMS, 'h', None)
    assert record['status'] == 'unreadable' and record['error'] == 'invalid options: timeout: must be 1 to 3600'
    assert record['before'] is None and record['alarms'] == [] and record['slot'] == 'rsc'


def test_a_failed_write_says_whether_it_was_sent():
    out = {'failed': True, 'outcome': 'failed', 'changed': True, 'msg': 'the card could not be read back'}
    record = rsc_record(out, PARAMS, 'h', None)
    assert (record['status'], record['changed'], record['error']) == ('failed', True, 'the card could not be read back')


def test_no_address_says_where_to_set_it():
    record = rsc_record({'failed': True, 'msg': 'missing required arguments: host'}, dict(PARAMS, host=None), 'h', None)
    assert record['address'] is None and record['error'] == NO_ADDRESS


@pytest.mark.parametrize('host, address', [
    ('https://admin:p@ss/w@rd@ims1:8443', 'https://ims1:8443'),
    ('admin:secret@ims1', 'ims1'),
    ('ims1.example.net', 'ims1.example.net'),
    ('', None),
    (None, None),
])
def test_the_address_never_holds_user_information(host, address):
    assert address_only(host) == address


def test_weakened_redundancy_is_a_warning_that_names_the_alarms():
    asked = {'switch_mode': 'auto', 'selected_clock': None}
    assert weakened_warning('ims1, slot rsc', card(), False, asked) is None
    text = weakened_warning('ims1, slot rsc', card(alarms=['clk2 not synchronized']), False, asked)
    assert text == ('ims1, slot rsc: redundancy is weakened: clk2 not synchronized. The card already has the desired '
                    'state (switch_mode=auto, selected_clock=any), so nothing is changed.')
    assert 'nothing is changed' not in weakened_warning('x', card(alarms=['manual mode: no failover']), True, asked)


def test_a_read_with_no_policy_names_the_alarms_and_no_desired_state():
    read_only = {'switch_mode': None, 'selected_clock': None}
    assert weakened_warning('ims1, slot rsc', card(alarms=['clk2 not synchronized']), False, read_only) == \
        'ims1, slot rsc: redundancy is weakened: clk2 not synchronized.'


def refused(option, text):
    return {'failed': True, 'changed': False, 'outcome': 'refused', 'refusal': text, '_refusal_option': option,
            CARD: card(), 'msg': 'ims1:443, slot rsc: refused, nothing was changed: %s.' % text}


FORCE_TEXT = 'clk2 is not synchronized: ... Wait until clk2 is synchronized, or set force=true if you accept that'
FAILOVER_TEXT = ('clk2 not synchronized. ..., but with require_failover_ready a chassis is changed only while ...; '
                 'set require_failover_ready=false')


@pytest.mark.parametrize('option, text, expected', [
    (rules.FORCE_OPTION, FORCE_TEXT, FORCE_TEXT.replace('force=true', 'rsc_force=true')),
    (rules.FAILOVER_OPTION, FAILOVER_TEXT, FAILOVER_TEXT.replace('require_failover_ready', 'rsc_require_failover_ready')),
])
def test_through_the_role_a_refusal_names_the_role_variable(option, text, expected):
    out = finish(refused(option, text), dict(PARAMS, record=True), 'ims1_rsc', 'ims1', role_name='meinberg.lantime.rsc')
    assert out['refusal'] == expected and out['msg'].endswith(': %s.' % expected)
    assert out['record']['error'] == 'refused, nothing was changed: %s.' % expected
    assert '_refusal_option' not in out and CARD not in out


@pytest.mark.parametrize('role_name', [None, 'someone.else.rsc'])
def test_outside_the_role_a_refusal_names_the_module_option(role_name):
    out = finish(refused(rules.FORCE_OPTION, FORCE_TEXT), PARAMS, 'ims1_rsc', 'ims1', role_name=role_name)
    assert out['refusal'] == FORCE_TEXT and 'rsc_' not in out['msg']


@pytest.mark.parametrize('asked, recorded', [(None, False), (False, False), ('no', False), (True, True),
                                             ('true', True), ('yes', True)])
def test_the_record_only_when_asked(asked, recorded):
    params = dict(PARAMS) if asked is None else dict(PARAMS, record=asked)  # a string on the module process path
    out = finish(result('changed'), params, 'ims1_rsc', 'ims1')
    assert ('record' in out) == recorded and CARD not in out and 'rsc' not in out
    if recorded:
        assert out['record']['status'] == 'changed' and out['record']['switchover_count'] == 2
