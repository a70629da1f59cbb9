# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The ims inventory plugin: naming, sanitising, collisions, options, caching and unsafe values, without a network."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import itertools
import json
import os
import sys
from collections.abc import Mapping

import pytest

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader
from ansible.template import Templar

from ansible_collections.meinberg.lantime.plugins.inventory import ims
from ansible_collections.meinberg.lantime.plugins.module_utils import chassis_list
from ansible_collections.meinberg.lantime.plugins.module_utils import client as api
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.plugin_utils.compat import can_be_templated, trust_as_template
from ansible_collections.meinberg.lantime.plugins.plugin_utils.unsafe import make_unsafe

PASSWORD = 'Pa55-w0rd-never-shown'
TOKEN = 'ABCDEF0123456789TOKEN'


def slot(slot_id, slot_type, model=None, serial='', extra=None):
    entry = {'object-id': slot_id, 'slot-id': slot_id, 'slot-type': slot_type, 'slot-position': '0,1,1'}
    if model:
        entry['module'] = {'info': {'model': model, 'serial-number': serial, 'software-revision': 'v1'}}
        entry['module'].update(extra or {})
    return entry


SERIALS = itertools.count(1)


def document(hostname='ims1.example.net', serial='CH1  ', slots=None, system_serial=None):
    """A chassis reply; each one a distinct chassis (its own system serial number) unless told otherwise."""
    slots = slots if slots is not None else [
        slot('io10', 'io', 'liu', 'IO10'),
        slot('rsc', 'rsc', 'rsc180', 'RSC1', {'rsc': {'switch-mode': 'auto', 'selected-clock': 'clk1'}}),
        slot('clk1', 'clk', 'gps180', '0291   ', {'sync-status': {'clock-status': {'clock': 'synchronized'}}}),
        slot('clk2', 'clk'),
        slot('io2', 'io', 'rel1000', 'N/A'),
        {'object-id': 'pwr2', 'slot-id': 'pwr2', 'slot-type': 'pwr', 'slot-position': '0,0,1',
         'module': {'power-available': False}},
        slot('pwr1', 'pwr', 'psu', ''),
    ]
    return {
        'system-information': {'API Version': 'LANTIME REST API V16.03.004', 'version': 'fw_7.08.004',
                               'serial-number': system_serial or 'SYS%d' % next(SERIALS), 'hostname': hostname,
                               'model': 'M3000'},
        'data': {'object-id': 'status', 'chassis0': {'model': 'M3000', 'serial-number': serial, 'slots': slots}},
    }


class Display:
    def __init__(self):
        self.warnings = []

    def warning(self, msg, *args, **kwargs):
        self.warnings.append(msg)

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class FakeDevices:
    """Replaces LantimeClient.get: base URL -> document (or an exception to raise); records every call."""

    def __init__(self, monkeypatch, replies):
        self.replies = replies
        self.calls = []
        self.clients = []
        devices = self

        def get(client, path):
            devices.calls.append((client.base_url, path))
            devices.clients.append(client)
            reply = devices.replies[client.base_url]
            if isinstance(reply, Exception):
                raise reply
            return copy.deepcopy(reply)

        monkeypatch.setattr(api.LantimeClient, 'get', get)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith('LANTIME_'):
            monkeypatch.delenv(name)


def run(tmp_path, config, cache=True, name='test.ims.yml'):
    """Parse a configuration like ansible-inventory does; returns (inventory, plugin)."""
    path = tmp_path / name
    base = {'plugin': 'meinberg.lantime.ims', 'username': 'viewer', 'password': PASSWORD}
    base.update(config)
    base = dict((k, v) for k, v in base.items() if v is not None)
    path.write_text(json.dumps(base))
    plugin = inventory_loader.get('meinberg.lantime.ims')
    plugin.display = Display()
    inventory = InventoryData()
    plugin.parse(inventory, DataLoader(), str(path), cache=cache)
    try:
        plugin.update_cache_if_changed()
    except AttributeError:
        pass
    return inventory, plugin


def device_values_are_unsafe(variables):
    """Every value a device reported cannot be templated; what the plugin set itself is plain (ims.plugin_variables)."""
    own = set(ims.PLUGIN_OWN_VARS) | set(('ansible_connection', 'ansible_python_interpreter'))
    return is_unsafe(dict((key, value) for key, value in variables.items() if key not in own))


