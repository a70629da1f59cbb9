# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""meinberg.lantime.rsc_report: the playbooks' report files, written in the controller's process (see the module's
documentation in plugins/modules/rsc_report.py).

A report is replaced in one rename of a finished file in the same directory, so a reader sees the old file or the
new one, never half of one. When a run starts, every report it will write is marked as unfinished (or removed, for
the formats that cannot carry a mark), so a run that is interrupted or fails on the way leaves no passing report.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import os
import re
from collections.abc import Mapping

from ansible.plugins.action import ActionBase

from ansible_collections.meinberg.lantime.plugins.filter.rsc_table import rsc_table
from ansible_collections.meinberg.lantime.plugins.module_utils import atomic_file
from ansible_collections.meinberg.lantime.plugins.module_utils import rules
from ansible_collections.meinberg.lantime.plugins.plugin_utils.paths import OutputPathError, output_path

REPORTS = ('drift_check', 'rsc_facts', 'fleet_rollout')
STATES = ('started', 'batch_started', 'batch', 'finished')
# The files each report may write (options of the same name); each is optional where the playbook makes it so.
FILES = {'drift_check': ('json', 'junit'), 'rsc_facts': ('json', 'csv'), 'fleet_rollout': ('json',)}
OPTIONS = frozenset(('report', 'state', 'json', 'junit', 'csv', 'records', 'earlier_records', 'hosts', 'batch',
                     'max_fail_percentage'))
FILE_MODE = 0o644

GOOD = rules.GOOD_STATUSES
BAD = rules.BAD_STATUSES
NO_HOST = 'no host matched, so nothing was checked.'
NOT_FINISHED = ('The run that writes this report started at %s and has not finished (it is still running, or it '
                'was interrupted or failed before the end). Do not trust an earlier result: run it again.')

CSV_COLUMNS = ('host', 'chassis', 'slot', 'address', 'switch_mode', 'selected_clock', 'clk1_sync', 'clk2_sync',
               'failover_ready', 'switchover_count', 'status', 'alarms', 'error')
# OWASP's rule for CSV injection: a cell that starts with one of these is a formula to a spreadsheet program, so
# it gets a leading apostrophe (shown by none of them, and read as "this is text"). The full-width forms are
# taken as formulas by some programs too. Spreadsheet programs skip leading white space (spaces, line breaks)
# before a formula, so the first character after it counts as well.
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r', '\uff1d', '\uff0b', '\uff0d', '\uff20')
# Characters XML 1.0 cannot hold at all, not even escaped.
XML_INVALID = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')


class ReportError(Exception):
    """A report could not be written or its inputs are not usable; the message says which and why."""


# --- files -----------------------------------------------------------------------------------------------------


def report_directory(path):
    """Create the directory of a report when missing; refuse one that another user could put links or files into."""
    try:
        atomic_file.private_directory(os.path.dirname(os.path.abspath(path)))
    except atomic_file.AtomicFileError as exc:
        raise ReportError('cannot write the report %s: %s' % (path, exc))


def write_atomic(path, text, mode=FILE_MODE):
    """Replace path with text, whole (see atomic_file.write_atomic); a link at path is replaced, never followed."""
    report_directory(path)
    try:
        atomic_file.write_atomic(path, text, mode)
    except atomic_file.AtomicFileError as exc:
        raise ReportError('cannot write %s: %s' % (path, exc))


def remove(path):
    """Remove the report at path; a link there is removed itself, never its target."""
    report_directory(path)
    try:
        atomic_file.remove(path)
    except atomic_file.AtomicFileError as exc:
        raise ReportError('cannot remove the previous report %s: %s' % (path, exc))


def nice_json(value):
    """The layout the reports always had (keys sorted, four spaces), with a final newline."""
    return json.dumps(value, indent=4, sort_keys=True, separators=(',', ': ')) + '\n'


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


# --- text helpers ----------------------------------------------------------------------------------------------


def text(value):
    """A value as the reports always printed it: None as 'None', booleans as 'True'/'False'."""
    return str(value)


def truncate(value, length=300, leeway=5, end='...'):
    """Cut a long message at a word boundary, as the JUnit report always did."""
    value = str(value)
    if len(value) <= length + leeway:
        return value
    return value[:length - len(end)].rsplit(' ', 1)[0] + end


def xml_text(value):
    """Escaped for XML text and attributes; characters XML cannot hold become U+FFFD."""
    value = XML_INVALID.sub('\ufffd', str(value))
    return (value.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace('"', '&#34;')
            .replace("'", '&#39;'))


