# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The read-only API check over whole documents, with a fake client (no HTTP, no Ansible)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import api_check
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import NotFoundError, TransportError

HERE = os.path.dirname(os.path.abspath(__file__))
SIM_FIXTURES = os.path.join(HERE, '..', '..', '..', 'simulator', 'fixtures')
OWN_FIXTURES = os.path.join(HERE, '..', '..', '..', 'integration', 'fixtures')
RSC_CONFIG = '/api/configuration/chassis0/slots/rsc/module/rsc'


def load(*parts):
    with open(os.path.join(*parts)) as handle:
        return json.load(handle)


class FakeClient:
    host = 'ims1.example.net'

    def __init__(self, documents, allow=('GET', 'HEAD', 'OPTIONS', 'POST')):
        self.documents = documents
        self.allow = allow  # the known methods of the Allow header, None for none, or an exception to raise
        self.seen = []

    def allowed_methods(self, path, deadline=None):
        self.seen.append('OPTIONS ' + path)
        if isinstance(self.allow, Exception):
            raise self.allow
        return (200, self.allow) if not isinstance(self.allow, int) else (self.allow, None)

    def get(self, path, deadline=None):
        self.seen.append(path)
        document = self.documents.get(path)
        if isinstance(document, Exception):
            raise document
        if document is None:
            raise NotFoundError('%s: GET %s: not found (HTTP 404)' % (self.host, path), 404)
        return copy.deepcopy(document)

    def write(self, path, body, method='POST'):
        raise AssertionError('api_check wrote %s %s' % (method, path))


def ims(config=True, rsc_config=None):
    documents = {'/api/status': load(SIM_FIXTURES, 'ims-m3000-rsc.status.json')}
    if config:
        documents['/api/configuration'] = {'data': {'object-id': 'configuration', 'chassis0': {'slots': []}}}
    documents[RSC_CONFIG] = rsc_config if rsc_config is not None else {
        'data': {'switch-mode': 'auto', 'selected-clock': 'clk2'}}
    return documents


def by_id(result):
    return dict((check['id'], check) for check in result['checks'])


def test_a_matching_chassis_passes_with_get_requests_only():
    client = FakeClient(ims())
    result = api_check.run_checks(client)
    statuses = dict((c['id'], c['status']) for c in result['checks'])
    assert [i for i, s in statuses.items() if s != 'pass'] == ['write']
    assert statuses['write'] == 'not_applicable'
    assert result['read_compatible'] is True and result['write_compatible'] is True
    assert (result['ltos_version'], result['rest_api_version']) == ('7.08.009', '16.04.002')
    assert (result['rsc_slot'], result['rsc_model']) == ('rsc', 'rsc180')
    assert client.seen == ['/api/status', '/api/configuration', RSC_CONFIG, 'OPTIONS ' + RSC_CONFIG]
    assert result['write_methods'] == ['GET', 'HEAD', 'OPTIONS', 'POST'] and result['write_style'] == 'post'
    assert 'documents' not in result
    checks = by_id(result)
    assert checks['selected_clock_cross_check']['detail'] == (
        "the RSC card says clk2, the system sync-status reference says clk2, the clock slots' clock-idx says clk2")
    assert 'POST /api/configuration/chassis0/slots/rsc/module/rsc' in checks['write']['contract']


def test_the_configuration_decides_write_compatibility():
    result = api_check.run_checks(FakeClient(ims(rsc_config={'data': {'mode': 'auto'}})))
    check = by_id(result)['rsc_configuration']
    assert check['status'] == 'fail'
    assert check['detail'] == 'switch-mode is missing; selected-clock is missing; keys found: mode'
    assert result['read_compatible'] is True and result['write_compatible'] is False
    assert result['verdict'].startswith('reads match the contract, writes may not: rsc_configuration')
    result = api_check.run_checks(FakeClient(ims(config=False)))
    assert by_id(result)['configuration_tree']['detail'] == \
        'ims1.example.net: GET /api/configuration: not found (HTTP 404)'
    assert result['write_compatible'] is False


def test_renamed_keys_name_the_missing_and_the_found():
    result = api_check.run_checks(FakeClient({'/api/status': load(OWN_FIXTURES, 'ims-rsc-renamed.status.json')}))
    checks = by_id(result)
    assert checks['rsc_key.switch-mode']['detail'] == (
        'switch-mode is missing; keys found in module.rsc: aco, active-clock, clock-sync, last-switch, mode, outputs, '
        'panel, switchovers, tle, watchdog')
    assert checks['rsc_key.front-panel.mode-switch']['detail'] == 'not read: module.rsc.front-panel is not an object'
    assert checks['rsc_key.clocks[].object-id']['detail'] == 'not read: module.rsc.clocks is null'
    assert result['read_compatible'] is False


