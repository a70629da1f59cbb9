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


# --- links and directories of other users ------------------------------------------------------------------------


class FakeTask:
    def __init__(self, args, check_mode=False):
        self.args = args
        self.check_mode = check_mode


def act(args, check_mode=False, task_vars=None):
    """The action's work as a task would run it, without a connection (it needs none)."""
    action = report.ActionModule.__new__(report.ActionModule)
    action._task = FakeTask(args, check_mode)  # pylint: disable=protected-access
    return action._report(dict(args), task_vars or {})  # pylint: disable=protected-access


def victim(tmp_path):
    path = tmp_path / 'victim' / 'important.conf'
    path.parent.mkdir()
    path.write_text('keep me\n')
    return path


def test_started_removes_a_link_at_a_report_path_never_its_target(tmp_path):
    target = victim(tmp_path)
    reports = tmp_path / 'reports'
    reports.mkdir()
    (reports / 'rsc.csv').symlink_to(target)
    (reports / 'rsc.json').symlink_to(target)
    act({'report': 'rsc_facts', 'state': 'started', 'csv': str(reports / 'rsc.csv'), 'json': str(reports / 'rsc.json')})
    assert target.read_text() == 'keep me\n'
    assert sorted(p.name for p in reports.iterdir()) == []


@pytest.mark.parametrize('state', ['started', 'finished'])
def test_a_report_written_over_a_link_replaces_the_link_never_its_target(tmp_path, state):
    target = victim(tmp_path)
    reports = tmp_path / 'reports'
    reports.mkdir()
    (reports / 'drift-check.json').symlink_to(target)
    (reports / 'drift-check.junit.xml').symlink_to(target)
    result = act({'report': 'drift_check', 'state': state, 'json': str(reports / 'drift-check.json'),
                  'junit': str(reports / 'drift-check.junit.xml'), 'records': [record('a_rsc', 'compliant')]})
    assert target.read_text() == 'keep me\n'
    assert not (reports / 'drift-check.json').is_symlink() and not (reports / 'drift-check.junit.xml').is_symlink()
    assert json.loads((reports / 'drift-check.json').read_text())['complete'] is (state == 'finished')
    assert result['paths']['json'] == str(reports / 'drift-check.json')


def test_the_rollout_report_over_a_link_replaces_the_link(tmp_path):
    target = victim(tmp_path)
    (tmp_path / 'rollout.json').symlink_to(target)
    act({'report': 'fleet_rollout', 'state': 'started', 'json': str(tmp_path / 'rollout.json')})
    assert target.read_text() == 'keep me\n' and not (tmp_path / 'rollout.json').is_symlink()


def _others_dir(tmp_path, how):
    directory = tmp_path / 'shared'
    directory.mkdir()
    if how == 'owner':
        os.chown(str(directory), 65534, 65534)
    else:
        os.chmod(str(directory), {'group': 0o775, 'others': 0o757, 'sticky': 0o1777}[how])
    return directory


@pytest.mark.parametrize('how', ['owner', 'group', 'others', 'sticky'])
@pytest.mark.parametrize('state', ['started', 'finished'])
def test_a_report_directory_someone_else_can_change_is_refused(tmp_path, how, state):
    directory = _others_dir(tmp_path, how)
    planted = directory / 'drift-check.json'
    planted.write_text('planted')
    with pytest.raises(report.ReportError) as caught:
        act({'report': 'drift_check', 'state': state, 'json': str(planted), 'records': [record('a_rsc', 'ok')]})
    message = str(caught.value)
    assert str(directory) in message and 'directory of your own' in message
    assert ('owned by uid 65534' if how == 'owner' else 'writable by') in message
    assert planted.read_text() == 'planted' and [p.name for p in directory.iterdir()] == ['drift-check.json']


def test_a_link_to_a_directory_of_another_user_is_refused(tmp_path):
    directory = _others_dir(tmp_path, 'owner')
    (tmp_path / 'reports').symlink_to(directory)
    os.lchown(str(tmp_path / 'reports'), 65534, 65534)
    with pytest.raises(report.ReportError, match='symbolic link owned by uid 65534'):
        act({'report': 'rsc_facts', 'state': 'started', 'csv': str(tmp_path / 'reports' / 'rsc.csv')})


def test_a_new_report_directory_is_created_writable_by_its_owner_only(tmp_path):
    old_umask = os.umask(0o002)
    try:
        act({'report': 'drift_check', 'json': str(tmp_path / 'a' / 'b' / 'r.json'), 'records': []})
    finally:
        os.umask(old_umask)
    for directory in (tmp_path / 'a', tmp_path / 'a' / 'b'):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o755
    act({'report': 'drift_check', 'json': str(tmp_path / 'a' / 'b' / 'r.json'), 'records': []})  # its own: fine


# --- CSV cells with leading white space, reports of a rollout under way --------------------------------------------


@pytest.mark.parametrize('value', [' =1+1', '\n=cmd', '  \r\n @SUM(A1)', '\u3000+1', ' \uff1dx', '\t-2'])
def test_a_formula_after_leading_white_space_is_neutralised(value):
    assert report.csv_cell(value) == '"\'%s"' % value


def test_a_rollout_under_way_says_pending_and_in_progress_never_not_touched():
    hosts = ['a_rsc', 'b_rsc', 'c_rsc', 'd_rsc']
    chassis = dict((host, host.split('_', maxsplit=1)[0]) for host in hosts)
    first = report.rollout_summary([record('a_rsc', 'changed')], [], hosts, 0, chassis.get)
    assert [h['status'] for h in first['hosts']] == ['changed', 'pending', 'pending', 'pending']
    under_way = report.rollout_batch_started(['b_rsc', 'c_rsc'], first['records'], hosts, chassis.get)
    assert [(h['host'], h['status']) for h in under_way['hosts']] == \
        [('a_rsc', 'changed'), ('b_rsc', 'in progress'), ('c_rsc', 'in progress'), ('d_rsc', 'pending')]
    assert (under_way['counts']['in_progress'], under_way['counts']['pending'], under_way['counts']['not_touched']) == \
        (2, 1, 1)
    written = report.rollout_json(NOW, False, False, under_way)
    assert (written['complete'], written['passed']) == (False, False)


def test_a_drift_check_of_no_host_is_no_passing_junit():
    suite = ElementTree.fromstring(report.drift_junit([], NOW).encode('utf-8'))
    assert (suite.get('tests'), suite.get('failures')) == ('1', '1')
    assert 'no host matched' in suite.find('testsuite/testcase/failure').get('message')