def csv_cell(value):
    """One quoted CSV cell (RFC 4180: quotes doubled), neutralised against spreadsheet formulas."""
    value = '' if value is None else str(value)
    if value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS):
        value = "'" + value
    return '"%s"' % value.replace('"', '""')


def _mapping(value):
    return value if isinstance(value, Mapping) else {}


def _records(value, what='records'):
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise ReportError('%s must be a list of host records, got %s' % (what, type(value).__name__))
    return [_mapping(record) for record in value]


# --- drift check -----------------------------------------------------------------------------------------------


def drift_counts(records):
    statuses = [record.get('status') for record in records]
    counts = {'hosts': len(records), 'compliant': len([s for s in statuses if s in GOOD])}
    for status in ('drift', 'refused', 'unreadable', 'failed'):
        counts[status] = statuses.count(status)
    return counts


def drift_json(records, now, complete=True):
    bad = [record for record in records if record.get('status') not in GOOD]
    return {'report': 'meinberg.lantime drift_check', 'generated': now.strftime('%Y-%m-%dT%H:%M:%SZ'),
            'complete': complete, 'passed': complete and bool(records) and not bad,
            'counts': drift_counts(records), 'hosts': records}


def _state(state):
    if not state:
        return 'unknown'
    state = _mapping(state)
    return 'switch_mode=%s, selected_clock=%s' % (text(state.get('switch_mode')), text(state.get('selected_clock')))


def _details(record):
    desired = _mapping(record.get('desired'))
    status = record.get('status')
    ready = record.get('failover_ready')

    def any_(value):
        return 'any' if value is None else text(value)

    lines = ['host: %s' % text(record.get('host')),
             'chassis: %s, slot: %s, address: %s' % (
                 text(record.get('chassis')), text(record.get('slot')), text(record.get('address'))),
             'status: %s' % text(status),
             'desired: switch_mode=%s, selected_clock=%s' % (
                 any_(desired.get('switch_mode')), any_(desired.get('selected_clock'))),
             'before: %s' % _state(record.get('before')),
             'after: %s%s' % (_state(record.get('after')), ' (what a rollout would set)' if status == 'drift' else ''),
             'failover_ready: %s' % ('' if ready is None else text(ready)),
             'alarms: %s' % ('; '.join(text(alarm) for alarm in record.get('alarms') or []) or 'none')]
    if record.get('error'):
        lines.append('error: %s' % text(record['error']))
    return '\n'.join(lines)


def _reason(record):
    status = record.get('status')
    if status == 'drift':
        return 'drift: the card is at %s, the policy wants %s' % (_state(record.get('before')), _state(record.get('after')))
    if status in BAD:
        return '%s: %s' % (status, truncate(record.get('error') or ''))
    return text(status)


def _junit(tests, failures, errors, now, cases):
    counts = 'tests="%d" failures="%d" errors="%d"' % (tests, failures, errors)
    return ''.join(['<?xml version="1.0" encoding="UTF-8"?>\n',
                    '<testsuites name="meinberg.lantime drift check" %s>\n' % counts,
                    '  <testsuite name="meinberg.lantime.drift_check" %s skipped="0" timestamp="%s">\n'
                    % (counts, now.strftime('%Y-%m-%dT%H:%M:%S'))] + cases
                   + ['  </testsuite>\n', '</testsuites>\n'])


def drift_junit(records, now):
    """One test case per host; a host that is not compliant is a failure with the reason.

    With no host, one failed test case says so: a suite without a test passes in most CI systems.
    """
    if not records:
        message = xml_text(NO_HOST)
        return _junit(1, 1, 0, now, ['    <testcase classname="lantime.drift_check" name="drift check run" time="0">\n'
                                     '      <failure type="no host" message="%s">%s</failure>\n'
                                     '    </testcase>\n' % (message, message)])
    cases = []
    failures = 0
    for record in records:
        details = xml_text(_details(record))
        case = ['    <testcase classname="lantime.%s" name="%s" time="0">\n'
                % (xml_text(record.get('chassis') or 'unknown'), xml_text(record.get('host')))]
        if record.get('status') not in GOOD:
            failures += 1
            case.append('      <failure type="%s" message="%s">%s</failure>\n'
                        % (xml_text(record.get('status')), xml_text(_reason(record)), details))
        case += ['      <system-out>%s</system-out>\n' % details, '    </testcase>\n']
        cases.append(''.join(case))
    return _junit(len(records), failures, 0, now, cases)