@pytest.mark.parametrize('change, check_id, detail', [
    # a device value is named only when a capture keeps it too: a word of the field's vocabulary, true/false, a whole
    # number where one is expected, a free-text field of the allow-list; anything else by its type and size
    ({'switch-mode': 'AUTOMATIC'}, 'rsc_key.switch-mode',
     'switch-mode is a text of 9 characters, expected one of auto, manual'),
    ({'switch-mode': ' Manual '}, 'rsc_key.switch-mode', 'switch-mode = "Manual"'),
    ({'switch-mode': {'password': 'hunter2-admin-pass'}}, 'rsc_key.switch-mode',
     'switch-mode is an object of 1 key, expected text'),
    ({'outputs-enabled': 'yes'}, 'rsc_key.outputs-enabled', 'outputs-enabled is a text of 3 characters, expected true/false'),
    ({'switchover-count': 'Tacacs-Secret-77'}, 'rsc_key.switchover-count',
     'switchover-count is a text of 16 characters, expected a whole number'),
    ({'switchover-count': 2.5}, 'rsc_key.switchover-count', 'switchover-count is a number, expected a whole number'),
    ({'switchover-count': 7}, 'rsc_key.switchover-count', 'switchover-count = 7'),
    ({'last-switchover': ['Tr0ub4dor&3', 'x']}, 'rsc_key.last-switchover', 'last-switchover is a list of 2 items, expected text'),
    ({'last-switchover': '2026-05-14T03:12:40'}, 'rsc_key.last-switchover', 'last-switchover = "2026-05-14T03:12:40"'),
    ({'clocks': [{'object-id': 'clk1', 'time-sync': True}, {'object-id': {'key': 'S3cret'}, 'time-sync': 'S3cret'}]},
     'rsc_key.clocks[].object-id', 'entry 1 has object-id an object of 1 key, expected text, one of clk1, clk2'),
    ({'clocks': [{'object-id': 'clk1', 'time-sync': True}, {'object-id': 'clk2', 'time-sync': 'S3cret'}]},
     'rsc_key.clocks[].time-sync', 'entry 1 has time-sync a text of 6 characters, expected true/false'),
    ({'K7mWq2Lp9xRt4VbN8sYz': 1, 'ops@example.org': 2}, 'rsc_block',
     'keys found: access-control-override, clocks, front-panel, last-switchover, outputs-enabled, selected-clock, '
     'switch-mode, switchover-count, time-limit-error, watchdog-ok; 2 keys not shown (not a plain word)'),
    ({'switchover-count': -1}, 'rsc_key.switchover-count', 'present, value unknown (-1)'),
    ({'clocks': [{'object-id': 'clk1'}]}, 'rsc_key.clocks[].time-sync', 'entry 0 lacks time-sync; keys found: object-id'),
])
def test_types_and_values_are_checked(change, check_id, detail):
    documents = ims()
    slot = [s for s in documents['/api/status']['data']['chassis0']['slots'] if s['slot-id'] == 'rsc'][0]
    slot['module']['rsc'].update(change)
    assert by_id(api_check.run_checks(FakeClient(documents)))[check_id]['detail'] == detail


def test_the_rsc_configuration_names_only_words_of_its_vocabulary():
    result = api_check.run_checks(FakeClient(ims(rsc_config={'data': {
        'switch-mode': {'passphrase': 'RscConfig-Passphrase-8080'}, 'selected-clock': 'RscConfig-Selected-9090',
        'Zq7Tr0ub4dorKeyTokenAbc99': 'x'}})))
    assert by_id(result)['rsc_configuration']['detail'] == (
        'switch-mode is an object of 1 key, expected one of auto, manual; selected-clock is a text of 23 characters, '
        'expected one of clk1, clk2, none, no-master, nomaster, no-clock; keys found: selected-clock, switch-mode; '
        '1 key not shown (not a plain word)')
    result = api_check.run_checks(FakeClient(ims(rsc_config={'data': {'switch-mode': 'AUTO', 'selected-clock': 'clk2'}})))
    assert by_id(result)['rsc_configuration']['detail'] == 'switch-mode = "AUTO", selected-clock = "clk2"'