def is_unsafe(value):
    """True when value (and everything in it) cannot be templated."""
    if isinstance(value, Mapping):
        return all(is_unsafe(k) and is_unsafe(v) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(is_unsafe(item) for item in value)
    if isinstance(value, str):
        return not can_be_templated(value)
    return True


def hostvars(inventory, host):
    return inventory.get_host(host).get_vars()


def group_hosts(inventory, group):
    return sorted(h.name for h in inventory.groups[group].get_hosts())


# -- naming --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize('entry, name, url', [
    ('ims1.example.net', 'ims1.example.net', 'https://ims1.example.net'),
    ('IMS1.Example.NET:8443', 'ims1.example.net', 'https://IMS1.Example.NET:8443'),
    ('http://10.0.0.5:8080/', '10.0.0.5', 'http://10.0.0.5:8080'),
    ('https://[fe80::1]:443', 'fe80__1', 'https://[fe80::1]:443'),
    ({'host': 'ims1', 'name': 'Rack 4/A'}, 'Rack_4_A', 'https://ims1'),
    ({'host': 'ims1', 'name': 'fra-ims1'}, 'fra-ims1', 'https://ims1'),
    ({'host': 'ims1', 'name': 7}, '7', 'https://ims1'),
])
def test_chassis_names(entry, name, url):
    resolved, warnings = chassis_list.resolve_chassis([entry])
    assert resolved == [{'name': name, 'url': url, 'index': 1}]
    assert warnings == []


def test_name_collision_keeps_both_and_warns_naming_both():
    resolved, warnings = chassis_list.resolve_chassis(['ims1', 'http://ims1:8080', {'name': 'ims1', 'host': 'other'},
                                                       {'name': 'ims1-2', 'host': 'x'}])
    assert [r['name'] for r in resolved] == ['ims1', 'ims1-2', 'ims1-3', 'ims1-2-2']
    assert len(warnings) == 3
    assert '#1 (https://ims1)' in warnings[0] and '#2 (http://ims1:8080)' in warnings[0] and "'ims1-2'" in warnings[0]
    assert '#3 (https://other)' in warnings[1] and "'ims1-3'" in warnings[1]


@pytest.mark.parametrize('entries, message', [
    ([], 'at least one'),
    (None, 'at least one'),
    ('ims1', 'at least one'),
    ([{'name': 'x'}], 'entry #1: give the address'),
    ([{'host': 'ims1', 'port': 1}], 'unknown key(s) port'),
    (['ims1', ''], 'entry #2: give the address'),
    (['ftp://ims1'], "scheme 'ftp'"),
    ([{'host': 'ims1', 'name': ['a']}], 'name must be a string'),
])
def test_bad_chassis_entries(entries, message):
    with pytest.raises(ValueError) as exc:
        chassis_list.resolve_chassis(entries)
    assert message in str(exc.value)


def test_credentials_in_the_address_are_refused_without_echoing_them():
    with pytest.raises(ValueError) as exc:
        chassis_list.resolve_chassis(['https://admin:%s@ims1' % PASSWORD])
    assert PASSWORD not in str(exc.value)
    assert 'entry #1' in str(exc.value) and 'username and password' in str(exc.value)


@pytest.mark.parametrize('text, expected', [
    ('ims1.example.net', 'ims1_example_net'), ('rack-4', 'rack_4'), ('a b/c', 'a_b_c'), ('ok_1', 'ok_1')])
def test_safe_group(text, expected):
    assert chassis_list.safe_group(text) == expected


def test_natural_order_and_filters():
    slots = [facts.slot_facts(s) for s in facts.chassis_of(document())['slots']]
    assert [s['slot_id'] for s in facts.select_slots(slots)] == ['clk1', 'io2', 'io10', 'pwr1', 'rsc']
    assert [s['slot_id'] for s in facts.select_slots(slots, include_empty=True)] == \
        ['clk1', 'clk2', 'io2', 'io10', 'pwr1', 'pwr2', 'rsc']
    assert [s['slot_id'] for s in facts.select_slots(slots, ['CLK', 'rsc'], True)] == ['clk1', 'clk2', 'rsc']


