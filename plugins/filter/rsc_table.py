# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The filter meinberg.lantime.rsc_table: one fixed-width table of RSC records (documentation in rsc_table.yml).

In Python rather than a Jinja template: the playbooks print it over whole fleets, and a template costs several
milliseconds per row in ansible-core's templating.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

HEADER = ('HOST', 'CHASSIS', 'MODE', 'CLOCK', 'CLK1', 'CLK2', 'FAILOVER', 'RESULT', 'ALARMS')
# The outcomes that need a look are in capitals.
RESULT_WORDS = {'drift': 'DRIFT', 'refused': 'REFUSED', 'unreadable': 'UNREADABLE', 'failed': 'FAILED'}
MANAGED = ('switch_mode', 'selected_clock')


def _clock_cell(clock):
    if not isinstance(clock, Mapping):
        return '-'
    if clock.get('fitted') is False:
        return 'EMPTY'
    return 'sync' if clock.get('time_sync') else 'NO SYNC'


def _result_cell(record, status):
    words = [RESULT_WORDS.get(status, status)]
    before, after = record.get('before'), record.get('after')
    if status in ('drift', 'changed') and isinstance(before, Mapping) and isinstance(after, Mapping):
        words += ['%s %s->%s' % (key, before.get(key), after.get(key)) for key in MANAGED
                  if before.get(key) != after.get(key)]
    return ' '.join(str(word) for word in words)


def _row(record):
    status = record.get('status') or 'no result'
    state = record.get('after') if status == 'changed' else record.get('before')
    clocks = record.get('clocks') if isinstance(record.get('clocks'), Mapping) else {}
    ready = record.get('failover_ready')
    # A card read with a setting it did not report usably shows None, as in the RESULT column.
    mode, clock = (state.get('switch_mode'), state.get('selected_clock')) if isinstance(state, Mapping) and state \
        else ('-', '-')
    return [record.get('host') or '-', record.get('chassis') or '-', mode, clock,
            _clock_cell(clocks.get('clk1')), _clock_cell(clocks.get('clk2')),
            '-' if ready is None else 'ready' if ready else 'NO',
            _result_cell(record, status),
            '; '.join(str(alarm) for alarm in record.get('alarms') or []) or '-']


def rsc_table(records, problems=True):
    """The lines of the table, then, when problems and a record has an error, a "Problems:" list."""
    if not isinstance(records, (list, tuple)):
        raise AnsibleFilterError('rsc_table: expects a list of records, got %s' % type(records).__name__)
    records = [record if isinstance(record, Mapping) else {} for record in records]
    rows = [list(HEADER)] + [[str(cell) for cell in _row(record)] for record in records]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADER))]
    lines = ['  '.join(cell.ljust(width) for cell, width in zip(row[:-1], widths)) + '  ' + row[-1] for row in rows]
    errors = ['- %s: %s' % (record.get('host') or '-', record['error']) for record in records if record.get('error')]
    if problems and errors:
        lines += ['', 'Problems:'] + errors
    return lines


class FilterModule:
    def filters(self):
        return {'rsc_table': rsc_table}
