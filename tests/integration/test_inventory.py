# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""meinberg.lantime.ims through the real ansible-inventory (and ansible-playbook) against the simulator.

Golden files live in tests/integration/inventory/golden/; after an intended change, rewrite them with
LANTIME_UPDATE_GOLDEN=1 pytest tests/integration/test_inventory.py and review the diff.
"""

import json
import os
import socket
import subprocess
import sys

import pytest

from ansible_run import CORE_BEFORE_2_19, base_env, run_playbook, unwrap_warnings
from conftest import FIXTURES_DIR, REPO_ROOT, SHARED_PAYLOADS, SimulatorProcess

INVENTORY_DIR = REPO_ROOT / 'tests' / 'integration' / 'inventory'
GOLDEN_DIR = INVENTORY_DIR / 'golden'
ANSIBLE_INVENTORY = os.path.join(os.path.dirname(sys.executable), 'ansible-inventory')
VIEWER = {'username': 'viewer', 'password': 'V1ew-Secret'}
SIM_OPTIONS = ('--no-tls', '--user', 'viewer:V1ew-Secret:info', '--user', 'admin:Adm1n-Secret:admin')
CHASSIS_READ = 'GET /api/status/chassis0'
UPDATE_GOLDEN = os.environ.get('LANTIME_UPDATE_GOLDEN') == '1'
PLAIN_HTTP = 'the credentials go over plain HTTP'


# -- helpers -------------------------------------------------------------------------------------------------------
class InventoryRun:
    def __init__(self, completed):
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = unwrap_warnings(completed.stderr)

    @property
    def data(self):
        assert self.rc == 0, self.stdout + self.stderr
        return plain(json.loads(self.stdout))

    def hostvars(self, host):
        return self.data['_meta']['hostvars'][host]

    def hosts(self, group='lantime'):
        return sorted(self.data.get(group, {}).get('hosts', []))

    @property
    def all_warnings(self):
        """Each [WARNING] of stderr, its continuation lines joined."""
        found = []
        for line in self.stderr.splitlines():
            if line.startswith('[WARNING]:'):
                found.append(line[len('[WARNING]:'):].strip())
            elif found and line.startswith(' '):
                found[-1] += ' ' + line.strip()
        return found

    @property
    def warnings(self):
        """The warnings but the one about credentials over plain HTTP, which every simulator here (plain HTTP)
        gives; test_plain_http_is_one_warning_for_all_chassis checks that one."""
        return [w for w in self.all_warnings if PLAIN_HTTP not in w]


def plain(value):
    """ansible-core 2.19+ marks untrusted strings as {"__ansible_unsafe": ...} in --list output; unwrap them."""
    if isinstance(value, dict):
        if list(value) == ['__ansible_unsafe']:
            return value['__ansible_unsafe']
        return dict((k, plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def write_config(tmp_path, config, name='lantime.ims.yml'):
    body = {'plugin': 'meinberg.lantime.ims'}
    body.update(config)
    path = tmp_path / name
    path.write_text(json.dumps(body, indent=1), encoding='utf-8')  # JSON is YAML
    return path


def ansible_inventory(tmp_path, config, *args, env=None):
    path = config if not isinstance(config, dict) else write_config(tmp_path, config)
    completed = subprocess.run([ANSIBLE_INVENTORY, '-i', str(path), *(args or ('--list',))], cwd=str(REPO_ROOT),
                               env=base_env(tmp_path, env), capture_output=True, text=True, check=False, timeout=300)
    return InventoryRun(completed)


def closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def counts(sim, device=0):
    return sim.stats(device)['counts'].get(CHASSIS_READ, 0)


def start(tmp_path_factory, *options):
    return SimulatorProcess(*(SIM_OPTIONS + options), workdir=tmp_path_factory.mktemp('sim')).start()


# -- the fleet: several chassis, mixed slots, one unreachable ------------------------------------------------------
class Fleet:
    def __init__(self, ims, rack4, m600, m300, dead_url):
        self.ims, self.rack4, self.m600, self.m300 = ims, rack4, m600, m300
        self.dead_url = dead_url
        self.chassis = [
            {'name': 'ims-a', 'host': ims.url(0)},
            {'name': 'ims-b', 'host': ims.url(1)},
            ims.url(2),                                  # no name: derived from the address, "127.0.0.1"
            {'name': 'rack4', 'host': rack4.url()},
            {'name': 'm600', 'host': m600.url()},
            {'name': 'm300', 'host': m300.url()},
            {'name': 'dead', 'host': dead_url},
        ]

    def urls(self):
        return [entry['host'] if isinstance(entry, dict) else entry for entry in self.chassis]

    def config(self, **extra):
        config = {'chassis': self.chassis, 'retries': 0, 'timeout': 5}
        config.update(VIEWER)
        config.update(extra)
        return config

    def normalise(self, text):
        """Replace the random ports and the controller's Python path with placeholders."""
        for index, url in enumerate(self.urls()):
            text = text.replace(url, 'http://127.0.0.1:<port-%d>' % index)
            text = text.replace(url.split('://', 1)[1], '127.0.0.1:<port-%d>' % index)
        return text


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    started = []
    try:
        for options in (('--devices', '3'),
                        ('--fixture', FIXTURES_DIR / 'ims-m3000-rsc.status.json'),
                        ('--fixture', FIXTURES_DIR / 'm600-gnss.status.json'),
                        ('--fixture', FIXTURES_DIR / 'm300-dcf77.status.json')):
            started.append(start(tmp_path_factory, *options))
        yield Fleet(*started, dead_url='http://127.0.0.1:%d' % closed_port())
    finally:
        for process in started:
            process.stop()


