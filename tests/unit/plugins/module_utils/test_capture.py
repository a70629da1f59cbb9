# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Capture redaction over the corpus of planted secrets: only the allow-listed fields keep their values."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import glob
import json
import os
import stat

import pytest

from ansible_collections.meinberg.lantime.plugins.module_utils import api_check
from ansible_collections.meinberg.lantime.plugins.module_utils import api_map as m
from ansible_collections.meinberg.lantime.plugins.module_utils import capture
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils import rules
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import NotFoundError

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(HERE, '..', '..', '..')
CORPUS_DIR = os.path.join(TESTS, 'integration', 'fixtures', 'capture-corpus')
FIXTURES = os.path.join(TESTS, 'simulator', 'fixtures')
CORPUS = sorted(glob.glob(os.path.join(CORPUS_DIR, '*.json')))
ADDRESS = '127.0.0.1:18443'


def load(path):
    with open(path) as handle:
        return json.load(handle)


def documents(corpus):
    return dict((name, copy.deepcopy(corpus[name])) for name in capture.DOCUMENTS)


def texts(content):
    """Every way a value can show in a written capture or a log: JSON-escaped, raw, and each string as it is."""
    found = [json.dumps(content), json.dumps(content, ensure_ascii=False)]

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                found.append(key)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.append(node)
    walk(content)
    return '\n'.join(found)


def leaked(planted, text):
    return [value for value in planted if value in text or json.dumps(value)[1:-1] in text]


def check_result(documents):
    """A check that quotes the serial number and a whole subtree of the documents it is given."""
    serial = documents['status']['system-information']['serial-number'].strip()
    return {'verdict': 'matches the contract', 'checks': [
        {'id': 'configuration_tree', 'status': 'pass', 'detail': json.dumps(documents['configuration'])},
        {'id': 'rsc_card', 'status': 'pass', 'detail': 'slot rsc, model rsc180, serial %s' % serial}]}


class CorpusClient:
    """Serves a corpus file's documents to api_check as the chassis would: GET requests only."""
    host = ADDRESS

    def __init__(self, corpus):
        self.corpus = corpus

    def get(self, path, deadline=None):
        name = {m.STATUS_PATH: 'status', m.CONFIG_PATH: 'configuration'}.get(path, 'rsc_configuration')
        if self.corpus.get(name) is None:
            raise NotFoundError('%s: GET %s: not found (HTTP 404)' % (self.host, path), 404)
        return copy.deepcopy(self.corpus[name])

    def allowed_methods(self, path, deadline=None):  # pylint: disable=unused-argument
        return 200, None  # OPTIONS without an Allow header: the write_method check is not applicable


def expected(corpus, key):
    return corpus['corpus'].get('expect', {}).get(key, True)


# -- the allow-list, restated independently of the implementation's tree -----------------------------------------

def pattern_matches(pattern, path):
    """True when a concrete path (tuple of keys, '[]' for a list member) matches an allow-list path."""
    wanted = []
    for part in pattern.split('.'):
        wanted += [part[:-2], '[]'] if part.endswith('[]') else [part]
    return len(wanted) == len(path) and all(w == p or (w == '*' and i == 0)
                                            for i, (w, p) in enumerate(zip(wanted, path)))


def tier_of(path):
    tiers = [tier for pattern, tier in capture.ALLOW_LIST if pattern_matches(pattern, path)]
    return capture.KEEP if capture.KEEP in tiers else (tiers[0] if tiers else None)


# The RSC fields' JSON types and vocabularies, by their last key, as api_map states them.
RSC_RULES = dict((key, (kind, allowed)) for key, kind, allowed in m.RSC_READ_KEYS + m.RSC_PANEL_KEYS
                 if kind in ('str', 'bool', 'int'))
RSC_RULES[m.OBJECT_ID] = ('str', m.CLOCK_IDS)  # of an entry of the RSC block's clocks


def fits(path, value):
    """False for a value at an RSC field of the allow-list that is of another type or outside its vocabulary."""
    if (m.RSC_KEY not in path and path[0] != 'rsc_configuration') or path[-1] not in RSC_RULES or (path[-1] == m.OBJECT_ID and m.RSC_CLOCKS not in path):
        return True
    kind, allowed = RSC_RULES[path[-1]]
    if path[0] != 'status':
        kind, allowed = 'str', m.SWITCH_MODES if path[-1] == m.RSC_SWITCH_MODE else m.CLOCK_IDS + m.NO_CLOCK_SELECTED
    if kind == 'bool':
        return isinstance(value, bool)
    if kind == 'int':
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str) and (not allowed or value.strip().lower() in allowed)