def test_verify_file(tmp_path):
    plugin = inventory_loader.get('meinberg.lantime.ims')
    for name, wanted in (('lantime.ims.yml', True), ('ims.yaml', True), ('x_ims.yml', True), ('ims.json', False),
                         ('inventory.yml', False), ('ims.yml.bak', False)):
        path = tmp_path / name
        path.write_text('plugin: meinberg.lantime.ims\n')
        assert bool(plugin.verify_file(str(path))) is wanted, name
    assert not plugin.verify_file(str(tmp_path / 'missing.ims.yml'))


# -- unsafe --------------------------------------------------------------------------------------------------------
def test_the_plugins_own_values_are_plain_unless_they_hold_a_template():
    variables = ims.plugin_variables({'lantime_host': 'https://ims1', 'lantime_chassis': 'ims1',
                                      'lantime_slot_id': 'rsc', 'lantime_model': 'rsc180',
                                      'lantime_chassis_hostname': '{{ 6 * 7 }}'},
                                     {'ansible_connection': 'local'})
    assert is_unsafe(variables['lantime_model']) and is_unsafe(variables['lantime_chassis_hostname'])
    for key in ('lantime_host', 'lantime_chassis', 'lantime_slot_id', 'ansible_connection'):
        assert type(variables[key]) is str or not is_unsafe(variables[key]), key  # pylint: disable=unidiomatic-typecheck
    odd = ims.plugin_variables({'lantime_slot_id': 'r/sc', 'lantime_host': 'https://x/{{ y }}'}, {})
    assert is_unsafe(odd['lantime_slot_id']) and is_unsafe(odd['lantime_host'])


def test_make_unsafe_drops_template_trust():
    trusted = trust_as_template("{{ lookup('env', 'HOME') }}")
    value = make_unsafe({'a': trusted, 'b': [trusted, 1, None, True], trusted: 2.5})
    assert is_unsafe(value)
    assert not is_unsafe(trusted)
    templar = Templar(loader=DataLoader(), variables={'x': value['a']})
    assert templar.template(trust_as_template('{{ x }}')) == "{{ lookup('env', 'HOME') }}"


# -- parse, end to end without a network --------------------------------------------------------------------------
def test_hosts_groups_and_variables(tmp_path, monkeypatch):
    devices = FakeDevices(monkeypatch, {'https://ims1.example.net': document(),
                                        'http://lab:8080': document(hostname='lab-ims', slots=[slot('cpu', 'cpu', 'cpu')])})
    inventory, plugin = run(tmp_path, {'chassis': ['ims1.example.net', {'name': 'lab', 'host': 'http://lab:8080'}]})
    assert devices.calls == [('https://ims1.example.net', '/api/status/chassis0'), ('http://lab:8080', '/api/status/chassis0')]
    assert sorted(inventory.hosts) == ['ims1.example.net_clk1', 'ims1.example.net_io10', 'ims1.example.net_io2',
                                       'ims1.example.net_pwr1', 'ims1.example.net_rsc', 'lab_cpu']
    assert group_hosts(inventory, 'lantime') == sorted(inventory.hosts)
    assert group_hosts(inventory, 'lantime_rsc') == ['ims1.example.net_rsc']
    assert group_hosts(inventory, 'lantime_io') == ['ims1.example.net_io10', 'ims1.example.net_io2']
    assert group_hosts(inventory, 'lantime_chassis_ims1_example_net') == sorted(inventory.hosts)[:5]
    assert group_hosts(inventory, 'lantime_chassis_lab') == ['lab_cpu']
    assert 'lantime_empty' not in inventory.groups
    rsc = dict((k, v) for k, v in hostvars(inventory, 'ims1.example.net_rsc').items() if k.startswith(('lantime_', 'ansible_')))
    assert rsc == {
        'lantime_host': 'https://ims1.example.net', 'lantime_chassis': 'ims1.example.net',
        'lantime_chassis_model': 'M3000', 'lantime_chassis_serial_number': 'CH1',
        'lantime_chassis_hostname': 'ims1.example.net', 'lantime_firmware': 'fw_7.08.004',
        'lantime_api_version': 'LANTIME REST API V16.03.004', 'lantime_slot_id': 'rsc', 'lantime_slot_type': 'rsc',
        'lantime_slot_position': '0,1,1', 'lantime_fitted': True, 'lantime_model': 'rsc180',
        'lantime_serial_number': 'RSC1', 'lantime_software_revision': 'v1', 'lantime_rsc_switch_mode': 'auto',
        'lantime_rsc_selected_clock': 'clk1', 'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
        'lantime_pending_changes': None,
    }
    assert hostvars(inventory, 'ims1.example.net_clk1')['lantime_clock_status'] == 'synchronized'
    assert hostvars(inventory, 'ims1.example.net_io2')['lantime_serial_number'] is None
    # The one warning: credentials to the lab chassis go over plain HTTP.
    assert plugin.display.warnings == [
        'meinberg.lantime.ims: the credentials go over plain HTTP, readable by anyone on the network, to 1 chassis '
        '(lab); use https:// unless this management network is trusted']
    for host in inventory.hosts:
        assert device_values_are_unsafe(hostvars(inventory, host))


