# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The capture playbook through ansible-playbook and the inventory plugin: capture -> simulator -> the same facts.

The corpus (fixtures/capture-corpus) is a set of chassis whose trees carry planted secrets and identifiers in many
spellings; the simulator serves each, and no planted value may show in the capture file or anywhere in the output.
"""

import base64
import json
import re
import stat
import sys

import pytest

from ansible_run import REPO_ROOT, play, run_playbook, task
from conftest import FIXTURES_DIR
from test_playbooks import plugin_inventory

PLAYBOOK = REPO_ROOT / 'playbooks' / 'capture.yml'
CORPUS_DIR = REPO_ROOT / 'tests' / 'integration' / 'fixtures' / 'capture-corpus'
CORPUS = sorted(CORPUS_DIR.glob('*.json'))
CAPTURE_TASK = 'Check the chassis against the API contract and write its capture (GET requests only)'
RESULT_KEYS = ['bytes', 'format', 'mode', 'path', 'redacted', 'redaction', 'written']
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
        assert content['collection_version'] == re.search(r'^version: (\S+)$', (REPO_ROOT / 'galaxy.yml').read_text(
            encoding='utf-8'), re.M).group(1)
        assert content['api_check']['write_compatible'] is True
        assert content['status']['data']['chassis0']['slots'] and content['configuration']['data']['chassis0']
        assert content['redaction']['serial'] >= 5 and content['redaction']['host'] == 1
        for original in source_identity(sim, index):
            assert original not in text, original
        # keys, structure, types and enum values stay
        rsc = [s for s in content['status']['data']['chassis0']['slots'] if s['slot-id'] == 'rsc'][0]['module']
        assert rsc['rsc']['switch-mode'] == 'auto' and rsc['rsc']['switchover-count'] == 3
        assert rsc['info']['model'] == 'rsc180' and rsc['info']['serial-number'].startswith('SERIAL')
        assert stat.S_IMODE((directory / ('%s.json' % name)).stat().st_mode) == 0o600
    # Every chassis has several slot hosts, each chassis was read once, with GET requests only.
    for index in range(2):
        requests = [r for r in sim.stats(index)['requests'] if r['path'].startswith('/api')]
        # the inventory's chassis read and api_check's three GET and one OPTIONS
        assert [r['method'] for r in requests] == ['GET'] * 4 + ['OPTIONS']
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


def planted(path):
    corpus = json.loads(path.read_text(encoding='utf-8'))['corpus']
    return corpus['planted'], corpus['allow_listed_identifiers']


def expected(path, key):
    """What api_check must find on a corpus chassis: compatible, unless the file plants values that break the contract."""
    return json.loads(path.read_text(encoding='utf-8'))['corpus'].get('expect', {}).get(key, True)


def leaked(values, text):
    return [value for value in values if value in text or json.dumps(value)[1:-1] in text]


def capture_results(run):
    results = [entry for entry in run.results if entry['task'] == CAPTURE_TASK and entry['status'] != 'skipped']
    assert len(results) == 1, run.output
    return results[0]['result']


@pytest.mark.parametrize('corpus', CORPUS, ids=lambda path: path.stem)
def test_no_planted_value_in_the_file_or_the_output_at_vvv(tmp_path, simulator_factory, corpus):
    sim = simulator_factory(*SIM, '--fixture', corpus)
    run, directory = capture(tmp_path, sim, ('site',), '-vvv')
    assert run.rc == 0, run.output
    values, dummy = planted(corpus)
    path = directory / 'site.json'
    text = path.read_text(encoding='utf-8')
    assert leaked(values, text) == []
    assert leaked(values, run.output) == []
    assert leaked(values, (tmp_path / 'results.jsonl').read_text(encoding='utf-8')) == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in directory.iterdir()] == ['site.json']  # no temporary file left behind
    # the result (what -v, AWX and CI logs show) holds where the file is and counts, no tree
    result = capture_results(run)
    assert sorted(result['capture']) == RESULT_KEYS
    assert result['capture']['path'] == str(path) and result['capture']['bytes'] == path.stat().st_size
    assert result['capture']['written'] is True and result['capture']['redaction']['text'] > 20
    assert result['write_compatible'] is expected(corpus, 'write_compatible')
    assert result['read_compatible'] is expected(corpus, 'read_compatible')
    assert not set(result) & {'status', 'configuration', 'documents'}
    content = json.loads(text)
    assert content['redacted'] is True
    # the file's api_check is the checks run on the redacted trees: the same verdict as the module's
    assert content['api_check']['write_compatible'] is expected(corpus, 'write_compatible')
    assert content['api_check']['read_compatible'] is expected(corpus, 'read_compatible')
    assert [(c['id'], c['status']) for c in content['api_check']['checks']] == [
        (c['id'], c['status']) for c in result['checks']]
    assert '(%d bytes, mode 0600, redacted: True)' % path.stat().st_size in run.output


@pytest.mark.parametrize('corpus', CORPUS[:2], ids=lambda path: path.stem)
def test_a_corpus_capture_served_by_the_simulator_gives_the_same_facts(tmp_path, simulator_factory, corpus):
    source = simulator_factory(*SIM, '--fixture', corpus)
    run, directory = capture(tmp_path, source, ('site',), '-e', 'capture_redact=false')
    assert run.rc == 0, run.output
    values, identifiers = planted(corpus)
    text = (directory / 'site.json').read_text(encoding='utf-8')
    assert leaked([v for v in values if not any(v in i for i in identifiers)], text) == []
    replay = simulator_factory(*SIM, '--fixture', directory / 'site.json')
    before, after = rsc_info(tmp_path, source), rsc_info(tmp_path, replay)
    assert after['rsc'] == before['rsc'] and after['device'] == before['device']


def test_the_module_path_writes_the_same_file(tmp_path, simulator_factory):
    """api_check delegated to another host runs as a module there; it writes the file itself, 0600, no tree back."""
    corpus = CORPUS[0]
    sim = simulator_factory(*SIM, '--fixture', corpus)
    path = tmp_path / 'remote.json'
    plays = play(task('capture', 'meinberg.lantime.api_check', host=sim.url(), username='viewer', password=PASSWORD,
                      capture_path=str(path)), connection='remote_loopback')
    run = run_playbook(tmp_path, plays, '-vvv')
    assert run.rc == 0, run.output
    assert 'AnsiballZ_api_check' in run.output  # the module ran in a process of its own
    result = run.result('capture')
    assert sorted(result['capture']) == RESULT_KEYS and result['capture']['written'] is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    values, dummy = planted(corpus)
    assert leaked(values, path.read_text(encoding='utf-8') + run.output) == []
    assert json.loads(path.read_text(encoding='utf-8'))['api_check']['write_compatible'] is True


def test_capture_without_a_path_fails_and_check_mode_writes_nothing(tmp_path, simulator_factory):
    sim = simulator_factory(*SIM)
    path = tmp_path / 'checked.json'
    run = run_playbook(tmp_path, play(
        task('no path', 'meinberg.lantime.api_check', ignore_errors=True, host=sim.url(), username='viewer',
             password=PASSWORD, capture=True),
        task('check mode', 'meinberg.lantime.api_check', host=sim.url(), username='viewer', password=PASSWORD,
             capture_path=str(path))), '--check')
    assert run.rc == 0, run.output
    failed = run.result('no path')
    assert failed['failed'] is True and 'capture needs capture_path' in failed['msg']
    checked = run.result('check mode')
    assert checked['capture']['written'] is False and checked['changed'] is False and not path.exists()


def test_the_guide_lists_exactly_the_allow_list():
    """docs/real-device.md is where users read the allow-list; it must name each path of capture.ALLOW_LIST."""
    sys.path.insert(0, str(REPO_ROOT / '.collections'))  # the link tree ansible.cfg points at
    try:
        from ansible_collections.meinberg.lantime.plugins.module_utils import capture as capture_module
    finally:
        sys.path.remove(str(REPO_ROOT / '.collections'))
    guide = (REPO_ROOT / 'docs' / 'real-device.md').read_text(encoding='utf-8')
    section = guide.split('<!-- allow-list -->')[1]
    listed = re.findall(r'^\| `([^`]+)` \| (keep|serial|host) \|', section, re.MULTILINE)
    assert listed == list(capture_module.ALLOW_LIST)