def pairs(original, redacted, path=()):
    """(path, original scalar, redacted scalar) for every scalar; keys that stay are walked in step."""
    if isinstance(original, dict):
        assert isinstance(redacted, dict) and len(redacted) == len(original)
        for key, value in original.items():
            new_key = key if capture.key_is_schema(key) else None
            if new_key is None:
                matches = [k for k in redacted if k.startswith('redacted-key-')]
                assert key not in redacted and matches
                continue
            yield from pairs(value, redacted[new_key], path + (key,))
    elif isinstance(original, list):
        assert isinstance(redacted, list) and len(redacted) == len(original)
        for value, new in zip(original, redacted):
            yield from pairs(value, new, path + ('[]',))
    else:
        yield path, original, redacted


def is_unknown_text(value):
    return isinstance(value, str) and value.strip().lower() in capture.UNKNOWN_TEXTS


# -- the corpus ------------------------------------------------------------------------------------------------

def test_the_corpus_is_big_and_every_planted_value_is_in_it():
    assert len(CORPUS) >= 5
    planted = []
    for path in CORPUS:
        corpus = load(path)
        source = json.dumps(dict((name, corpus[name]) for name in capture.DOCUMENTS))
        assert corpus['format'] == capture.CAPTURE_FORMAT
        assert set(corpus['corpus']['allow_listed_identifiers']) <= set(corpus['corpus']['planted'])
        for value in corpus['corpus']['planted']:
            assert json.dumps(value)[1:-1] in source, (path, value)
        planted += corpus['corpus']['planted']
    assert len(set(planted)) >= 80
    for needle in ('-----BEGIN PRIVATE KEY-----', '-----BEGIN CERTIFICATE-----', '$6$', '$1$', '?token=', 'createUser',
                   'trustedkey', '@'):
        assert any(needle in value for value in planted), needle


@pytest.mark.parametrize('path', CORPUS, ids=os.path.basename)
def test_no_planted_value_survives_a_redacted_capture(path, tmp_path):
    corpus = load(path)
    content = capture.build_capture(documents(corpus), check_result, '0.2.0')
    target = str(tmp_path / 'capture.json')
    capture.write_capture(target, content)
    with open(target) as handle:
        written = handle.read()
    assert leaked(corpus['corpus']['planted'], texts(content) + written) == []
    assert ADDRESS not in written and '127.0.0.1' not in written
    assert content['redaction']['text'] > 10 and content['redaction']['number'] > 10


@pytest.mark.parametrize('redacted', [True, False])
@pytest.mark.parametrize('path', CORPUS, ids=os.path.basename)
def test_no_planted_value_in_the_api_check_result_or_the_capture_it_writes(path, redacted, tmp_path):
    """The real checks on each chassis: neither their result (what -v shows) nor the file quotes a planted value."""
    corpus = load(path)
    target = str(tmp_path / 'capture.json')
    result = api_check.run(CorpusClient(corpus), capture_path=target, redact=redacted)
    with open(target) as handle:
        written = handle.read()
    planted = corpus['corpus']['planted']
    identifiers = corpus['corpus']['allow_listed_identifiers']
    # the result names slots, models and versions, never serial numbers or host names
    assert leaked(planted, texts(result)) == []
    assert leaked(planted if redacted else [v for v in planted if not any(v in i for i in identifiers)], written) == []
    content = json.loads(written)
    assert result['write_compatible'] is expected(corpus, 'write_compatible') is content['api_check']['write_compatible']
    assert result['read_compatible'] is expected(corpus, 'read_compatible') is content['api_check']['read_compatible']
    assert [(c['id'], c['status']) for c in content['api_check']['checks']] == [
        (c['id'], c['status']) for c in result['checks']]


@pytest.mark.parametrize('path', CORPUS, ids=os.path.basename)
def test_redaction_off_keeps_only_the_allow_listed_identifiers(path):
    corpus = load(path)
    content = capture.build_capture(documents(corpus), check_result, '0.2.0', redacted=False)
    text = texts(content)
    identifiers = corpus['corpus']['allow_listed_identifiers']
    # a planted short host name may be part of the host name the envelope keeps
    others = [v for v in corpus['corpus']['planted'] if not any(v in identifier for identifier in identifiers)]
    assert len(others) >= len(corpus['corpus']['planted']) - len(identifiers) - 1
    assert leaked(others, text) == []
    assert leaked(identifiers, text) == identifiers
    assert content['status']['system-information']['hostname'] == corpus['status']['system-information']['hostname']


