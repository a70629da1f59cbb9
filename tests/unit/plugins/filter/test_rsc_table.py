# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The filter meinberg.lantime.rsc_table: the playbooks' table of RSC records."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.meinberg.lantime.plugins.filter.rsc_table import FilterModule, rsc_table

SYNC = {'fitted': True, 'time_sync': True, 'model': 'gps180'}


def record(host, status, before=('auto', 'clk1'), after=('auto', 'clk1'), **extra):
    out = {'host': host, 'chassis': host.split('_')[0], 'status': status, 'failover_ready': True, 'alarms': [],
           'before': dict(zip(('switch_mode', 'selected_clock'), before)),
           'after': dict(zip(('switch_mode', 'selected_clock'), after)),
           'clocks': {'clk1': SYNC, 'clk2': SYNC}, 'error': None}
    out.update(extra)
    return out


def test_columns_line_up_and_say_what_changed():
    lines = rsc_table([
        record('fra_rsc', 'drift', before=('manual', 'clk1')),
        record('muc_rsc', 'changed', before=('manual', 'clk2'), after=('auto', 'clk2')),
        record('ber1_rsc', 'refused', failover_ready=False, alarms=['manual mode: no failover', 'clk2 not synchronized'],
               clocks={'clk1': SYNC, 'clk2': dict(SYNC, time_sync=False)},
               error='refused, nothing was changed: clk2 is not synchronized.'),
        {'host': 'ham_rsc', 'chassis': 'ham', 'status': 'not touched'},
        record('fra2_rsc', 'compliant', before=(None, 'clk1')),  # a mode the card did not report usably
    ])
    assert lines == [
        'HOST      CHASSIS  MODE    CLOCK  CLK1  CLK2     FAILOVER  RESULT                            ALARMS',
        'fra_rsc   fra      manual  clk1   sync  sync     ready     DRIFT switch_mode manual->auto    -',
        'muc_rsc   muc      auto    clk2   sync  sync     ready     changed switch_mode manual->auto  -',
        'ber1_rsc  ber1     auto    clk1   sync  NO SYNC  NO        REFUSED                           '
        'manual mode: no failover; clk2 not synchronized',
        'ham_rsc   ham      -       -      -     -        -         not touched                       -',
        'fra2_rsc  fra2     None    clk1   sync  sync     ready     compliant                         -',
        '',
        'Problems:',
        '- ber1_rsc: refused, nothing was changed: clk2 is not synchronized.',
    ]


def test_problems_can_be_left_out_and_odd_records_do_not_break_it():
    lines = rsc_table([record('a_rsc', 'failed', error='boom', clocks={'clk1': {'fitted': False}}), None, {}],
                      problems=False)
    assert lines[1].split()[:6] == ['a_rsc', 'a', 'auto', 'clk1', 'EMPTY', '-']
    assert lines[2].split() == ['-'] * 7 + ['no', 'result', '-'] and lines[3] == lines[2]
    assert len(lines) == 4


def test_only_a_list_of_records():
    with pytest.raises(AnsibleFilterError, match='expects a list of records'):
        rsc_table({'host': 'x'})
    assert FilterModule().filters()['rsc_table'] is rsc_table