def unfinished_junit(now):
    """One test case in error: what a CI system shows until the run that replaces it has finished."""
    message = xml_text(NOT_FINISHED % now.strftime('%Y-%m-%dT%H:%M:%SZ'))
    case = ('    <testcase classname="lantime.drift_check" name="drift check run" time="0">\n'
            '      <error type="incomplete" message="%s">%s</error>\n'
            '    </testcase>\n' % (message, message))
    return _junit(1, 0, 1, now, [case])


def drift_verdict(records, paths):
    bad = [record for record in records if record.get('status') not in GOOD]
    if not records:
        verdict = 'FAILED: ' + NO_HOST
    elif not bad:
        verdict = 'PASSED: all %d hosts comply with the policy.' % len(records)
    else:
        verdict = 'FAILED: %d of %d hosts do not comply: %s.' % (
            len(bad), len(records), ', '.join('%s (%s)' % (text(r.get('host')), text(r.get('status'))) for r in bad))
    return rsc_table(records) + ['', verdict, 'Reports: ' + ', '.join(paths)]


# --- rsc_facts CSV ---------------------------------------------------------------------------------------------


def _sync(clock):
    if clock is None:
        return ''
    clock = _mapping(clock)
    if clock.get('fitted') is False:
        return 'empty'
    return text(clock.get('time_sync')).lower()


def facts_csv(records):
    lines = [','.join(CSV_COLUMNS)]
    for record in records:
        status = record.get('status', 'no result')
        state = _mapping(record.get('after') if status == 'changed' else record.get('before'))
        clocks = _mapping(record.get('clocks'))
        ready = record.get('failover_ready')
        cells = [record.get('host'), record.get('chassis'), record.get('slot'), record.get('address'),
                 state.get('switch_mode'), state.get('selected_clock'),
                 _sync(clocks.get('clk1')), _sync(clocks.get('clk2')),
                 '' if ready is None else text(ready).lower(), record.get('switchover_count'), status,
                 '; '.join(text(alarm) for alarm in record.get('alarms') or []), record.get('error')]
        lines.append(','.join(csv_cell(cell) for cell in cells))
    return '\n'.join(lines) + '\n'


# --- fleet rollout ---------------------------------------------------------------------------------------------


