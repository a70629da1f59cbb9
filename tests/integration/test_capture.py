# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The capture playbook through ansible-playbook and the inventory plugin: capture -> simulator -> the same facts."""

import base64
import json

from ansible_run import REPO_ROOT, play, run_playbook, task
from conftest import FIXTURES_DIR
from test_playbooks import plugin_inventory

PLAYBOOK = REPO_ROOT / 'playbooks' / 'capture.yml'
PASSWORD = 'V1ew-Secret'
SIM = ('--no-tls', '--user', 'viewer:%s:info' % PASSWORD)
CREDENTIALS = {'LANTIME_USERNAME': 'viewer', 'LANTIME_PASSWORD': PASSWORD}


def capture(tmp_path, sim, names, *args):
    directory = tmp_path / 'captures'
    run = run_playbook(tmp_path, PLAYBOOK, '-e', 'capture_dir=%s' % directory, *args,
                       inventory=plugin_inventory(tmp_path, sim, names), env=CREDENTIALS)
    return run, directory


def rsc_info(tmp_path, sim):
    run = run_playbook(tmp_path, play(task('read', 'meinberg.lantime.rsc_info', host=sim.url(), username='viewer',
                                           password=PASSWORD)))
    assert run.rc == 0, run.output
    return run.result('read')


def source_identity(sim, index=0):
    """Every serial number, host name and address of a simulated chassis."""
    device = sim.devices[index]
    status = json.loads((FIXTURES_DIR / 'ims-m3000-rsc.status.json').read_text(encoding='utf-8'))
    serials = [slot['module']['info']['serial-number'].strip() for slot in status['data']['chassis0']['slots']
               if slot.get('module', {}).get('info', {}).get('serial-number', '').strip() not in ('', 'N/A')]
    address = sim.url(index).split('://', 1)[1]
    return [device['serial'], device['hostname'], address, address.split(':')[0]] + (serials if index == 0 else [])


def test_one_redacted_file_per_chassis_and_no_write(tmp_path, simulator_factory):
    sim = simulator_factory(*SIM, '--devices', '2', '--fixture', FIXTURES_DIR / 'ims-m3000-rsc.status.json')
    run, directory = capture(tmp_path, sim, ('fra-ims1', 'muc-ims2'))
    assert run.rc == 0, run.output
    assert sorted(p.name for p in directory.iterdir()) == ['fra-ims1.json', 'muc-ims2.json']
    for index, name in enumerate(('fra-ims1', 'muc-ims2')):
        text = (directory / ('%s.json' % name)).read_text(encoding='utf-8')
        content = json.loads(text)
        assert content['format'] == 'meinberg.lantime-capture/1' and content['redacted'] is True
        assert content['collection_version'] == '0.2.0'
        assert content['api_check']['write_compatible'] is True
        assert content['status']['data']['chassis0']['slots'] and content['configuration']['data']['chassis0']
        assert content['redaction']['serial'] >= 5 and content['redaction']['host'] == 1
        for original in source_identity(sim, index):
            assert original not in text, original
        # keys, structure, types and enum values stay
        rsc = [s for s in content['status']['data']['chassis0']['slots'] if s['slot-id'] == 'rsc'][0]['module']
        assert rsc['rsc']['switch-mode'] == 'auto' and rsc['rsc']['switchover-count'] == 3
        assert rsc['info']['model'] == 'rsc180' and rsc['info']['serial-number'].startswith('SERIAL')
    # Every chassis has several slot hosts, each chassis was read once, with GET requests only.
    for index in range(2):
        requests = [r for r in sim.stats(index)['requests'] if r['path'].startswith('/api')]
        assert [r['method'] for r in requests] == ['GET'] * 4  # the inventory's chassis read and api_check's three
    assert run.output.count('Capture: ') == 2


def test_capture_served_by_the_simulator_gives_the_same_facts(tmp_path, simulator_factory):
    source = simulator_factory(*SIM, '--fixture', FIXTURES_DIR / 'ims-m3000-rsc.status.json')
    run, directory = capture(tmp_path, source, ('rack4',))
    assert run.rc == 0, run.output
    replay = simulator_factory(*SIM, '--fixture', directory / 'rack4.json')
    before, after = rsc_info(tmp_path, source), rsc_info(tmp_path, replay)
    expected = dict(before['rsc'], serial_number=after['rsc']['serial_number'])
    assert after['rsc'] == expected
    assert after['rsc']['selected_clock'] == 'clk2' and after['rsc']['selected_clock_conflict'] is False
    for key in ('model', 'firmware', 'api_version', 'ltos_version', 'rest_api_version'):
        assert after['device'][key] == before['device'][key]
    assert after['device']['hostname'] != before['device']['hostname']


def test_no_secret_at_vvvv_and_redaction_off(tmp_path, simulator_factory):
    sim = simulator_factory(*SIM)
    run, directory = capture(tmp_path, sim, ('lab',), '-vvvv', '-e', 'capture_redact=false')
    assert run.rc == 0, run.output
    basic = base64.b64encode(('viewer:%s' % PASSWORD).encode()).decode()
    for secret in (PASSWORD, basic):
        assert secret not in run.output
        assert secret not in (directory / 'lab.json').read_text(encoding='utf-8')
    content = json.loads((directory / 'lab.json').read_text(encoding='utf-8'))
    assert content['redacted'] is False
    assert content['status']['system-information']['serial-number'] == sim.devices[0]['serial']