def test_a_device_without_rsc_card():
    result = api_check.run_checks(FakeClient({'/api/status': load(SIM_FIXTURES, 'm300-dcf77.status.json'),
                                              '/api/configuration': {'data': {'chassis0': {'slots': []}}}}))
    checks = by_id(result)
    assert checks['token_support']['status'] == 'not_applicable'
    assert checks['rsc_card']['detail'].startswith('no RSC card in this chassis; slots found: clk1 (pzf511), clk2 (empty)')
    assert checks['rsc_key.switch-mode']['detail'] == 'not read: no RSC card in this chassis'
    assert checks['selected_clock_cross_check']['status'] == 'fail'
    assert checks['clock_slots']['status'] == 'pass' and checks['configuration_tree']['status'] == 'pass'


def test_the_envelope_and_versions():
    status = load(SIM_FIXTURES, 'ims-m3000-rsc.status.json')
    del status['links']
    status['system-information']['version'] = 'fw_7.04.002'
    del status['data']['rest-api']
    status['system-information']['API Version'] = 'LANTIME REST API V8.01.001'
    checks = by_id(api_check.run_checks(FakeClient({'/api/status': status})))
    assert checks['envelope']['detail'] == 'missing: links; keys found: changes, data, system-information'
    assert checks['ltos_version']['detail'] == 'LTOS 7.04.002 (fw_7.04.002) is older than 7.06: update the firmware'
    assert checks['api_version']['detail'].startswith('REST API 8.01.001 (from system-information."API Version") is '
                                                      'older than 10')


def test_only_an_unreadable_status_raises():
    with pytest.raises(TransportError):
        api_check.run_checks(FakeClient({'/api/status': TransportError('ims1.example.net: no reply')}))


def test_run_with_a_capture(tmp_path):
    client = FakeClient(ims())
    path = str(tmp_path / 'ims1.json')
    result = api_check.run(client, capture=True, capture_path=path)
    assert result['changed'] is True and result['write_compatible'] is True
    with open(path) as handle:
        content = json.load(handle)
    assert content['format'] == 'meinberg.lantime-capture/1' and content['api_check']['verdict'] == result['verdict']
    assert content['rsc_configuration']['data'] == {'switch-mode': 'auto', 'selected-clock': 'clk2'}
    text = json.dumps(content)
    assert '052314002083' not in text and 'ims-rack4.lab.example.net' not in text
    # the result says where the capture is and what redaction did, and holds no document
    assert sorted(result['capture']) == ['bytes', 'format', 'mode', 'path', 'redacted', 'redaction', 'written']
    assert result['capture']['path'] == path and result['capture']['bytes'] == os.path.getsize(path)
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o600)
    assert 'status' not in json.dumps(result['capture']) and 'ims-rack4' not in json.dumps(result)
    assert 'capture' not in api_check.run(FakeClient(ims()))


def test_a_capture_needs_a_path_and_check_mode_writes_nothing(tmp_path):
    with pytest.raises(api_check.TaskFailed, match='capture needs capture_path'):
        api_check.run(FakeClient(ims()), capture=True)
    path = str(tmp_path / 'ims1.json')
    result = api_check.run(FakeClient(ims()), capture_path=path, check_mode=True)
    assert result['changed'] is False and result['capture']['written'] is False and not os.path.exists(path)


@pytest.mark.parametrize('allow, style, status, detail', [
    (('GET', 'PUT'), 'post', 'fail', 'the object allows GET, PUT; write_style post sends POST: use write_style put or '
                                     'put-parameters'),
    (('GET', 'PUT'), 'put-parameters', 'pass', 'the object allows GET, PUT; write_style put-parameters sends PUT'),
    (('GET',), 'put', 'fail', 'no write_style of this collection sends a method it allows'),
    ((), 'post', 'fail', 'the object allows no method this collection knows'),
    (None, 'post', 'not_applicable', 'no Allow header'),
    (405, 'post', 'not_applicable', 'OPTIONS answered HTTP 405'),
    (TransportError('ims1.example.net: no reply'), 'post', 'not_applicable', 'OPTIONS failed'),
])
def test_the_write_method_check(allow, style, status, detail):
    result = api_check.run_checks(FakeClient(ims(), allow=allow), write_style=style)
    check = by_id(result)['write_method']
    assert check['status'] == status and detail in check['detail'], check
    assert ('write_style %s' % style) in check['contract']
    assert result['write_compatible'] is (status != 'fail')
    assert result['write_methods'] == (list(allow) if isinstance(allow, tuple) else None)