def _percentage(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ReportError('max_fail_percentage must be a number from 0 to 100, got %r' % (value,))
    if not 0 <= number <= 100:
        raise ReportError('max_fail_percentage must be a number from 0 to 100, got %r' % (value,))
    return number


def rollout_summary(batch, earlier, hosts, limit, chassis_of):
    """How the rollout stands after a batch: stopping, the counts, the table lines, and every host's record.

    batch: the records of the batch's hosts; earlier: those of the batches before; hosts: every host of the
    rollout, in order; limit: rollout_max_fail_percentage; chassis_of(host): the chassis of a host not reached.
    """
    percentage = _percentage(limit)
    reached = earlier + batch
    reached_hosts = set(text(record.get('host')) for record in reached)
    untouched = [host for host in hosts if host not in reached_hosts]
    failed = [record for record in batch if record.get('status') in BAD]
    # Ansible's rule for max_fail_percentage: more than that share of the batch failed, or all of it.
    stopping = bool(untouched and failed and batch and (len(failed) * 100.0 / len(batch) > percentage
                                                        or len(failed) == len(batch)))
    over = stopping or not untouched
    lines = ['Batch: ' + ', '.join(text(record.get('host')) for record in batch)] + rsc_table(batch)
    if stopping:
        lines += ['', 'ROLLOUT STOPPED: %d of %d hosts of this batch failed (rollout_max_fail_percentage=%s).'
                  % (len(failed), len(batch), text(limit)),
                  'Not touched: %s.' % (', '.join(untouched) or 'none'),
                  'Fix the cause shown under "Problems", then run the same command again: hosts that are already'
                  ' compliant are read and skipped without a write.']
    by_host = dict((text(record.get('host')), record) for record in reached)
    for host in untouched:
        # Only an ended rollout knows that a host was not touched; one under way will still reach it.
        by_host[host] = {'host': host, 'chassis': chassis_of(host), 'status': 'not touched'} if over else \
            {'host': host, 'chassis': None, 'status': 'pending'}
    every = [by_host[host] for host in hosts if host in by_host]
    counts = _rollout_counts(reached, hosts, len(untouched), None if over else (len(untouched), 0))
    if over:
        words = [(counts['changed'], 'changed'), (counts['drift'], 'would change (check mode)'),
                 (counts['compliant'], 'already compliant'),
                 (counts['refused'] + counts['unreadable'] + counts['failed'], 'failed'), (len(untouched), 'not touched')]
        lines += ['', 'Whole rollout:'] + rsc_table(every, problems=not stopping) + \
            ['', '%d hosts: %s.' % (len(hosts), ', '.join('%d %s' % pair for pair in words if pair[0] > 0))]
    return {'stopping': stopping, 'over': over, 'failed': len(failed), 'batch': len(batch), 'lines': lines,
            'counts': counts, 'records': reached, 'hosts': every}


def _rollout_counts(reached, hosts, not_touched, under_way=None):
    """How many hosts had each result; under_way: (pending, in progress) for a rollout that has not ended.

    not_touched counts the hosts that no write can have reached yet: in a rollout under way the pending ones (a
    host in progress may have been written).
    """
    statuses = [record.get('status') for record in reached]
    counts = {'hosts': len(hosts), 'changed': statuses.count('changed'), 'drift': statuses.count('drift'),
              'compliant': len([s for s in statuses if s in GOOD]),
              'refused': statuses.count('refused'), 'unreadable': statuses.count('unreadable'),
              'failed': statuses.count('failed'), 'not_touched': not_touched}
    if under_way is not None:
        counts['pending'], counts['in_progress'] = under_way
    return counts


def rollout_batch_started(batch, earlier, hosts, chassis_of):
    """How the rollout stands when a batch starts: the earlier batches' records, this batch's hosts in progress
    (a write may be sent to any of them from now on), the later batches' hosts pending."""
    by_host = dict((text(record.get('host')), record) for record in earlier)
    in_batch = set(batch)
    every = []
    for host in hosts:
        if host in by_host:
            every.append(by_host[host])
        elif host in in_batch:
            every.append({'host': host, 'chassis': chassis_of(host), 'status': 'in progress'})
        else:
            every.append({'host': host, 'chassis': None, 'status': 'pending'})
    statuses = [record['status'] for record in every]
    pending = statuses.count('pending')
    counts = _rollout_counts(earlier, hosts, pending, (pending, statuses.count('in progress')))
    return {'stopping': False, 'over': False, 'failed': 0, 'batch': len(batch), 'lines': [], 'counts': counts,
            'records': earlier, 'hosts': every}


def rollout_json(now, complete, check_mode, summary=None):
    summary = summary or {'stopping': False, 'counts': {}, 'hosts': []}
    counts = summary['counts']
    passed = complete and bool(summary['hosts']) and not summary['stopping'] and \
        counts.get('not_touched', 0) == 0 and not any(counts.get(s, 0) for s in BAD)
    return {'report': 'meinberg.lantime fleet_rollout', 'generated': now.strftime('%Y-%m-%dT%H:%M:%SZ'),
            'complete': complete, 'check_mode': check_mode, 'passed': passed, 'stopped': summary['stopping'],
            'counts': counts, 'hosts': summary['hosts']}


# --- the action ------------------------------------------------------------------------------------------------


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True  # it writes in check mode too: the reports are the output of a check
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        task_vars = task_vars or {}
        try:
            result.update(self._report(dict(self._task.args), task_vars))
        except ReportError as exc:
            result.update(failed=True, msg='meinberg.lantime.rsc_report: %s' % exc)
        result['changed'] = False
        return result

    def _report(self, args, task_vars):
        unknown = sorted(set(args) - OPTIONS)
        if unknown:
            raise ReportError('unsupported options: %s' % ', '.join(unknown))
        report, state = args.get('report'), args.get('state') or 'finished'
        if report not in REPORTS:
            raise ReportError('report must be one of %s, got %r' % (', '.join(REPORTS), report))
        if state not in STATES:
            raise ReportError('state must be one of %s, got %r' % (', '.join(STATES), state))
        if state in ('batch', 'batch_started') and report != 'fleet_rollout':
            raise ReportError('state=%s is for report=fleet_rollout only' % state)
        paths = {}
        for key in ('json', 'junit', 'csv'):
            value = args.get(key)
            if value in (None, ''):
                continue
            if key not in FILES[report]:
                raise ReportError('report=%s writes no %s file' % (report, key))
            try:
                paths[key] = output_path(value, key)
            except OutputPathError as exc:
                raise ReportError(str(exc))
        now = _now()
        check_mode = bool(self._task.check_mode)
        if state == 'started':
            return self._started(report, paths, now, check_mode)
        records = _records(args.get('records'))
        if report == 'drift_check':
            return self._drift_check(records, paths, now)
        if report == 'rsc_facts':
            return self._rsc_facts(records, paths)
        return self._fleet_rollout(args, records, paths, now, check_mode, task_vars)

    @staticmethod
    def _started(report, paths, now, check_mode):
        """Take away the previous result before any device is touched: marked unfinished, or removed."""
        done = []
        for key, path in sorted(paths.items()):
            if report == 'rsc_facts':
                remove(path)  # a list of records (JSON) or a table (CSV) has no room for a mark
                done.append('removed %s' % path)
                continue
            if report == 'drift_check' and key == 'junit':
                write_atomic(path, unfinished_junit(now))
            elif report == 'drift_check':
                unfinished = drift_json([], now, complete=False)
                unfinished['note'] = NOT_FINISHED % unfinished['generated']
                write_atomic(path, nice_json(unfinished))
            else:
                unfinished = rollout_json(now, False, check_mode)
                unfinished['note'] = NOT_FINISHED % unfinished['generated']
                write_atomic(path, nice_json(unfinished))
            done.append('marked %s as unfinished' % path)
        result = {'msg': '; '.join(done) or 'no report file to prepare', 'paths': paths}
        if report == 'fleet_rollout':
            result['ansible_facts'] = {'rsc_rollout': {'stopping': False, 'failed': 0, 'batch': 0, 'lines': [],
                                                       'records': [], 'complete': False, 'batch_hosts': []}}
        return result

    @staticmethod
    def _drift_check(records, paths, now):
        for key, path in sorted(paths.items()):
            write_atomic(path, nice_json(drift_json(records, now)) if key == 'json' else drift_junit(records, now))
        bad = [record for record in records if record.get('status') not in GOOD]
        shown = [paths[key] for key in ('json', 'junit') if key in paths]
        return {'passed': bool(records) and not bad, 'complete': True, 'counts': drift_counts(records),
                'bad_hosts': [text(record.get('host')) for record in bad], 'paths': paths,
                'lines': drift_verdict(records, shown)}

    @staticmethod
    def _rsc_facts(records, paths):
        for key, path in sorted(paths.items()):
            write_atomic(path, nice_json(records) if key == 'json' else facts_csv(records))
        unreadable = [text(record.get('host')) for record in records if record.get('status') in rules.UNREAD_STATUSES]
        cards = 'RSC card' if len(records) == 1 else 'RSC cards'
        return {'complete': True, 'paths': paths, 'lines': rsc_table(records), 'hosts': len(records),
                'bad_hosts': unreadable, 'summary': 'Read %d %s.' % (len(records), cards),
                'unread': '%d of %d %s could not be read' % (len(unreadable), len(records), cards)}

    def _fleet_rollout(self, args, records, paths, now, check_mode, task_vars):
        earlier = _records(args.get('earlier_records'), 'earlier_records')
        hosts = [text(host) for host in args.get('hosts') or []]
        hostvars = task_vars.get('hostvars') or {}

        def chassis_of(host):
            try:
                return hostvars[host].get('lantime_chassis')
            except (KeyError, TypeError, AttributeError):
                return None

        state = args.get('state')
        if state == 'batch_started':
            batch = [text(host) for host in args.get('batch') or []]
            summary = rollout_batch_started(batch, earlier, hosts, chassis_of)
        else:
            batch = [text(record.get('host')) for record in records]
            limit = args.get('max_fail_percentage')
            summary = rollout_summary(records, earlier, hosts, 0 if limit in (None, '') else limit, chassis_of)
        complete = summary['over'] or state == 'finished'
        if 'json' in paths:
            written = rollout_json(now, complete, check_mode, summary)
            if complete and not hosts:
                written['note'] = 'No host matched, so nothing was rolled out.'
            write_atomic(paths['json'], nice_json(written))
        facts = dict((key, summary[key]) for key in ('stopping', 'failed', 'batch', 'lines', 'records'))
        facts.update(complete=complete, batch_hosts=batch)
        return {'ansible_facts': {'rsc_rollout': facts}, 'rollout': facts, 'complete': complete, 'paths': paths}