def golden(name, text):
    path = GOLDEN_DIR / name
    if UPDATE_GOLDEN or not path.exists():
        path.write_text(text, encoding='utf-8')
    assert text == path.read_text(encoding='utf-8'), 'differs from %s (LANTIME_UPDATE_GOLDEN=1 rewrites it)' % path


def normalised_list(fleet, run):
    data = json.loads(fleet.normalise(json.dumps(run.data)))
    if CORE_BEFORE_2_19:  # the same format, which 2.19 and later name
        data['_meta'].setdefault('profile', 'inventory_legacy')
    for host, variables in data['_meta']['hostvars'].items():
        interpreter = variables.get('ansible_python_interpreter')
        assert interpreter and os.path.dirname(interpreter) == os.path.dirname(ANSIBLE_INVENTORY), (host, interpreter)
        variables['ansible_python_interpreter'] = '<controller python>'
    for group in data.values():
        if isinstance(group, dict):
            for key in ('hosts', 'children'):
                if key in group:
                    group[key] = sorted(group[key])
    return json.dumps(data, indent=1, sort_keys=True) + '\n'


# -- tests ---------------------------------------------------------------------------------------------------------
def test_list_and_graph_match_golden_files(tmp_path, fleet):
    before = [counts(fleet.ims, i) for i in range(3)] + [counts(s) for s in (fleet.rack4, fleet.m600, fleet.m300)]
    run = ansible_inventory(tmp_path, fleet.config())
    golden('fleet-list.json', normalised_list(fleet, run))
    after = [counts(fleet.ims, i) for i in range(3)] + [counts(s) for s in (fleet.rack4, fleet.m600, fleet.m300)]
    assert [b - a for a, b in zip(before, after)] == [1] * 6, 'one chassis read per chassis'

    assert len(run.warnings) == 1, run.stderr
    assert run.warnings[0].startswith('meinberg.lantime.ims: dead (%s): 127.0.0.1:' % fleet.dead_url)
    assert 'could not connect' in run.warnings[0] and 'its slots are left out' in run.warnings[0]
    assert 'V1ew-Secret' not in run.stdout + run.stderr

    graph = ansible_inventory(tmp_path, fleet.config(), '--graph')
    assert graph.rc == 0, graph.stderr
    golden('fleet-graph.txt', fleet.normalise(graph.stdout))


# What the plugin sets itself (not a device): plain in the output, as AWX imports it.
PLUGIN_OWN = ('ansible_connection', 'ansible_python_interpreter', 'lantime_host', 'lantime_chassis', 'lantime_slot_id',
              'lantime_rsc_switch_mode', 'lantime_rsc_selected_clock')


def is_unsafe(value):
    """How ansible-inventory prints an untemplatable string, on every supported core: marked. (2.16 to 2.18 mark an
    AnsibleUnsafeText; 2.19 and later a string not trusted as a template.)"""
    return isinstance(value, dict) and list(value) == ['__ansible_unsafe']