def test_inventory_variables_equal_slot_info_slots(tmp_path, monkeypatch):
    doc = document()
    FakeDevices(monkeypatch, {'https://ims1': doc})
    inventory, dummy = run(tmp_path, {'chassis': ['ims1'], 'include_empty': True})
    device, slots = facts.chassis_facts(doc)
    slots = facts.select_slots(slots, include_empty=True)
    assert len(slots) == len(inventory.hosts) == 7
    for entry in slots:
        variables = hostvars(inventory, 'ims1_' + entry['slot_id'])
        assert dict((k[len('lantime_'):], v) for k, v in variables.items()
                    if k.startswith('lantime_') and k[len('lantime_'):] in entry) == entry
        assert variables['lantime_chassis_model'] == device['model']
        assert variables['lantime_chassis_hostname'] == device['hostname']
        assert variables['lantime_chassis_serial_number'] == device['chassis_serial_number']
        assert variables['lantime_firmware'] == device['firmware']
        assert variables['lantime_api_version'] == device['api_version']
    assert group_hosts(inventory, 'lantime_empty') == ['ims1_clk2', 'ims1_pwr2']


def test_slot_types_and_connection_switches(tmp_path, monkeypatch):
    FakeDevices(monkeypatch, {'https://ims1': document()})
    inventory, dummy = run(tmp_path, {'chassis': ['ims1'], 'slot_types': ['RSC', 'clk'], 'local_connection': False,
                                      'controller_python': False})
    assert sorted(inventory.hosts) == ['ims1_clk1', 'ims1_rsc']
    assert 'ansible_connection' not in hostvars(inventory, 'ims1_rsc')
    assert 'ansible_python_interpreter' not in hostvars(inventory, 'ims1_rsc')


def test_failing_chassis_warns_and_the_rest_loads(tmp_path, monkeypatch):
    FakeDevices(monkeypatch, {
        'https://ims1': document(),
        'https://ims2': api.TransportError('ims2: GET /api/status/chassis0 failed: could not connect'),
        'https://ims3': {'data': {'nothing': 1}},
    })
    inventory, plugin = run(tmp_path, {'chassis': ['ims1', 'ims2', {'name': 'three', 'host': 'ims3'}]})
    assert sorted(set(h.split('_')[0] for h in inventory.hosts)) == ['ims1']
    assert 'lantime_chassis_ims2' not in inventory.groups
    assert plugin.display.warnings == [
        'meinberg.lantime.ims: ims2 (https://ims2): ims2: GET /api/status/chassis0 failed: could not connect; '
        'its slots are left out',
        'meinberg.lantime.ims: three (https://ims3): ims3: the reply holds no chassis slot list (data.chassis0.slots); '
        'its slots are left out',
    ]


def test_fail_on_errors_raises_and_adds_nothing(tmp_path, monkeypatch):
    FakeDevices(monkeypatch, {'https://ims1': document(), 'https://ims2': api.AuthenticationError('ims2: refused (HTTP 401)')})
    with pytest.raises(AnsibleError) as exc:
        run(tmp_path, {'chassis': ['ims1', 'ims2'], 'fail_on_errors': True})
    assert 'ims2 (https://ims2): ims2: refused (HTTP 401)' in str(exc.value)
    assert '1 of 2 chassis' in str(exc.value)