@pytest.mark.parametrize('redacted', [True, False])
@pytest.mark.parametrize('path', CORPUS + [os.path.join(FIXTURES, 'ims-m3000-rsc.status.json')], ids=os.path.basename)
def test_every_value_is_kept_or_replaced_as_the_allow_list_says(path, redacted):
    corpus = load(path)
    if 'format' not in corpus:
        corpus = {'status': corpus, 'configuration': None, 'rsc_configuration': None}
    body = documents(corpus)
    result = capture.build_capture(body, dict, '0.2.0', redacted=redacted)
    kept = replaced = 0
    for where, original, new in pairs(body, dict((name, result[name]) for name in capture.DOCUMENTS)):
        tier = tier_of(where)
        if tier == capture.KEEP and not fits(where, original):
            tier = None
        if isinstance(original, bool) or original is None:
            assert new is original, where
        elif tier == capture.KEEP or (tier is not None and not redacted):
            assert new == original and type(new) is type(original), where
            kept += 1
        elif is_unknown_text(original):
            assert new == original, where
        elif tier == capture.SERIAL:
            assert new.strip().startswith('SERIAL') and new.strip() != original.strip(), where
        elif tier == capture.HOST:
            assert new.endswith('.example.invalid'), where
        elif isinstance(original, str):
            assert new.startswith('REDACTED-') and new != original, where
            replaced += 1
        else:
            assert new == 0 and type(new) is type(original), where
    assert kept >= 40 and replaced >= 40


def test_the_rsc_block_and_versions_survive_and_facts_read_the_same():
    original = load(os.path.join(CORPUS_DIR, 'kebab-snmp-ntp.json'))
    content = capture.build_capture(documents(original), dict, '0.2.0')
    before, after = original['status'], content['status']
    device_before, slots_before = facts.chassis_facts(before)
    device_after, slots_after = facts.chassis_facts(after)
    for key in ('model', 'firmware', 'api_version', 'ltos_version', 'rest_api_version'):
        assert device_before[key] is not None and device_after[key] == device_before[key]
    assert device_after['hostname'] == 'host-0001.example.invalid'
    for slot_before, slot_after in zip(slots_before, slots_after):
        assert dict(slot_after, serial_number=None) == dict(slot_before, serial_number=None)

    def rsc(status):
        slot, clocks = facts.find_rsc(facts.chassis_of(status)[m.SLOTS_KEY])
        return rules.assess(facts.card_facts(slot, clocks, facts.clock_evidence(status, clocks)))
    assert dict(rsc(after), serial_number=None) == dict(rsc(before), serial_number=None)
    assert rsc(after)['selected_clock'] == 'clk2' and rsc(after)['switchover_count'] == 3
    config_slot = [s for s in content['configuration']['data']['chassis0']['slots'] if s['object-id'] == 'rsc'][0]
    assert config_slot['module']['rsc'] == {'switch-mode': 'auto', 'selected-clock': 'clk2'}
    assert content['rsc_configuration'] == {'data': {'switch-mode': 'auto', 'selected-clock': 'clk2'}}


def test_placeholders_are_stable_and_distinct():
    corpus = load(os.path.join(CORPUS_DIR, 'kebab-snmp-ntp.json'))
    content = capture.build_capture(documents(corpus), dict, '0.2.0')
    status, config = content['status'], content['configuration']['data']
    # the same location text in the status and the configuration, the same serial in the envelope and the chassis
    assert status['data']['system']['location'] == config['snmp']['sys-location']
    assert status['system-information']['serial-number'].strip() == status['data']['chassis0']['serial-number']
    # the community in its own field and the same text inside a list member's field
    ro = config['snmp']['community-ro']
    assert ro != config['snmp']['community-rw'] and ro.startswith('REDACTED-')
    keys = config['ntp']['symmetric-keys']
    assert keys[0]['key-value'] != keys[1]['key-value'] and keys[0]['key-id'] == 0 and keys[0]['trusted'] is True
    assert capture.build_capture(documents(corpus), dict, '0.2.0', now=0) == capture.build_capture(
        documents(corpus), dict, '0.2.0', now=0)