@pytest.mark.parametrize('export', [False, True], ids=['list', 'export'])
def test_device_strings_are_unsafe_and_the_plugins_own_values_plain_in_the_output(tmp_path, fleet, export):
    """AWX imports ansible-inventory --list --export: device strings stay marked unsafe, the plugin's own values
    (connection, interpreter, address, chassis name, slot id, the RSC words) are plain values."""
    options = ('--list', '--export') if export else ('--list',)
    run = ansible_inventory(tmp_path, fleet.config(chassis=fleet.chassis[:1]), *options)
    assert run.rc == 0, run.stderr
    raw = json.loads(run.stdout)['_meta']['hostvars']
    for host in ('ims-a_rsc', 'ims-a_clk1'):
        for key, value in raw[host].items():
            if key in PLUGIN_OWN:
                assert isinstance(value, str), (host, key, value)
            elif key.startswith('lantime_') and isinstance(value, str) or isinstance(value, dict):
                assert is_unsafe(value), (host, key, value)
    rsc = raw['ims-a_rsc']
    assert (rsc['ansible_connection'], rsc['lantime_host'], rsc['lantime_chassis'], rsc['lantime_slot_id'],
            rsc['lantime_rsc_switch_mode']) == ('local', fleet.ims.url(0), 'ims-a', 'rsc', 'auto')
    assert rsc['lantime_chassis_hostname'] == {'__ansible_unsafe': 'ims.sim.example'}


def test_the_groups_lantime_and_lantime_rsc_exist_when_no_chassis_answered(tmp_path, fleet):
    config = fleet.config(chassis=fleet.chassis[-1:])  # the dead one
    for group in ('lantime', 'lantime_rsc', 'lantime_one_per_chassis'):
        graph = ansible_inventory(tmp_path, config, '--graph', group)
        assert graph.rc == 0 and graph.stdout.strip() == '@%s:' % group, graph.stdout + graph.stderr
    path = write_config(tmp_path, config)
    playbook = [{'name': 'every RSC card', 'hosts': 'lantime_rsc', 'gather_facts': False,
                 'tasks': [{'name': 'never', 'ansible.builtin.debug': {'msg': 'no host'}}]}]
    run = run_playbook(tmp_path, playbook, inventory=str(path))
    assert run.rc == 0 and run.results == [], run.output
    assert 'skipping: no hosts matched' in run.output
    assert 'Could not match supplied host pattern' not in run.output


def test_one_host_per_chassis_its_rsc_card_when_it_has_one(tmp_path, fleet):
    run = ansible_inventory(tmp_path, fleet.config())
    assert run.hosts('lantime_one_per_chassis') == ['127.0.0.1_rsc', 'ims-a_rsc', 'ims-b_rsc', 'm300_clk1',
                                                    'm600_clk1', 'rack4_rsc']
    clocks = ansible_inventory(tmp_path, fleet.config(slot_types=['clk']))
    assert clocks.hosts('lantime_one_per_chassis') == ['127.0.0.1_clk1', 'ims-a_clk1', 'ims-b_clk1', 'm300_clk1',
                                                       'm600_clk1', 'rack4_clk1']
    assert clocks.hosts('lantime_rsc') == []


def test_real_payload_shapes(tmp_path, tmp_path_factory):
    """Project fixtures shaped like the two real payloads (and the real payloads themselves, when present)."""
    sources = [('m600', FIXTURES_DIR / 'm600-gnss.status.json', 'grc180'),
               ('m300', FIXTURES_DIR / 'm300-dcf77.status.json', 'pzf511')]
    for name, model in (('m600-gps', 'grc180'), ('m300-dcf77', 'pzf511')):
        path = SHARED_PAYLOADS / ('%s.status.json' % name)
        if path.exists():
            sources.append(('real-' + name, path, model))
    started = []
    try:
        for dummy, path, dummy in sources:
            started.append(start(tmp_path_factory, '--fixture', path))
        chassis = [{'name': name, 'host': sim.url()} for (name, dummy, dummy), sim in zip(sources, started)]
        fitted = ansible_inventory(tmp_path, dict(VIEWER, chassis=chassis))
        every = ansible_inventory(tmp_path, dict(VIEWER, chassis=chassis, include_empty=True))
    finally:
        for sim in started:
            sim.stop()
    assert fitted.warnings == [] and every.warnings == [], fitted.stderr + every.stderr
    for name, dummy, model in sources:
        assert fitted.hosts('lantime_chassis_' + name.replace('-', '_')) == \
            ['%s_%s' % (name, slot) for slot in ('clk1', 'cpu', 'pwr1')]
        clock = fitted.hostvars(name + '_clk1')
        assert (clock['lantime_model'], clock['lantime_fitted'], clock['lantime_slot_type']) == (model, True, 'clk')
        assert 'lantime_clock_status' in clock and 'lantime_rsc_switch_mode' not in clock
        assert fitted.hostvars(name + '_pwr1')['lantime_serial_number'] is None  # "" in the reply
        assert len(every.hosts('lantime_chassis_' + name.replace('-', '_'))) == 9
        assert [h for h in every.hosts('lantime_empty') if h.startswith(name + '_')] == \
            ['%s_%s' % (name, slot) for slot in ('clk2', 'int1', 'int2', 'int3', 'int4', 'pwr2')]
        assert every.hostvars(name + '_pwr2')['lantime_fitted'] is False
    assert 'lantime_rsc' not in fitted.data