def test_unexpected_exception_is_a_chassis_error_without_secrets(tmp_path, monkeypatch):
    FakeDevices(monkeypatch, {'https://ims1': RuntimeError('boom with %s inside' % PASSWORD)})
    dummy, plugin = run(tmp_path, {'chassis': ['ims1']})
    assert plugin.display.warnings == ['meinberg.lantime.ims: ims1 (https://ims1): RuntimeError: boom with ******** '
                                       'inside; its slots are left out']


def test_host_name_collision_between_chassis_keeps_both(tmp_path, monkeypatch):
    FakeDevices(monkeypatch, {
        'https://one': document(slots=[slot('b_c', 'io', 'liu')]),
        'https://two': document(slots=[slot('c', 'io', 'liu')]),
        'https://three': document(slots=[slot('x', 'io', 'liu'), slot('x', 'io', 'rel1000')]),
    })
    inventory, plugin = run(tmp_path, {'chassis': [{'name': 'a', 'host': 'one'}, {'name': 'a_b', 'host': 'two'},
                                                   {'name': 'dup', 'host': 'three'}]})
    assert sorted(inventory.hosts) == ['a_b_c', 'a_b_c-2', 'dup_x', 'dup_x-2']
    assert hostvars(inventory, 'a_b_c')['lantime_chassis'] == 'a'
    assert hostvars(inventory, 'a_b_c-2')['lantime_chassis'] == 'a_b'
    assert hostvars(inventory, 'dup_x-2')['lantime_model'] == 'rel1000'
    assert len(plugin.display.warnings) == 2
    assert "'a_b_c' of chassis 'a_b' is already used by chassis 'a'" in plugin.display.warnings[0]


def test_group_name_collision_gets_a_suffix(tmp_path, monkeypatch):
    FakeDevices(monkeypatch, {'https://one': document(slots=[slot('cpu', 'cpu', 'cpu')]),
                              'https://two': document(slots=[slot('cpu', 'cpu', 'cpu')])})
    inventory, plugin = run(tmp_path, {'chassis': [{'name': 'a.b', 'host': 'one'}, {'name': 'a_b', 'host': 'two'}]})
    assert group_hosts(inventory, 'lantime_chassis_a_b') == ['a.b_cpu']
    assert group_hosts(inventory, 'lantime_chassis_a_b_2') == ['a_b_cpu']
    assert len(plugin.display.warnings) == 1


def test_constructed_options(tmp_path, monkeypatch):
    FakeDevices(monkeypatch, {'https://ims1': document(hostname="{{ lookup('env', 'HOME') }}")})
    inventory, dummy = run(tmp_path, {
        'chassis': ['ims1'],
        'compose': {'card': "lantime_model | upper", 'where': 'lantime_chassis_hostname'},
        'groups': {'synced_clocks': "lantime_clock_status | default('') == 'synchronized'"},
        'keyed_groups': [{'key': 'lantime_model', 'prefix': 'model'}],
    })
    assert hostvars(inventory, 'ims1_rsc')['card'] == 'RSC180'
    assert hostvars(inventory, 'ims1_rsc')['where'] == "{{ lookup('env', 'HOME') }}"
    assert group_hosts(inventory, 'synced_clocks') == ['ims1_clk1']
    assert group_hosts(inventory, 'model_rsc180') == ['ims1_rsc']
    assert group_hosts(inventory, 'model_gps180') == ['ims1_clk1']


def test_strict_compose_error_fails(tmp_path, monkeypatch):
    FakeDevices(monkeypatch, {'https://ims1': document()})
    with pytest.raises(AnsibleError):
        run(tmp_path, {'chassis': ['ims1'], 'strict': True, 'compose': {'x': 'no_such_variable.attr'}})
    inventory, dummy = run(tmp_path, {'chassis': ['ims1'], 'strict': False, 'compose': {'x': 'no_such_variable.attr'}})
    assert 'x' not in hostvars(inventory, 'ims1_rsc')


