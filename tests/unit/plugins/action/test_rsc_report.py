# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The rendering and writing of meinberg.lantime.rsc_report: CSV formula neutralisation, XML, atomic files."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import datetime
import io
import json
import os
import stat
from xml.etree import ElementTree

import pytest

from ansible_collections.meinberg.lantime.plugins.action import rsc_report as report

NOW = datetime.datetime(2026, 11, 27, 13, 42, 12, tzinfo=datetime.timezone.utc)


def record(host, status, **extra):
    out = {'host': host, 'chassis': host.split('_')[0], 'slot': 'rsc', 'address': 'https://%s' % host,
           'status': status, 'before': {'switch_mode': 'auto', 'selected_clock': 'clk1'},
           'after': {'switch_mode': 'auto', 'selected_clock': 'clk1'}, 'desired': {'switch_mode': 'auto'},
           'failover_ready': True, 'alarms': [], 'error': None, 'switchover_count': 0,
           'clocks': {'clk1': {'fitted': True, 'time_sync': True}, 'clk2': {'fitted': False}}}
    out.update(extra)
    return out


@pytest.mark.parametrize('value, cell', [
    ('=1+1', '"\'=1+1"'),
    ('+49 30 123', '"\'+49 30 123"'),
    ('-2', '"\'-2"'),
    ('@SUM(A1)', '"\'@SUM(A1)"'),
    ('\tx', '"\'\tx"'),
    ('\rx', '"\'\rx"'),
    ('\uff1dcmd', '"\'\uff1dcmd"'),
    ('=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'),
    ('ims1 = lab', '"ims1 = lab"'),
    ('a-b', '"a-b"'),
    ('', '""'),
    (None, '""'),
    (0, '"0"'),
])
def test_csv_cells_that_would_be_formulas_get_an_apostrophe(value, cell):
    assert report.csv_cell(value) == cell


def test_the_csv_table_neutralises_every_device_string_and_stays_parseable():
    records = [record('fra_rsc', 'ok', chassis='=cmd|"/c calc"!A1', alarms=['-x', '@y'], error='+err'),
               record('muc_rsc', 'unreadable', before=None, clocks=None, failover_ready=None)]
    text = report.facts_csv(records)
    rows = list(csv.DictReader(io.StringIO(text, newline='')))
    assert rows[0]['chassis'] == '\'=cmd|"/c calc"!A1'
    assert rows[0]['alarms'] == "'-x; @y" and rows[0]['error'] == "'+err"
    assert (rows[0]['clk1_sync'], rows[0]['clk2_sync'], rows[0]['failover_ready']) == ('true', 'empty', 'true')
    assert (rows[1]['switch_mode'], rows[1]['clk1_sync'], rows[1]['failover_ready'], rows[1]['status']) == \
        ('', '', '', 'unreadable')
    assert text.splitlines()[0] == ','.join(report.CSV_COLUMNS)
    for row in rows:
        assert not any(value.startswith(report.FORMULA_STARTS) for value in row.values())


def test_junit_escapes_markup_and_drops_what_xml_cannot_hold():
    records = [record('a_rsc', 'compliant'),
               record('b_rsc', 'unreadable', chassis='<x>&"', error='bad \x00\x1b reply </failure><x>' + 'y' * 400)]
    suite = ElementTree.fromstring(report.drift_junit(records, NOW).encode('utf-8'))
    assert (suite.get('tests'), suite.get('failures'), suite.get('errors')) == ('2', '1', '0')
    cases = dict((case.get('name'), case) for case in suite.iter('testcase'))
    failure = cases['b_rsc'].find('failure')
    assert cases['b_rsc'].get('classname') == 'lantime.<x>&"'
    assert failure.get('type') == 'unreadable' and failure.get('message').endswith('...')
    assert len(failure.get('message')) <= len('unreadable: ') + 300
    assert 'bad \ufffd\ufffd reply </failure><x>' in failure.text
    assert cases['a_rsc'].find('failure') is None


def test_the_drift_check_json_says_whether_it_is_complete():
    records = [record('a_rsc', 'compliant'), record('b_rsc', 'drift')]
    finished = report.drift_json(records, NOW)
    assert (finished['complete'], finished['passed'], finished['generated']) == (True, False, '2026-11-27T13:42:12Z')
    assert finished['counts'] == {'hosts': 2, 'compliant': 1, 'drift': 1, 'refused': 0, 'unreadable': 0, 'failed': 0}
    assert report.drift_json(records[:1], NOW)['passed'] is True
    assert report.drift_json(records[:1], NOW, complete=False)['passed'] is False
    assert report.drift_json([], NOW)['passed'] is False


def test_the_unfinished_junit_is_an_error_for_any_ci_system():
    suite = ElementTree.fromstring(report.unfinished_junit(NOW).encode('utf-8'))
    assert (suite.get('tests'), suite.get('failures'), suite.get('errors')) == ('1', '0', '1')
    assert 'has not finished' in suite.find('testsuite/testcase/error').get('message')


def test_write_atomic_replaces_the_file_whole_with_its_mode(tmp_path):
    path = tmp_path / 'sub' / 'r.json'
    report.write_atomic(str(path), 'one\n')
    os.chmod(str(path), 0o600)
    report.write_atomic(str(path), 'two\n')
    assert path.read_text() == 'two\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == ['r.json']


def test_write_atomic_leaves_the_old_file_when_it_cannot_write(tmp_path):
    target = tmp_path / 'r.json'
    target.write_text('old')
    os.mkdir(str(tmp_path / 'dir.json'))
    with pytest.raises(report.ReportError, match='cannot write'):
        report.write_atomic(str(tmp_path / 'dir.json'), 'new')  # a directory is in the way of the rename
    assert target.read_text() == 'old'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['dir.json', 'r.json']


def test_the_rollout_stops_by_the_rule_of_max_fail_percentage():
    hosts = ['a_rsc', 'b_rsc', 'c_rsc', 'd_rsc']
    chassis = dict((host, host.split('_', maxsplit=1)[0]) for host in hosts)
    first = report.rollout_summary([record('a_rsc', 'changed')], [], hosts, 0, chassis.get)
    assert (first['stopping'], first['over'], first['counts']['not_touched']) == (False, False, 3)
    assert first['lines'][0] == 'Batch: a_rsc'
    second = report.rollout_summary([record('b_rsc', 'refused', error='no'), record('c_rsc', 'changed')],
                                    first['records'], hosts, 50, chassis.get)
    assert second['stopping'] is False  # 1 of 2 is not more than 50 %
    stopped = report.rollout_summary([record('b_rsc', 'refused', error='no'), record('c_rsc', 'changed')],
                                     first['records'], hosts, '49', chassis.get)
    assert stopped['stopping'] is True and 'Not touched: d_rsc.' in stopped['lines']
    assert stopped['hosts'][-1] == {'host': 'd_rsc', 'chassis': 'd', 'status': 'not touched'}
    assert stopped['lines'][-1] == '4 hosts: 2 changed, 1 failed, 1 not touched.'
    finished = report.rollout_json(NOW, True, False, stopped)
    assert (finished['complete'], finished['passed'], finished['stopped']) == (True, False, True)
    with pytest.raises(report.ReportError):
        report.rollout_summary([], [], hosts, 'lots', chassis.get)


def test_the_json_layout_is_the_one_the_reports_always_had():
    assert report.nice_json({'b': 1, 'a': [True, None]}) == '{\n    "a": [\n        true,\n        null\n    ],\n    "b": 1\n}\n'
    assert json.loads(report.nice_json([record('a_rsc', 'ok')]))[0]['host'] == 'a_rsc'