def test_constructed_options(tmp_path, fleet):
    run = ansible_inventory(tmp_path, fleet.config(
        chassis=fleet.chassis[:2] + fleet.chassis[3:4],
        slot_types=['rsc', 'CLK'],
        compose={'card': 'lantime_model | upper', 'chassis_label': "lantime_chassis ~ '/' ~ lantime_slot_id"},
        groups={'unsynced_clocks': "lantime_clock_status is defined and lantime_clock_status != 'synchronized'",
                'rsc_auto': "lantime_rsc_switch_mode | default('') == 'auto'"},
        keyed_groups=[{'key': 'lantime_model', 'prefix': 'model'},
                      {'key': 'lantime_chassis_model', 'prefix': 'chassis_model', 'separator': '-'}],
        local_connection=False,
        controller_python=False,
    ))
    assert run.hosts() == ['ims-a_clk1', 'ims-a_clk2', 'ims-a_rsc', 'ims-b_clk1', 'ims-b_clk2', 'ims-b_rsc',
                           'rack4_clk1', 'rack4_clk2', 'rack4_rsc']
    rsc = run.hostvars('rack4_rsc')
    assert (rsc['card'], rsc['chassis_label']) == ('RSC180', 'rack4/rsc')
    assert 'ansible_connection' not in rsc and 'ansible_python_interpreter' not in rsc
    assert run.hosts('rsc_auto') == ['ims-a_rsc', 'ims-b_rsc', 'rack4_rsc']
    assert run.hosts('model_gps180') == ['ims-a_clk1', 'ims-a_clk2', 'ims-b_clk1', 'ims-b_clk2', 'rack4_clk2']
    assert run.hosts('model_gns181') == ['rack4_clk1']
    assert run.hosts('chassis_model_M3000') == run.hosts()
    assert 'unsynced_clocks' not in run.data or run.hosts('unsynced_clocks') == []

    fleet.ims.set_clock('clk2', False, device=1)
    try:
        run = ansible_inventory(tmp_path, fleet.config(chassis=fleet.chassis[1:2], slot_types=['clk'],
                                                       groups={'unsynced': "lantime_clock_status != 'synchronized'"}))
        assert run.hosts('unsynced') == ['ims-b_clk2']
    finally:
        fleet.ims.reset(device=1)


def test_cache_hit_makes_no_request(tmp_path, fleet):
    cache_dir = tmp_path / 'cache'
    config = fleet.config(chassis=fleet.chassis[:2] + [fleet.chassis[-1]], cache=True,
                          cache_plugin='ansible.builtin.jsonfile', cache_connection=str(cache_dir), cache_timeout=600)
    before = [counts(fleet.ims, 0), counts(fleet.ims, 1)]
    first = ansible_inventory(tmp_path, config)
    assert [counts(fleet.ims, 0), counts(fleet.ims, 1)] == [before[0] + 1, before[1] + 1]
    second = ansible_inventory(tmp_path, config)
    assert [counts(fleet.ims, 0), counts(fleet.ims, 1)] == [before[0] + 1, before[1] + 1], 'a cache hit reads nothing'
    assert second.data == first.data
    assert len(second.warnings) == 1 and second.warnings[0].startswith('meinberg.lantime.ims: dead (')

    files = list(cache_dir.iterdir())
    assert len(files) == 1
    text = files[0].read_text(encoding='utf-8')
    assert 'V1ew-Secret' not in text and 'viewer' not in text

    # Filters apply to the cached data: still no request.
    rsc_only = ansible_inventory(tmp_path, dict(config, slot_types=['rsc']))
    assert rsc_only.hosts() == ['ims-a_rsc', 'ims-b_rsc']
    assert counts(fleet.ims, 0) == before[0] + 1
    # --flush-cache reads every chassis again (ansible-inventory has the option from ansible-core 2.19 on).
    if CORE_BEFORE_2_19:
        path = write_config(tmp_path, config)
        assert run_playbook(tmp_path, [{'hosts': 'lantime', 'gather_facts': False, 'tasks': []}], '--flush-cache',
                            inventory=str(path)).rc == 0
    else:
        ansible_inventory(tmp_path, config, '--list', '--flush-cache')
    assert counts(fleet.ims, 0) == before[0] + 2