def test_templated_and_env_credentials(tmp_path, monkeypatch):
    devices = FakeDevices(monkeypatch, {'https://ims1': document()})
    monkeypatch.setenv('SECRET_SOURCE', PASSWORD)
    run(tmp_path, {'chassis': ['ims1'], 'password': "{{ lookup('ansible.builtin.env', 'SECRET_SOURCE') }}"})
    assert (devices.clients[-1].username, devices.clients[-1].password) == ('viewer', PASSWORD)

    monkeypatch.setenv('LANTIME_TOKEN', TOKEN)
    monkeypatch.setenv('LANTIME_TIMEOUT', '7')
    monkeypatch.setenv('LANTIME_RETRIES', '0')
    run(tmp_path, {'chassis': ['ims1'], 'username': None, 'password': None})
    client = devices.clients[-1]
    assert (client.username, client.password, client.token, client.timeout, client.retries) == (None, None, TOKEN, 7, 0)


@pytest.mark.parametrize('config, message', [
    ({'username': None, 'password': None}, 'give username and password'),
    ({'password': None}, 'password is not'),
    ({'timeout': 0}, 'timeout: must be a number of seconds from 1 to 3600'),
    ({'retries': -1}, 'retries: must be a whole number from 0 to 10'),
])
def test_bad_connection_options(tmp_path, monkeypatch, config, message):
    FakeDevices(monkeypatch, {'https://ims1': document()})
    config['chassis'] = ['ims1']
    with pytest.raises(AnsibleError) as exc:
        run(tmp_path, config)
    assert message in str(exc.value)


def test_bad_chassis_and_concurrency_are_parser_errors(tmp_path, monkeypatch):
    FakeDevices(monkeypatch, {})
    with pytest.raises(AnsibleParserError) as exc:
        run(tmp_path, {'chassis': [{'name': 'x'}]})
    assert 'entry #1' in str(exc.value)
    with pytest.raises(AnsibleParserError):
        run(tmp_path, {'chassis': ['ims1'], 'concurrency': 0})


def test_cache_hit_makes_no_request_and_holds_no_secret(tmp_path, monkeypatch):
    devices = FakeDevices(monkeypatch, {'https://ims1': document(), 'https://ims2': api.TransportError('ims2: down')})
    cache_dir = tmp_path / 'cache'
    config = {'chassis': ['ims1', 'ims2'], 'token': TOKEN, 'cache': True, 'cache_plugin': 'ansible.builtin.jsonfile',
              'cache_connection': str(cache_dir)}
    first, dummy = run(tmp_path, config)
    assert len(devices.calls) == 2
    second, plugin = run(tmp_path, config)
    assert len(devices.calls) == 2
    assert sorted(second.hosts) == sorted(first.hosts)
    assert hostvars(second, 'ims1_rsc')['lantime_model'] == 'rsc180'
    assert device_values_are_unsafe(hostvars(second, 'ims1_rsc'))
    assert plugin.display.warnings == ['meinberg.lantime.ims: ims2 (https://ims2): ims2: down; its slots are left out']
    files = list(cache_dir.iterdir())
    assert len(files) == 1
    text = files[0].read_text()
    assert PASSWORD not in text and TOKEN not in text and 'viewer' not in text

    # Filters apply after the cache: no new request.
    third, dummy = run(tmp_path, dict(config, slot_types=['rsc']))
    assert len(devices.calls) == 2 and sorted(third.hosts) == ['ims1_rsc']
    # A changed chassis list is a cache miss; so is --flush-cache (cache=False).
    run(tmp_path, dict(config, chassis=['ims1']))
    assert len(devices.calls) == 3
    run(tmp_path, config, cache=False)
    assert len(devices.calls) == 5


def test_concurrency_reads_every_chassis_once_in_order(tmp_path, monkeypatch):
    replies = dict(('https://ims%03d' % i, document(slots=[slot('rsc', 'rsc', 'rsc180', 'S%03d' % i)])) for i in range(40))
    devices = FakeDevices(monkeypatch, replies)
    inventory, dummy = run(tmp_path, {'chassis': sorted(replies), 'concurrency': 5})
    assert sorted(devices.calls) == sorted((url, '/api/status/chassis0') for url in replies)
    assert len(inventory.hosts) == 40
    assert hostvars(inventory, 'ims017_rsc')['lantime_serial_number'] == 'S017'
    assert list(inventory.hosts)[:3] == ['ims000_rsc', 'ims001_rsc', 'ims002_rsc']
    assert len(set(id(c.session) for c in devices.clients)) <= 5


