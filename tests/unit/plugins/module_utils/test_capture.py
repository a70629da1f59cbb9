# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Capture redaction: identifying values and secrets become stable placeholders; keys, structure, types stay."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible_collections.meinberg.lantime.plugins.module_utils import capture

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', '..', 'simulator', 'fixtures')

DOC = {
    'system-information': {'hostname': 'ims1.fra.example.net', 'serial-number': '052314002083  ', 'model': 'M3000'},
    'data': {
        'chassis0': {'serial-number': '052314002083', 'slots': [
            {'slot-id': 'rsc', 'slot-position': '0,4,1',
             'module': {'info': {'model': 'rsc180', 'serial-number': 'N/A'},
                        'rsc': {'switch-mode': 'auto', 'switchover-count': 3}}}]},
        'network': {'ports': [{'mac-address': '00:13:95:16:7C:9C', 'perm-hwaddr': '00:13:95:16:7c:9c',
                               'speed': '100'},
                              {'mac-address': '00:00:00:00:00:00'}],
                    'interfaces': [{'address': '10.20.30.40', 'subnet': '255.255.255.0',
                                    'gateway': 'fe80::213:95ff:fe16:7c9c', 'ntp': '127.0.0.1'}]},
        'snmp': {'community': 'public-Secret', 'auth-password': 'p@ss', 'key-id': 4, 'contact': 'noc@example.org'},
        'system': {'position': '46.951083, 7.438632', 'latitude': 46.95, 'uptime': 12.5,
                   'current-time': '2026-02-11T22:05:01', 'note': 'see https://ims1.fra.example.net/ and 10.20.30.40'},
        'token-cache': 'ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789',
        'links': {'self': 'https://localhost/api/status'},
    },
}


def test_identifying_values_become_stable_placeholders():
    redacted, summary = capture.redact(DOC, identifiers=['ims1.fra.example.net:8443'])
    text = json.dumps(redacted)
    for original in ('ims1.fra.example.net', '052314002083', '00:13:95:16', '10.20.30.40', 'fe80::213', '46.951083',
                     'public-Secret', 'p@ss', 'noc@example.org', 'ABCDEF0123456789ABCDEF'):
        assert original not in text, original
    info = redacted['system-information']
    assert info['hostname'] == 'host-0001.example.invalid' and info['model'] == 'M3000'
    assert info['serial-number'] == 'SERIAL000001  ' and redacted['data']['chassis0']['serial-number'] == 'SERIAL000001'
    ports = redacted['data']['network']['ports']
    assert ports[0]['mac-address'] == ports[0]['perm-hwaddr'] == '02:00:00:00:00:01'
    assert ports[1]['mac-address'] == '00:00:00:00:00:00' and ports[0]['speed'] == '100'
    interface = redacted['data']['network']['interfaces'][0]
    assert interface['address'] == '192.0.2.1' and interface['subnet'] == '255.255.255.0'
    assert interface['ntp'] == '127.0.0.1' and interface['gateway'].startswith('2001:db8::')
    system = redacted['data']['system']
    assert system['position'] == '00.000000, 0.000000' and system['latitude'] == 0.0 and system['uptime'] == 12.5
    assert system['current-time'] == '2026-02-11T22:05:01'
    assert system['note'] == 'see https://host-0001.example.invalid/ and 192.0.2.1'
    snmp = redacted['data']['snmp']
    assert snmp['community'].startswith('REDACTED-SECRET-') and snmp['auth-password'].startswith('REDACTED-SECRET-')
    assert snmp['key-id'] == 0 and snmp['contact'] == 'user-0001@example.invalid'
    assert redacted['data']['token-cache'].startswith('REDACTED-SECRET-')
    assert redacted['data']['links']['self'] == 'https://localhost/api/status'
    slot = redacted['data']['chassis0']['slots'][0]
    assert slot['slot-position'] == '0,4,1' and slot['module']['info'] == {'model': 'rsc180', 'serial-number': 'N/A'}
    assert slot['module']['rsc'] == {'switch-mode': 'auto', 'switchover-count': 3}
    assert summary == {'email': 1, 'host': 1, 'ipv4': 1, 'ipv6': 1, 'mac': 1, 'secret': 3, 'serial': 1}
    # same input, same output; the original is unchanged
    assert capture.redact(DOC, identifiers=['ims1.fra.example.net:8443'])[0] == redacted
    assert DOC['system-information']['hostname'] == 'ims1.fra.example.net'


def test_structure_and_types_stay_on_a_whole_document():
    with open(os.path.join(FIXTURES, 'm600-gnss.status.json')) as handle:
        original = json.load(handle)
    redacted = capture.redact(original)[0]

    def shape(node):
        if isinstance(node, dict):
            return dict((key, shape(value)) for key, value in node.items())
        if isinstance(node, list):
            return [shape(value) for value in node]
        return type(node).__name__

    assert shape(redacted) == shape(original)
    assert original['system-information']['serial-number'].strip() not in json.dumps(redacted)


def test_secrets_are_masked_with_redaction_off_and_the_loopback_source_is_replaced():
    redacted = capture.redact(DOC, identity=False)[0]
    assert redacted['system-information']['hostname'] == 'ims1.fra.example.net'
    assert redacted['data']['snmp']['community'].startswith('REDACTED-SECRET-')
    assert redacted['data']['token-cache'].startswith('REDACTED-SECRET-')
    redacted = capture.redact(DOC, identifiers=['http://127.0.0.1:40123'])[0]
    assert redacted['data']['network']['interfaces'][0]['ntp'].startswith('192.0.2.')


def test_build_capture():
    content = capture.build_capture({'status': DOC, 'configuration': None, 'rsc_configuration': None},
                                    {'verdict': 'read at ims1.fra.example.net'}, '0.2.0',
                                    identifiers=['ims1.fra.example.net'], now=0)
    assert content['format'] == capture.CAPTURE_FORMAT and content['collection_version'] == '0.2.0'
    assert content['captured_at'] == '1970-01-01T00:00:00Z' and content['redacted'] is True
    assert content['api_check'] == {'verdict': 'read at host-0001.example.invalid'}
    assert content['configuration'] is None and content['redaction']['host'] == 1