def test_name_collision_keeps_both_chassis(tmp_path, fleet):
    run = ansible_inventory(tmp_path, fleet.config(chassis=[fleet.ims.url(0), fleet.ims.url(1), fleet.rack4.url()],
                                                   slot_types=['rsc']))
    assert run.hosts() == ['127.0.0.1-2_rsc', '127.0.0.1-3_rsc', '127.0.0.1_rsc']
    assert run.hostvars('127.0.0.1_rsc')['lantime_host'] == fleet.ims.url(0)
    assert run.hostvars('127.0.0.1-2_rsc')['lantime_host'] == fleet.ims.url(1)
    assert run.hostvars('127.0.0.1-3_rsc')['lantime_chassis_model'] == 'M3000'
    assert run.hosts('lantime_chassis_127_0_0_1_2') == ['127.0.0.1-2_rsc']
    assert len(run.warnings) == 2, run.stderr
    assert '#1 (%s) and #2 (%s)' % (fleet.ims.url(0), fleet.ims.url(1)) in run.warnings[0]
    assert "the later one is named '127.0.0.1-2'" in run.warnings[0]


def test_templated_vault_and_env_credentials(tmp_path, fleet):
    chassis = fleet.chassis[:1]
    # a lookup
    run = ansible_inventory(tmp_path, {'chassis': chassis, 'username': 'viewer',
                                       'password': "{{ lookup('ansible.builtin.env', 'MY_LANTIME_SECRET') }}"},
                            env={'MY_LANTIME_SECRET': 'V1ew-Secret'})
    assert run.hosts() and run.warnings == [], run.stderr
    # the environment only
    run = ansible_inventory(tmp_path, {'chassis': chassis},
                            env={'LANTIME_USERNAME': 'viewer', 'LANTIME_PASSWORD': 'V1ew-Secret', 'LANTIME_RETRIES': '0'})
    assert run.hosts() and run.warnings == [], run.stderr
    # a vault-encrypted password in the inventory file
    vault_pass = tmp_path / 'vault-pass'
    vault_pass.write_text('correct horse\n', encoding='utf-8')
    encrypted = subprocess.run([os.path.join(os.path.dirname(ANSIBLE_INVENTORY), 'ansible-vault'), 'encrypt_string',
                                '--vault-password-file', str(vault_pass), 'V1ew-Secret', '--name', 'password'],
                               cwd=str(REPO_ROOT), env=base_env(tmp_path), capture_output=True, text=True, check=True)
    path = tmp_path / 'vault.ims.yml'
    path.write_text('plugin: meinberg.lantime.ims\nchassis:\n  - %s\nusername: viewer\n%s\n'
                    % (fleet.ims.url(0), encrypted.stdout), encoding='utf-8')
    run = ansible_inventory(tmp_path, path, '--list', '--vault-password-file', str(vault_pass))
    assert run.hosts() and run.warnings == [], run.stderr
    assert 'V1ew-Secret' not in run.stdout
    # a wrong password: a warning that names the chassis and the reason, and never the password
    run = ansible_inventory(tmp_path, dict(fleet.config(chassis=chassis), password='Wr0ng-Secret'))
    assert run.hosts() == []
    assert len(run.warnings) == 1 and 'ims-a (%s)' % fleet.ims.url(0) in run.warnings[0]
    assert 'HTTP 401' in run.warnings[0] and 'Wr0ng-Secret' not in run.stdout + run.stderr