def test_unsafe_and_env_passwords_are_never_templated(tmp_path, monkeypatch):
    devices = FakeDevices(monkeypatch, {'https://ims1': document()})
    path = tmp_path / 'raw.ims.yml'
    path.write_text("plugin: meinberg.lantime.ims\nchassis: [ims1]\nusername: viewer\npassword: !unsafe 'pa{{ ss }}'\n")
    plugin = inventory_loader.get('meinberg.lantime.ims')
    plugin.display = Display()
    plugin.parse(InventoryData(), DataLoader(), str(path), cache=False)
    assert devices.clients[-1].password == 'pa{{ ss }}'

    monkeypatch.setenv('LANTIME_PASSWORD', "{{ lookup('env', 'HOME') }}")
    run(tmp_path, {'chassis': ['ims1'], 'password': None})
    assert devices.clients[-1].password == "{{ lookup('env', 'HOME') }}"


# -- what the cache is trusted for ---------------------------------------------------------------------------------
CHASSIS = [{'name': 'ims1', 'url': 'https://ims1'}, {'name': 'ims2', 'url': 'https://ims2'}]
BINDING = ims.cache_binding('viewer', None, True, None, True)


def cache_entry():
    device, slots = facts.chassis_facts(document())
    return {'format': ims.CACHE_FORMAT, 'chassis': [['ims1', 'https://ims1'], ['ims2', 'https://ims2']],
            'binding': BINDING,
            'results': [{'name': 'ims1', 'url': 'https://ims1', 'device': device, 'slots': slots, 'error': None},
                        {'name': 'ims2', 'url': 'https://ims2', 'device': None, 'slots': None, 'error': 'ims2: down'}]}


def test_the_cache_holds_exactly_the_keys_the_facts_have():
    # The cache check whitelists these keys; a new fact needs them (and CACHE_FORMAT) changed too.
    device, slots = facts.chassis_facts(document())
    assert set(device) == ims.DEVICE_KEYS
    for one in slots:
        assert ims.SLOT_KEYS <= set(one) <= ims.SLOT_KEYS | ims.SLOT_OPTIONAL_KEYS
    assert set().union(*[set(one) for one in slots]) == ims.SLOT_KEYS | ims.SLOT_OPTIONAL_KEYS


def test_a_whole_entry_for_the_same_chassis_user_and_tls_settings_is_used():
    results = ims.cached_results(json.loads(json.dumps(cache_entry())), CHASSIS, BINDING)
    assert [(r['name'], r['url'], r['error']) for r in results] == [
        ('ims1', 'https://ims1', None), ('ims2', 'https://ims2', 'ims2: down')]
    assert results[0]['slots'] == facts.chassis_facts(document())[1]


@pytest.mark.parametrize('other', [
    ('admin', None, True, None, True),         # another user
    (None, TOKEN, True, None, True),          # a token instead of a user
    ('viewer', TOKEN, True, None, True),
    ('viewer', None, False, None, True),      # read without checking the certificate
    ('viewer', None, True, '/etc/ca.pem', True),
    ('viewer', None, True, None, False),
])
def test_an_entry_read_as_another_user_or_with_other_tls_settings_is_not_used(other):
    binding = ims.cache_binding(*other)
    assert binding != BINDING
    assert TOKEN not in binding and 'viewer' not in binding and 'admin' not in binding
    assert ims.cached_results(cache_entry(), CHASSIS, binding) is None


def test_an_entry_for_another_chassis_list_is_not_used():
    assert ims.cached_results(cache_entry(), CHASSIS[:1], BINDING) is None
    assert ims.cached_results(cache_entry(), [CHASSIS[0], dict(CHASSIS[1], url='https://ims2:8443')], BINDING) is None
    assert ims.cached_results(cache_entry(), CHASSIS[::-1], BINDING) is None


def _tampered(change):
    entry = cache_entry()
    change(entry)
    return entry


def _set_slot(key, value):
    return lambda e: e['results'][0]['slots'][1].__setitem__(key, value)