def test_keys_that_identify_get_placeholders_and_schema_keys_stay():
    corpus = load(os.path.join(CORPUS_DIR, 'accounts-network.json'))
    content = capture.build_capture(documents(corpus), dict, '0.2.0')
    config = content['configuration']['data']
    assert sorted(config['allowed-hosts']) == ['redacted-key-0001', 'redacted-key-0002', 'redacted-key-0003']
    assert list(config['notify']) == ['redacted-key-0004']
    assert config['allowed-hosts']['redacted-key-0001'] == {'role': 'REDACTED-%04d' % int(
        config['allowed-hosts']['redacted-key-0001']['role'][-4:])}
    assert set(config['users'][0]) == set(corpus['configuration']['data']['users'][0])
    assert content['redaction']['key'] == 4
    for key in ('API Version', 'slot-id', 'sharedSecret', 'v3-users', 'usrpwd', 'temperature-1'):
        assert capture.key_is_schema(key), key
    for key in ('10.99.1.17', 'fe80::1', 'ops@example.org', 'host.example.org', '00-13-95-0A-BB-CC',
                '3f9a0c4d5e6b7a81', 'AbCdEf0123456789XyZ', '1st', 'a/b', ''):
        assert not capture.key_is_schema(key), key


def test_the_api_check_section_is_made_from_the_redacted_documents():
    """Even a check that quotes whole subtrees can only quote what the file holds."""
    corpus = load(os.path.join(CORPUS_DIR, 'camel-services.json'))
    content = capture.build_capture(documents(corpus), check_result, '0.2.0')
    details = [check['detail'] for check in content['api_check']['checks']]
    assert json.loads(details[0]) == content['configuration']
    assert details[1] == 'slot rsc, model rsc180, serial SERIAL000001'
    assert leaked(corpus['corpus']['planted'], '\n'.join(details)) == []
    unredacted = capture.build_capture(documents(corpus), check_result, '0.2.0', redacted=False)
    assert unredacted['api_check']['checks'][1] == check_result(corpus)['checks'][1]
    # the checks get a copy: what they do to it does not reach the file
    mutated = capture.build_capture(documents(corpus), lambda docs: docs['status'].clear() or {}, '0.2.0')
    assert mutated['status'] == content['status']


def test_summary_counts_only_and_the_format():
    content = capture.build_capture({'status': load(os.path.join(FIXTURES, 'ims-m3000-rsc.status.json'))}, dict, '0.2.0',
                                    now=0)
    assert content['format'] == capture.CAPTURE_FORMAT and content['captured_at'] == '1970-01-01T00:00:00Z'
    assert content['configuration'] is None and content['rsc_configuration'] is None
    summary = content['redaction']
    assert sorted(summary) == ['host', 'kept', 'key', 'number', 'serial', 'text']
    assert all(isinstance(value, int) for value in summary.values())
    assert summary['serial'] >= 5 and summary['host'] == 1


def test_write_capture_is_0600_atomic_and_replaces_a_link_without_following_it(tmp_path):
    old_umask = os.umask(0)
    try:
        target = tmp_path / 'ims1.json'
        size = capture.write_capture(str(target), {'format': capture.CAPTURE_FORMAT, 'x': 1})
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(os.stat(str(target)).st_mode) == 0o600
    assert size == target.stat().st_size
    assert json.loads(target.read_text()) == {'format': capture.CAPTURE_FORMAT, 'x': 1}
    elsewhere = tmp_path / 'elsewhere.txt'
    elsewhere.write_text('untouched')
    link = tmp_path / 'link.json'
    link.symlink_to(elsewhere)
    capture.write_capture(str(link), {'y': 2})
    assert elsewhere.read_text() == 'untouched' and not link.is_symlink()
    assert stat.S_IMODE(os.stat(str(link)).st_mode) == 0o600
    capture.write_capture(str(target), {'z': 3})
    assert json.loads(target.read_text()) == {'z': 3}
    assert sorted(p.name for p in tmp_path.iterdir()) == ['elsewhere.txt', 'ims1.json', 'link.json']


def test_write_capture_makes_a_missing_directory_for_the_user_alone(tmp_path):
    capture.write_capture(str(tmp_path / 'missing' / 'deeper' / 'ims1.json'), {})
    assert stat.S_IMODE((tmp_path / 'missing' / 'deeper').stat().st_mode) & 0o077 == 0
    assert json.loads((tmp_path / 'missing' / 'deeper' / 'ims1.json').read_text()) == {}


def test_write_capture_fails_clearly_and_leaves_nothing(tmp_path):
    (tmp_path / 'file').write_text('x')
    with pytest.raises(capture.CaptureWriteError, match='cannot create the directory'):
        capture.write_capture(str(tmp_path / 'file' / 'ims1.json'), {})
    (tmp_path / 'file').unlink()
    directory = tmp_path / 'dir.json'
    directory.mkdir()
    with pytest.raises(capture.CaptureWriteError, match='cannot write the capture'):
        capture.write_capture(str(directory), {})
    assert sorted(p.name for p in tmp_path.iterdir()) == ['dir.json'] and list(directory.iterdir()) == []