def test_device_strings_that_look_like_templates_stay_literal(tmp_path, tmp_path_factory):
    sim = start(tmp_path_factory, '--fixture', INVENTORY_DIR / 'hostile-strings.json')
    try:
        path = write_config(tmp_path, dict(VIEWER, chassis=[{'name': 'evil', 'host': sim.url()}],
                                           compose={'hn': 'lantime_chassis_hostname'},
                                           keyed_groups=[{'key': 'lantime_model', 'prefix': 'model'}]))
        inventory = ansible_inventory(tmp_path, path)
        playbook = [{'name': 'show', 'hosts': 'lantime', 'gather_facts': False, 'tasks': [
            {'name': 'values', 'ansible.builtin.debug': {'msg': [
                '{{ lantime_chassis_hostname }}', '{{ hn }}', '{{ lantime_chassis_model }}', '{{ lantime_model }}',
                '{{ lantime_serial_number }}', '{{ lantime_chassis_serial_number }}']}}]}]
        run = run_playbook(tmp_path, playbook, inventory=str(path))
    finally:
        sim.stop()
    hostname = "{{ lookup('ansible.builtin.pipe', 'echo INJECTED') }}-{{ 6 * 7 }}"
    assert inventory.hostvars('evil_clk1')['lantime_chassis_hostname'] == hostname
    assert inventory.hostvars('evil_clk1')['hn'] == hostname
    assert inventory.hosts('model_gps180___6___7___') == ['evil_clk1']
    assert run.rc == 0, run.output
    messages = dict((entry['host'], entry['result']['msg']) for entry in run.results if entry['task'] == 'values')
    assert messages['evil_clk1'] == [hostname, hostname, 'M3000{{ 6 * 7 }}', 'gps180{{ 6 * 7 }}',
                                     '{{ undefined_variable }}', '{% raw %}0523{% endraw %}']
    assert messages['evil_rsc'][:3] == [hostname, hostname, 'M3000{{ 6 * 7 }}']
    assert 'INJECTED' not in run.output.replace("echo INJECTED", '')
    assert '-42' not in run.output