@pytest.mark.parametrize('entry, message', [
    (None, 'NoneType, not a mapping'),
    ('text', 'str, not a mapping'),
    ([cache_entry()], 'list, not a mapping'),
    (_tampered(lambda e: e.__setitem__('format', 1)), 'format of this release'),
    (_tampered(lambda e: e.pop('binding')), 'format of this release'),
    (_tampered(lambda e: e.__setitem__('extra', 1)), 'format of this release'),
    (_tampered(lambda e: e.__setitem__('binding', None)), 'binding is malformed'),
    (_tampered(lambda e: e.__setitem__('results', e['results'][:1])), 'one record per chassis'),
    (_tampered(lambda e: e.__setitem__('results', {})), 'one record per chassis'),
    (_tampered(lambda e: e['results'][0].__setitem__('url', 'https://elsewhere')), 'another name or address'),
    (_tampered(lambda e: e['results'][0].__setitem__('name', 'ims9')), 'another name or address'),
    (_tampered(lambda e: e['results'][0].pop('slots')), 'not a chassis record'),
    (_tampered(lambda e: e['results'][0].__setitem__('warnings', [])), 'not a chassis record'),
    (_tampered(lambda e: e['results'][0].__setitem__('device', [])), 'device record'),
    (_tampered(lambda e: e['results'][0]['device'].__setitem__('host', 'x')), 'device record'),
    (_tampered(lambda e: e['results'][0]['device'].__setitem__('model', 5)), 'model is not text'),
    (_tampered(lambda e: e['results'][0].__setitem__('slots', {'rsc': {}})), 'slots are not a list'),
    (_tampered(lambda e: e['results'][0]['slots'].append('rsc')), 'is not a mapping'),
    (_tampered(_set_slot('host', 'https://elsewhere')), 'keys of a slot'),
    (_tampered(lambda e: e['results'][0]['slots'][1].pop('fitted')), 'keys of a slot'),
    (_tampered(_set_slot('fitted', 'yes')), 'fitted is not true or false'),
    (_tampered(_set_slot('slot_id', 7)), 'slot_id is not text'),
    (_tampered(_set_slot('slot_id', ' rsc')), 'slot_id is not text'),
    (_tampered(_set_slot('slot_id', 'N/A')), 'slot_id is not text'),
    (_tampered(_set_slot('model', ['rsc180'])), 'model is not text'),
    (_tampered(_set_slot('rsc_switch_mode', 'AUTO')), 'rsc_switch_mode is not a value'),
    (_tampered(_set_slot('rsc_selected_clock', 'clk3')), 'rsc_selected_clock is not a value'),
    (_tampered(lambda e: e['results'][1].__setitem__('error', 5)), 'error is not a text alone'),
    (_tampered(lambda e: e['results'][1].__setitem__('slots', [])), 'error is not a text alone'),
])
def test_an_entry_of_another_shape_is_refused_with_a_reason(entry, message):
    with pytest.raises(ims.CacheEntryError, match=message.replace('(', r'\(')):
        ims.cached_results(entry, CHASSIS, BINDING)


def test_a_cache_entry_for_another_user_is_read_again(tmp_path, monkeypatch):
    devices = FakeDevices(monkeypatch, {'https://ims1': document()})
    config = {'chassis': ['ims1'], 'cache': True, 'cache_plugin': 'ansible.builtin.jsonfile',
              'cache_connection': str(tmp_path / 'cache')}
    run(tmp_path, config)
    run(tmp_path, config)
    assert len(devices.calls) == 1
    dummy, plugin = run(tmp_path, dict(config, username='admin'))
    assert len(devices.calls) == 2 and devices.clients[-1].username == 'admin'
    assert plugin.display.warnings == []
    run(tmp_path, dict(config, username=None, password=None, token=TOKEN))
    assert len(devices.calls) == 3
    run(tmp_path, dict(config, username=None, password=None, token=TOKEN, validate_certs=False))
    assert len(devices.calls) == 4
    run(tmp_path, dict(config, username=None, password=None, token=TOKEN, validate_certs=False))
    assert len(devices.calls) == 4
    text = list((tmp_path / 'cache').iterdir())[0].read_text()
    assert TOKEN not in text and PASSWORD not in text and 'admin' not in text and 'viewer' not in text