def test_fail_on_errors(tmp_path, fleet):
    config = fleet.config(chassis=[fleet.chassis[0], fleet.chassis[-1]], fail_on_errors=True)
    run = ansible_inventory(tmp_path, config)
    # The source fails as a whole: not one host of the good chassis is added.
    assert run.rc == 0 and run.hosts() == []
    assert 'dead (%s)' % fleet.dead_url in run.stderr and '1 of 2 chassis could not be read' in run.stderr
    run = ansible_inventory(tmp_path, config, env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': 'true'})
    assert run.rc != 0 and 'dead (%s)' % fleet.dead_url in run.stderr


def test_api_disabled_and_bad_config(tmp_path, fleet):
    fleet.m600.settings(api_enabled=False)
    try:
        run = ansible_inventory(tmp_path, fleet.config(chassis=fleet.chassis[3:5]))
    finally:
        fleet.m600.reset()
    assert run.hosts('lantime_chassis_rack4') and not run.hosts('lantime_chassis_m600')
    assert len(run.warnings) == 1 and run.warnings[0].startswith('meinberg.lantime.ims: m600 (')
    assert 'Enable REST API' in run.warnings[0]

    bad = ansible_inventory(tmp_path, fleet.config(chassis=[{'name': 'x', 'hots': 'typo'}]))
    assert bad.hosts() == [] and "chassis entry #1: unknown key(s) hots" in bad.stderr


def test_many_chassis_are_read_concurrently(tmp_path, tmp_path_factory):
    sim = start(tmp_path_factory, '--devices', '100', '--latency-ms', '100')
    try:
        config = dict(VIEWER, chassis=[{'name': 'c%03d' % i, 'host': d['url']} for i, d in enumerate(sim.devices)],
                      slot_types=['rsc'], concurrency=25)
        run = ansible_inventory(tmp_path, config, '--list', '-vvv')
        assert run.rc == 0 and run.warnings == [], run.stderr
        data = json.loads(run.stdout[run.stdout.index('\n{') + 1:])
        assert len(data['lantime']['hosts']) == 100
        assert all(counts(sim, i) == 1 for i in range(100))
    finally:
        sim.stop()
    # The plugin's own timing (-vvv): 100 reads of at least 100 ms each take 10 s one after the other;
    # 25 at a time wait about 0.4 s.
    timing = [line for line in run.stdout.splitlines() if 'meinberg.lantime.ims: read 100 chassis in' in line]
    assert len(timing) == 1, run.stdout[:2000]
    seconds = float(timing[0].split(' in ', 1)[1].split(' s', 1)[0])
    assert seconds < 5.0, timing[0]


def test_plain_http_is_one_warning_for_all_chassis(tmp_path, fleet):
    run = ansible_inventory(tmp_path, fleet.config())
    plain = [w for w in run.all_warnings if PLAIN_HTTP in w]
    assert len(plain) == 1 and plain[0].startswith('meinberg.lantime.ims: the credentials go over plain HTTP')
    assert 'to %d chassis (ims-a, ims-b, ' % len(fleet.chassis) in plain[0]


# -- the cache is used only for the configured chassis, in the shape this release writes --------------------------
CACHE_WARNING = 'meinberg.lantime.ims: the inventory cache'
PAYLOAD = '__payload__'


def cache_config(tmp_path, fleet, cache_connection=None, **extra):
    return fleet.config(chassis=fleet.chassis[:1], cache=True, cache_plugin='ansible.builtin.jsonfile',
                        cache_connection=str(cache_connection or tmp_path / 'cache'), cache_timeout=600, **extra)


def cache_entry(tmp_path):
    """(path, decoded entry) of the one cache file."""
    files = list((tmp_path / 'cache').iterdir())
    assert len(files) == 1, files
    stored = json.loads(files[0].read_text(encoding='utf-8'))
    if isinstance(stored, dict) and list(stored) == [PAYLOAD]:
        stored = json.loads(stored[PAYLOAD])
    return files[0], stored


def plant(path, entry):
    """Write an entry as the running ansible-core stores it (2.19 and later wrap it in a payload)."""
    stored = json.loads(path.read_text(encoding='utf-8')) if path.exists() else None
    if isinstance(stored, dict) and list(stored) == [PAYLOAD]:
        entry = {PAYLOAD: json.dumps(entry)}
    path.write_text(json.dumps(entry), encoding='utf-8')


def cache_warnings(run):
    return [w for w in run.warnings if w.startswith(CACHE_WARNING)]


def test_a_cache_entry_naming_another_address_sends_nothing_there(tmp_path, tmp_path_factory, fleet):
    trap = start(tmp_path_factory)  # accepts the same credentials: anything sent there would succeed
    try:
        config = cache_config(tmp_path, fleet)
        path = write_config(tmp_path, config)
        assert ansible_inventory(tmp_path, path).hosts()
        cache_file, good = cache_entry(tmp_path)
        live = fleet.ims.url(0)

        only_results = json.loads(json.dumps(good).replace(json.dumps(live), json.dumps(trap.url())))
        only_results['chassis'] = good['chassis']  # the chassis list still matches the configuration
        everywhere = json.loads(json.dumps(good).replace(json.dumps(live), json.dumps(trap.url())))
        assert only_results != good and everywhere != good

        # A playbook over the planted cache: the module takes its address from lantime_host.
        plant(cache_file, only_results)
        before = counts(fleet.ims)
        playbook = [{'name': 'read', 'hosts': 'ims-a_rsc', 'gather_facts': False,
                     'vars': {'lantime_username': VIEWER['username'], 'lantime_password': VIEWER['password'],
                              'lantime_retries': 0},
                     'tasks': [{'name': 'slots', 'meinberg.lantime.slot_info': {}, 'register': 'out'}]}]
        run = run_playbook(tmp_path, playbook, inventory=str(path))
        assert run.rc == 0, run.output
        assert run.result('slots', 'ims-a_rsc')['slots']
        assert trap.stats()['requests'] == [], 'credentials went to the address from the cache file'
        assert counts(fleet.ims) == before + 2, 'the inventory read the chassis again, then the module read it'

        for planted in (only_results, everywhere):
            plant(cache_file, planted)
            before = counts(fleet.ims)
            run = ansible_inventory(tmp_path, path)
            assert run.hostvars('ims-a_rsc')['lantime_host'] == live
            assert all(run.hostvars(h)['lantime_host'] == live for h in run.hosts())
            assert counts(fleet.ims) == before + 1
            # an entry that names another address for a configured chassis is a tampered one; a whole other chassis
            # list is just another configuration
            assert len(cache_warnings(run)) == (1 if planted is only_results else 0), run.stderr
            assert 'V1ew-Secret' not in run.stdout + run.stderr
        assert trap.stats()['requests'] == []
    finally:
        trap.stop()


def _older_format(entry):
    del entry['binding']
    entry['format'] = 1
    for result in entry['results']:
        for slot in result['slots']:
            slot['model'] = 'CACHED'


def _set(path, value):
    def change(entry):
        target = entry
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _delete(path):
    def change(entry):
        target = entry
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


WRONG_SHAPES = {
    'a list': lambda entry: [entry],
    'no results': _delete(['results']),
    'a result without slots': _delete(['results', 0, 'slots']),
    'a result without its url': _delete(['results', 0, 'url']),
    'device is a list': _set(['results', 0, 'device'], ['M3000']),
    'slots is a mapping': _set(['results', 0, 'slots'], {'rsc': {}}),
    'a slot id that is a number': _set(['results', 0, 'slots', 0, 'slot_id'], 7),
    'a slot id a device never gives': _set(['results', 0, 'slots', 0, 'slot_id'], ' N/A '),
    'fitted is text': _set(['results', 0, 'slots', 0, 'fitted'], 'yes'),
    'a switch mode the card never reports': _set(['results', 0, 'slots', 0, 'rsc_switch_mode'], 'sideways'),
    'a slot key that overrides lantime_host': _set(['results', 0, 'slots', 0, 'host'], 'http://192.0.2.1'),
    'an error that is not text': _set(['results', 0, 'error'], {'text': 'down'}),
    'an older format': _older_format,
}


@pytest.mark.parametrize('shape', sorted(WRONG_SHAPES))
def test_a_cache_entry_of_another_shape_is_ignored_with_one_warning(tmp_path, fleet, shape):
    expected = ansible_inventory(tmp_path, fleet.config(chassis=fleet.chassis[:1], include_empty=True))
    config = cache_config(tmp_path, fleet, include_empty=True)
    path = write_config(tmp_path, config)
    assert ansible_inventory(tmp_path, path).hosts() == expected.hosts()
    cache_file, entry = cache_entry(tmp_path)
    rsc = [s for s in entry['results'][0]['slots'] if s.get('slot_id') == 'rsc']
    entry['results'][0]['slots'] = rsc + [s for s in entry['results'][0]['slots'] if s not in rsc]
    changed = WRONG_SHAPES[shape](entry)
    plant(cache_file, entry if changed is None else changed)

    before = counts(fleet.ims)
    run = ansible_inventory(tmp_path, path)
    assert run.rc == 0 and run.data == expected.data, run.stderr
    assert counts(fleet.ims) == before + 1, 'the chassis is read again'
    assert len(cache_warnings(run)) == 1 and run.warnings == cache_warnings(run), run.stderr
    assert 'is not used' in run.warnings[0] and 'read again' in run.warnings[0]
    # the entry written after the live read is used again, silently
    again = ansible_inventory(tmp_path, path)
    assert again.data == expected.data and again.warnings == [] and counts(fleet.ims) == before + 1


def test_a_corrupt_cache_file_gives_the_hosts_and_one_warning(tmp_path, fleet):
    config = cache_config(tmp_path, fleet)
    path = write_config(tmp_path, config)
    expected = ansible_inventory(tmp_path, path)
    assert expected.hosts()
    cache_file, dummy = cache_entry(tmp_path)
    cache_file.write_text('{"format": 2, "results": [', encoding='utf-8')

    before = counts(fleet.ims)
    run = ansible_inventory(tmp_path, path)
    assert run.rc == 0 and run.data == expected.data, run.stderr
    assert counts(fleet.ims) == before + 1
    assert len(cache_warnings(run)) == 1 and 'could not be read' in cache_warnings(run)[0], run.stderr
    # ansible-core's jsonfile plugin adds its own warning about the file it removed; nothing else is said
    assert all(w in cache_warnings(run) or 'jsonfile' in w for w in run.warnings), run.stderr
    again = ansible_inventory(tmp_path, path)
    assert again.data == expected.data and again.warnings == [] and counts(fleet.ims) == before + 1


@pytest.mark.parametrize('where', ['below a regular file', 'a regular file'])
def test_an_unusable_cache_directory_gives_the_hosts_and_one_warning(tmp_path, fleet, where):
    # Tests run as root, whom a directory's mode does not stop; a regular file where a directory should be stops
    # everyone. An executable regular file passes jsonfile's access check, so the failure comes when writing.
    blocker = tmp_path / 'blocker'
    blocker.write_text('not a directory\n', encoding='utf-8')
    blocker.chmod(0o755)
    cache_connection = blocker / 'cache' if where == 'below a regular file' else blocker
    expected = ansible_inventory(tmp_path, fleet.config(chassis=fleet.chassis[:1]))
    before = counts(fleet.ims)
    run = ansible_inventory(tmp_path, cache_config(tmp_path, fleet, cache_connection=cache_connection))
    assert run.rc == 0 and run.hosts() == expected.hosts() and run.data == expected.data, run.stderr
    assert counts(fleet.ims) == before + 1
    assert len(cache_warnings(run)) == 1, run.stderr
    assert all(w in cache_warnings(run) or 'cache plugin' in w for w in run.warnings), run.stderr
    assert blocker.read_text(encoding='utf-8') == 'not a directory\n'
