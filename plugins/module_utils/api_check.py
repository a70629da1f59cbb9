# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: the read-only API check: each line of the API contract that a live device can show, tested on it.

run_checks(client) sends read-only requests only (GET of the full status tree, the configuration tree and the RSC
card's configuration object, and OPTIONS on that object for the methods it allows; never a write) and returns one
check per contract line with pass, fail or not_applicable and a detail that names what was found where the
expected was missing. It raises only when the status tree cannot be read at all. It imports nothing from Ansible, so it is unit-testable with a fake client.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map as m
from ansible_collections.meinberg.lantime.plugins.module_utils import capture as capture_file
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils import rules
from ansible_collections.meinberg.lantime.plugins.module_utils.client import COLLECTION_VERSION
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import LantimeError, ReplyShapeError
from ansible_collections.meinberg.lantime.plugins.module_utils.runner import TaskDefinition, TaskFailed

PASS = 'pass'
FAIL = 'fail'
NOT_APPLICABLE = 'not_applicable'

# The checks whose failure means rsc_info cannot read the card as the contract says.
READ_CHECKS = ('envelope', 'api_version', 'chassis_slots', 'rsc_card', 'rsc_block', 'clock_slots',
               'selected_clock_cross_check')
# The further checks a write relies on.
WRITE_CHECKS = ('configuration_tree', 'rsc_configuration', 'write_method')

TYPE_WORDS = {'str': 'text', 'bool': 'true/false', 'int': 'a whole number', 'dict': 'an object', 'list': 'a list'}


def _type_ok(value, kind):
    if kind == 'str':
        return isinstance(value, str)
    if kind == 'bool':
        return isinstance(value, bool)
    if kind == 'int':
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == 'dict':
        return isinstance(value, dict)
    return isinstance(value, list)


def _json_type(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'true/false'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, str):
        return 'text'
    return 'an object' if isinstance(value, dict) else 'a list'


def _named(value, allowed=None, kind=None, limit=40):
    """What a detail may say about a value the device sent, safe to show at -v and to keep in a capture.

    A detail never quotes a device value unless it is what a capture keeps verbatim too: one of the API's
    spellings of "unknown", true/false, a whole number where one is expected, a word of the field's vocabulary
    (allowed) or the text of a free-text field the allow-list keeps (kind 'str' without allowed: versions, models,
    last-switchover). Anything else is named by its JSON type and size only: "a text of 23 characters", "an object
    of 2 keys", "a list of 3 items".
    """
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return str(value) if kind == 'int' and isinstance(value, int) or value in m.UNKNOWN_NUMBERS else 'a number'
    if isinstance(value, str):
        word = value.strip().lower()
        if word in m.UNKNOWN_VALUES or (allowed and word in allowed):
            return json.dumps(value.strip())
        if kind == 'str' and not allowed:
            shown = json.dumps(value)
            return shown if len(shown) <= limit else shown[:limit - 3] + '...'
        return 'a text of %d characters' % len(value)
    if isinstance(value, dict):
        return 'an object of %d key%s' % (len(value), '' if len(value) == 1 else 's')
    if isinstance(value, list):
        return 'a list of %d item%s' % (len(value), '' if len(value) == 1 else 's')
    return 'a value of another type'


def keys_of(value):
    """The keys of an object as a short text, for details: only the keys a capture keeps verbatim, the others
    counted (the key rule of capture.key_is_schema)."""
    if not isinstance(value, dict):
        return '(not an object: %s)' % _json_type(value)
    if not value:
        return '(none)'
    names = sorted(key for key in value if capture_file.key_is_schema(key))
    hidden = len(value) - len(names)
    shown = ', '.join(names) if len(names) <= 25 else ', '.join(names[:25]) + ', ... (%d in all)' % len(names)
    if hidden:
        shown += '%s%d key%s not shown (not a plain word)' % ('; ' if names else '', hidden, '' if hidden == 1 else 's')
    return shown


def _read(client, path):
    """(document, None) or (None, error text) for a GET that may fail without ending the check."""
    try:
        return client.get(path), None
    except LantimeError as exc:
        return None, str(exc)


def _slot_words(slot):
    info = facts.module_info(slot)
    return '%s (%s)' % (facts.text(slot.get(m.SLOT_ID)) or facts.text(slot.get(m.OBJECT_ID)) or '?',
                        facts.text(info.get('model')) if info else 'empty')


class Found:
    """What the checks have found so far. The checks run in contract order; each reads what earlier ones left here."""

    def __init__(self, client, status, write_style=m.DEFAULT_WRITE_STYLE):
        self.client = client
        self.write_style = write_style
        self.write_methods = None  # the methods the RSC configuration object allows (its Allow), None when unknown
        self.status = status
        self.data = status.get(m.DATA)
        self.info = status.get(m.SYSTEM_INFORMATION)
        self.major = None
        self.slots = None  # the chassis slot objects, None when the list could not be read
        self.rsc_slot = None  # the RSC slot object, None when not found or unusable
        self.reason = None  # why the RSC checks cannot read the card
        self.block = None  # the RSC block (module.rsc), None when not found
        self.clock_slots = {}
        self.configuration = None
        self.rsc_config = None
        self.summary = {'ltos_version': None, 'rest_api_version': None, 'rsc_slot': None, 'rsc_model': None}

    @property
    def info_dict(self):
        return self.info if isinstance(self.info, dict) else {}


def _expected(kind, allowed):
    return TYPE_WORDS[kind] + (', one of %s' % ', '.join(allowed) if allowed else '')


def key_result(where, container, key, kind, allowed):
    """One key of an object: present, of the expected JSON type, and one of the allowed values: (status, detail)."""
    if not isinstance(container, dict):
        return FAIL, 'not read: %s is not an object' % where
    if key not in container:
        return FAIL, '%s is missing; keys found in %s: %s' % (key, where, keys_of(container))
    value = container[key]
    if facts.clean(value) is None and not allowed and kind in ('str', 'int'):
        return PASS, 'present, value unknown (%s)' % _named(value, allowed, kind)
    if not _type_ok(value, kind):
        return FAIL, '%s is %s, expected %s' % (key, _named(value, allowed, kind), TYPE_WORDS[kind])
    if allowed and (not isinstance(value, str) or value.strip().lower() not in allowed):
        return FAIL, '%s is %s, expected one of %s' % (key, _named(value, allowed, kind), ', '.join(allowed))
    if kind in ('dict', 'list'):
        return PASS, 'present (%s)' % TYPE_WORDS[kind]
    return PASS, '%s = %s' % (key, _named(value, allowed, kind))


def _slots_text(slots):
    return ', '.join(sorted((_slot_words(s) for s in slots), key=facts.natural_key))


# -- one check per contract line: found -> (status, detail) ----------------------------------------------------------
def check_envelope(found):
    missing = [key for key in m.ENVELOPE_KEYS if key not in found.status]
    if missing:
        return FAIL, 'missing: %s; keys found: %s' % (', '.join(missing), keys_of(found.status))
    if not isinstance(found.data, dict) or not isinstance(found.info, dict):
        return FAIL, ('data is %s and system-information is %s; both should be objects'
                      % (_json_type(found.data), _json_type(found.info)))
    if found.data.get(m.OBJECT_ID) != m.STATUS_OBJECT_ID:
        return FAIL, 'data.object-id is %s' % _named(found.data.get(m.OBJECT_ID), (m.STATUS_OBJECT_ID,), 'str')
    return PASS, 'all four keys present'


def check_ltos_version(found):
    info = found.info_dict
    firmware = facts.text(info.get(m.FIRMWARE_KEY))
    ltos = found.summary['ltos_version'] = facts.version_text(firmware)
    if ltos is None:
        return FAIL, ('no LTOS version in system-information.%s (%s); keys found in system-information: %s'
                      % (m.FIRMWARE_KEY, _named(info.get(m.FIRMWARE_KEY), kind='str'), keys_of(info)))
    if facts.version_tuple(ltos)[:2] < m.MIN_LTOS:
        return FAIL, ('LTOS %s (%s) is older than %d.%02d: update the firmware'
                      % (ltos, firmware, m.MIN_LTOS[0], m.MIN_LTOS[1]))
    return PASS, 'LTOS %s (%s)' % (ltos, firmware)


def check_api_version(found):
    api_version, source = facts.rest_api_version(found.status)
    found.summary['rest_api_version'] = api_version
    found.major = facts.api_major(found.status)
    if api_version is None:
        return FAIL, 'no REST API version found; keys found in system-information: %s' % keys_of(found.info_dict)
    if found.major < m.MIN_API_MAJOR:
        return FAIL, ('REST API %s (from %s) is older than %d (LTOS 7.06): update the firmware'
                      % (api_version, source, m.MIN_API_MAJOR))
    return PASS, 'REST API %s (from %s)' % (api_version, source)


def check_token_support(found):
    supported = facts.tokens_supported(found.major)
    if supported is None:
        return NOT_APPLICABLE, 'the REST API version is unknown'
    if supported:
        return PASS, ('REST API %d: bearer tokens available (not requested: this check sends GET requests only)'
                      % found.major)
    return NOT_APPLICABLE, 'REST API %d: no bearer tokens; use username and password' % found.major


def check_chassis_slots(found):
    try:
        chassis = facts.chassis_of(found.status)
        slots = [slot for slot in chassis[m.SLOTS_KEY] if isinstance(slot, dict)]
        for slot in slots:
            facts.slot_id(slot), facts.slot_type(slot)  # pylint: disable=expression-not-assigned
    except ReplyShapeError as exc:
        return FAIL, '%s; keys found in data: %s' % (exc, keys_of(found.data if isinstance(found.data, dict) else None))
    found.slots = slots
    return PASS, '%d slots: %s' % (len(slots), _slots_text(slots))


def check_rsc_card(found):
    if found.slots is None:
        found.reason = 'the chassis slot list could not be read'
        return FAIL, 'not read: %s' % found.reason
    cards = facts.rsc_candidates(found.slots)
    with_block = [s for s in cards if facts.rsc_block(s) is not None]
    if not cards:
        found.reason = 'no RSC card in this chassis'
        return FAIL, '%s; slots found: %s' % (found.reason, _slots_text(found.slots) or 'none')
    if len(cards) > 1:
        found.reason = 'several RSC cards: the modules need the slot option'
        return FAIL, '%s (%s)' % (found.reason, ', '.join(_slot_words(s) for s in cards))
    slot = (with_block or cards)[0]
    slot_id = found.summary['rsc_slot'] = facts.text(slot.get(m.SLOT_ID)) or facts.text(slot.get(m.OBJECT_ID))
    model = found.summary['rsc_model'] = facts.text((facts.module_info(slot) or {}).get('model'))
    detail = 'slot %s, model %s, slot type %s' % (slot_id, model or 'unknown', facts.slot_type(slot))
    if not m.is_plain_slot_id(slot_id):
        found.reason = 'the RSC slot id is not a plain slot id'
        return FAIL, detail + '; the slot id is not a plain slot id and is never put into a request'
    found.rsc_slot = slot
    return PASS, detail


def check_rsc_block(found):
    if found.rsc_slot is None:
        return FAIL, 'not read: %s' % found.reason
    found.block = facts.rsc_block(found.rsc_slot)
    if found.block is None:
        found.reason = 'slot %s holds no %s.%s' % (found.summary['rsc_slot'], m.MODULE, m.RSC_KEY)
        return FAIL, '%s; keys found in its %s: %s' % (found.reason, m.MODULE, keys_of(found.rsc_slot.get(m.MODULE)))
    return PASS, 'keys found: %s' % keys_of(found.block)


def block_key(key, kind, allowed):
    """The check of one key of the RSC block."""
    def check(found):
        if found.block is None:
            return FAIL, 'not read: %s' % found.reason
        return key_result(RSC_WHERE, found.block, key, kind, allowed)
    return check


def panel_key(key, kind, allowed):
    """The check of one key of the RSC block's front-panel object."""
    def check(found):
        panel = found.block.get(m.RSC_FRONT_PANEL) if found.block is not None else None
        if not isinstance(panel, dict):
            return FAIL, 'not read: %s' % (found.reason if found.block is None else '%s is not an object' % PANEL_WHERE)
        return key_result(PANEL_WHERE, panel, key, kind, allowed)
    return check


def clock_entry_key(key, kind, allowed):
    """The check of one key in every entry of the RSC block's clocks list."""
    def check(found):
        if found.block is None:
            return FAIL, 'not read: %s' % found.reason
        entries = found.block.get(m.RSC_CLOCKS)
        if not isinstance(entries, list) or not entries:
            return FAIL, 'not read: %s.%s is %s' % (RSC_WHERE, m.RSC_CLOCKS, _json_type(entries) if entries != []
                                                    else 'an empty list')
        problems, seen = [], []
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                problems.append('entry %d is %s' % (index, _json_type(entry)))
            elif key not in entry:
                problems.append('entry %d lacks %s; keys found: %s' % (index, key, keys_of(entry)))
            elif not _type_ok(entry[key], kind) or (allowed and str(entry[key]).strip().lower() not in allowed):
                problems.append('entry %d has %s %s, expected %s'
                                % (index, key, _named(entry[key], allowed, kind), _expected(kind, allowed)))
            else:
                seen.append(_named(entry[key], allowed, kind))
        return (FAIL, '; '.join(problems)) if problems else (PASS, 'values: %s' % ', '.join(seen))
    return check


def check_clock_slots(found):
    found.clock_slots = dict((facts.slot_id(s), s) for s in found.slots or [] if facts.slot_id(s) in m.CLOCK_IDS)
    if found.slots is None:
        return FAIL, 'not read: the chassis slot list could not be read'
    if not found.clock_slots:
        return FAIL, ('no %s slot; slots found: %s'
                      % (' or '.join(m.CLOCK_IDS), ', '.join(sorted(_slot_words(s) for s in found.slots)) or 'none'))
    words, unreported = [], []
    for clock_id in m.CLOCK_IDS:
        slot = found.clock_slots.get(clock_id)
        if slot is None:
            words.append('%s: no slot' % clock_id)
        elif facts.module_info(slot) is None:
            words.append('%s: empty' % clock_id)
        else:
            state = facts.clock_status(slot)
            if state is None:
                unreported.append('%s (keys found in its %s: %s)' % (clock_id, m.SYNC_STATUS,
                                                                     keys_of(facts.sync_status(slot))))
            words.append('%s: %s, %s, clock-idx %s' % (clock_id, facts.text(facts.module_info(slot).get('model')),
                                                       state or 'sync state not reported',
                                                       facts.clock_idx(slot) or 'not reported'))
    if unreported:
        return FAIL, '; '.join(words) + '. No %s.%s.%s in: %s' % (m.SYNC_STATUS, m.CLOCK_STATUS,
                                                                  m.CLOCK_STATUS_CLOCK, ', '.join(unreported))
    return PASS, '; '.join(words)


def check_selected_clock(found):
    if found.block is None:
        return FAIL, 'not read: %s' % found.reason
    selected = facts.selected_clock_facts(found.block.get(m.RSC_SELECTED_CLOCK),
                                          facts.clock_evidence(found.status, found.clock_slots))
    naming = [source for source, value in selected['selected_clock_evidence'].items() if value]
    if selected['selected_clock_conflict']:
        return FAIL, 'the sources disagree: %s' % rules.conflict_text(selected)
    if len(naming) < 2:
        return NOT_APPLICABLE, 'fewer than two sources name a clock: %s' % (rules.conflict_text(selected) or 'none does')
    return PASS, rules.conflict_text(selected)


def check_configuration_tree(found):
    found.configuration, error = _read(found.client, m.CONFIG_PATH)
    if found.configuration is None:
        return FAIL, error
    try:
        config_slots = facts.chassis_of(found.configuration)[m.SLOTS_KEY]
    except ReplyShapeError:
        return FAIL, ('readable, but it holds no data.%s.%s; keys found in data: %s'
                      % (m.CHASSIS_KEY, m.SLOTS_KEY, keys_of(facts.data_of(found.configuration))))
    return PASS, 'readable; %d slots under data.%s.%s' % (len(config_slots), m.CHASSIS_KEY, m.SLOTS_KEY)


def _rsc_config_path(found):
    if found.rsc_slot is None:
        return '%s/.../%s/%s' % (m.CONFIG_PATH, m.MODULE, m.RSC_KEY)
    return m.rsc_config_path(found.summary['rsc_slot'])


def check_rsc_configuration(found):
    if found.rsc_slot is None:
        return FAIL, 'not read: %s' % found.reason
    found.rsc_config, error = _read(found.client, _rsc_config_path(found))
    if found.rsc_config is None:
        return FAIL, error
    body = facts.data_of(found.rsc_config)
    allowed = {m.RSC_SWITCH_MODE: m.SWITCH_MODES, m.RSC_SELECTED_CLOCK: m.CLOCK_IDS + m.NO_CLOCK_SELECTED}
    problems = []
    for key in m.RSC_WRITE_KEYS:
        value = body.get(key) if isinstance(body, dict) else None
        if not isinstance(body, dict) or key not in body:
            problems.append('%s is missing' % key)
        elif not isinstance(value, str) or value.strip().lower() not in allowed[key]:
            problems.append('%s is %s, expected one of %s'
                            % (key, _named(value, allowed[key], 'str'), ', '.join(allowed[key])))
    if problems:
        return FAIL, '%s; keys found: %s' % ('; '.join(problems), keys_of(body))
    return PASS, ', '.join('%s = %s' % (key, _named(body[key], allowed[key], 'str')) for key in m.RSC_WRITE_KEYS)


def check_write_method(found):
    if found.rsc_slot is None:
        return NOT_APPLICABLE, 'not read: %s' % found.reason
    try:
        status, methods = found.client.allowed_methods(_rsc_config_path(found))
    except LantimeError as exc:
        return NOT_APPLICABLE, 'OPTIONS failed (%s); the allowed methods show only at the first write' % exc
    if status >= 300 or status < 200:
        return NOT_APPLICABLE, ('OPTIONS answered HTTP %d: the device does not say which methods it allows; the first '
                                'write shows it' % status)
    if methods is None:
        return NOT_APPLICABLE, 'OPTIONS answered with no Allow header; the first write shows which methods it takes'
    found.write_methods = list(methods)
    method = m.write_style(found.write_style).method
    matching = m.styles_for(methods)
    allows = 'the object allows %s' % (', '.join(methods) or 'no method this collection knows')
    if method in methods:
        return PASS, '%s; write_style %s sends %s' % (allows, found.write_style, method)
    if matching:
        return FAIL, ('%s; write_style %s sends %s: use write_style %s (the task option write_style, the host variable '
                      'lantime_write_style or LANTIME_WRITE_STYLE)'
                      % (allows, found.write_style, method, ' or '.join(matching)))
    return FAIL, '%s; no write_style of this collection sends a method it allows' % allows


def check_write(found):  # pylint: disable=unused-argument
    return NOT_APPLICABLE, ('not verifiable read-only: this check never writes. The first change with '
                            'meinberg.lantime.rsc shows it, as that module reads the card back and reports success only '
                            'when the card shows the change')


def _write_contract(found):
    write = m.rsc_write(found.summary['rsc_slot'] if found.rsc_slot is not None else 'SLOT', m.MODE_AUTO,
                        m.CLOCK_IDS[0], style=found.write_style)
    return ('a write (write_style %s) is %s %s with only the changed keys, body like %s; it applies at once [assumed; '
            'the other write styles: %s; open question: PUT /api/write to keep it over a reboot]'
            % (write.style, write.method, write.path, json.dumps(write.body, sort_keys=True),
               ', '.join(name for name in m.WRITE_STYLE_NAMES if name != write.style)))


RSC_WHERE = '%s.%s' % (m.MODULE, m.RSC_KEY)
PANEL_WHERE = '%s.%s' % (RSC_WHERE, m.RSC_FRONT_PANEL)
CLOCKS_WHERE = '%s.%s[]' % (RSC_WHERE, m.RSC_CLOCKS)

# THE CONTRACT, one line per check, in the order the checks run and are reported: (id, contract, check). A contract
# is its text, or a function of what was found (the RSC configuration path and the write name the RSC slot).
CONTRACT = (
    ('envelope', 'GET %s answers an envelope: %s; data has object-id "%s" [known]'
     % (m.STATUS_PATH, ', '.join(m.ENVELOPE_KEYS), m.STATUS_OBJECT_ID), check_envelope),
    ('ltos_version', 'LTOS %d.%02d or later, from system-information.%s (e.g. fw_7.06.014) [known]'
     % (m.MIN_LTOS[0], m.MIN_LTOS[1], m.FIRMWARE_KEY), check_ltos_version),
    ('api_version', 'REST API %d or later, from data.%s.%s, else system-information."%s" [known]'
     % (m.MIN_API_MAJOR, m.REST_API_KEY, m.REST_API_VERSION, m.API_VERSION_KEY), check_api_version),
    ('token_support', 'bearer tokens (%s %s) from LTOS %s / REST API %d; Basic authentication on every version [known]'
     % (m.TOKEN_METHOD, m.TOKEN_PATH, m.TOKEN_MIN_LTOS, m.TOKEN_MIN_API_MAJOR), check_token_support),
    ('chassis_slots', 'data.%s.%s lists the slots, each with %s, %s, %s; an empty slot has no %s [known]'
     % (m.CHASSIS_KEY, m.SLOTS_KEY, m.SLOT_ID, m.SLOT_TYPE, m.SLOT_POSITION, m.MODULE), check_chassis_slots),
    ('rsc_card', 'the RSC card: %s [assumed]' % m.rsc_card_description(), check_rsc_card),
    ('rsc_block', 'the RSC card\'s state under %s of its slot [assumed]' % RSC_WHERE, check_rsc_block),
) + tuple(
    ('rsc_key.%s' % key, '%s.%s: %s [assumed]' % (RSC_WHERE, key, _expected(kind, allowed)),
     block_key(key, kind, allowed)) for key, kind, allowed in m.RSC_READ_KEYS
) + tuple(
    ('rsc_key.%s.%s' % (m.RSC_FRONT_PANEL, key), '%s.%s: %s [assumed]' % (PANEL_WHERE, key, _expected(kind, allowed)),
     panel_key(key, kind, allowed)) for key, kind, allowed in m.RSC_PANEL_KEYS
) + tuple(
    ('rsc_key.%s[].%s' % (m.RSC_CLOCKS, key), '%s.%s: %s, in an entry per clock [assumed]'
     % (CLOCKS_WHERE, key, _expected(kind, allowed)), clock_entry_key(key, kind, allowed))
    for key, kind, allowed in m.RSC_CLOCK_ENTRY_KEYS
) + (
    ('clock_slots', 'clock modules in slots %s, each with %s.%s.%s ("%s" when locked) and %s.%s [known format; the '
     'IMS slot ids are assumed]' % ('/'.join(m.CLOCK_IDS), m.SYNC_STATUS, m.CLOCK_STATUS, m.CLOCK_STATUS_CLOCK,
                                    m.CLOCK_SYNCHRONIZED, m.SYNC_STATUS, m.CLOCK_IDX), check_clock_slots),
    ('selected_clock_cross_check', 'the RSC card\'s selected clock agrees with data.%s.%s.%s ("clk1-...") and with the '
     'one clock slot whose %s.%s is "%s" [fields known; their meaning on an IMS chassis inferred]'
     % (m.SYSTEM_KEY, m.SYNC_STATUS, m.SYNC_REFERENCE, m.SYNC_STATUS, m.CLOCK_IDX, m.CLOCK_IDX_SELECTED),
     check_selected_clock),
    ('configuration_tree', 'GET %s is readable and mirrors the status tree (data.%s.%s) [assumed]'
     % (m.CONFIG_PATH, m.CHASSIS_KEY, m.SLOTS_KEY), check_configuration_tree),
    ('rsc_configuration', lambda found: 'GET %s holds the keys a write sends: %s [assumed]'
     % (_rsc_config_path(found), ', '.join(m.RSC_WRITE_KEYS)), check_rsc_configuration),
    ('write_method', lambda found: 'OPTIONS %s answers an %s header that lists the method of write_style %s (%s) '
     '[assumed]' % (_rsc_config_path(found), m.ALLOW_HEADER, found.write_style,
                    m.write_style(found.write_style).method), check_write_method),
    ('write', _write_contract, check_write),
)


def run_checks(client, keep_documents=False, write_style=m.DEFAULT_WRITE_STYLE):
    """Check the live device against the contract; read-only requests only (at most four: three GET, one OPTIONS).

    Returns checks (list of {id, contract, status, detail}, one per line of CONTRACT), read_compatible,
    write_compatible, verdict, and the versions and RSC card found. With keep_documents, also documents: the status
    tree, the configuration tree and the RSC configuration object as read (None when unreadable), for a capture.
    Raises LantimeError only when GET /api/status fails: then the device cannot be read at all.
    """
    found = Found(client, client.get(m.STATUS_PATH), write_style)
    items = []
    for check_id, contract, check in CONTRACT:
        status, detail = check(found)
        items.append({'id': check_id, 'contract': contract(found) if callable(contract) else contract,
                      'status': status, 'detail': detail})
    result = summarise(items)
    result.update(found.summary)
    result['write_style'] = write_style
    result['write_methods'] = found.write_methods
    if keep_documents:
        result['documents'] = {'status': found.status, 'configuration': found.configuration,
                               'rsc_configuration': found.rsc_config}
    return result


def summarise(items):
    """read_compatible, write_compatible and a one-line verdict from the checks."""
    by_id = dict((item['id'], item) for item in items)
    read_ids = [i for i in READ_CHECKS if i in by_id] + [i for i in by_id if i.startswith('rsc_key.')]
    read_failed = [by_id[i] for i in read_ids if by_id[i]['status'] == FAIL]
    write_failed = [by_id[i] for i in WRITE_CHECKS if i in by_id and by_id[i]['status'] == FAIL]
    read_ok = not read_failed
    write_ok = read_ok and not write_failed
    failed = [item for item in items if item['status'] == FAIL]
    passed = len([item for item in items if item['status'] == PASS])
    if write_ok:
        verdict = ('matches the contract: %d checks passed, none failed. rsc_info can read this chassis; the rsc write '
                   'path is readable with the expected keys, but the write itself stays unverified until a first '
                   'change' % passed)
    elif read_ok:
        verdict = ('reads match the contract, writes may not: %s: %s. rsc_info works; do not use rsc on this chassis '
                   'until this is settled (send a capture)' % (write_failed[0]['id'], write_failed[0]['detail']))
    else:
        verdict = ('does NOT match the contract: %d of %d checks failed, first %s: %s. Send a capture (playbook '
                   'meinberg.lantime.capture) so that the collection can learn this firmware'
                   % (len(failed), len(items), read_failed[0]['id'], read_failed[0]['detail']))
    return {'checks': items, 'read_compatible': read_ok, 'write_compatible': write_ok, 'verdict': verdict}


class _Replay:
    """A client that answers the checks' GET requests from documents already read: the redacted ones of a capture,
    so that the capture's api_check section is made from what the file holds and nothing else."""

    host = 'the capture'

    def __init__(self, documents, write_methods=None):
        self.documents = documents
        self.write_methods = write_methods

    def allowed_methods(self, path):
        if self.write_methods is None:
            raise LantimeError('OPTIONS %s gave no Allow header when the capture was made' % path)
        return 200, tuple(self.write_methods)

    def get(self, path):
        name = {m.STATUS_PATH: 'status', m.CONFIG_PATH: 'configuration'}.get(path, 'rsc_configuration')
        if self.documents.get(name) is None:
            raise LantimeError('GET %s could not be read when the capture was made' % path)
        return self.documents[name]


def run(client, capture=False, redact=True, capture_path=None, check_mode=False, write_style=m.DEFAULT_WRITE_STYLE):
    """The whole api_check task: the checks and, with a capture_path, the capture file. GET requests only.

    The capture goes into the file (mode 0600, written atomically), never into the result: the result says only
    where it is, how big, and how many values of each kind redaction kept and replaced. In check mode the
    capture is built but not written.
    """
    if capture and not capture_path:
        raise TaskFailed('capture needs capture_path: a capture is written to a file (mode 0600), never returned '
                         'in the result')
    result = run_checks(client, keep_documents=bool(capture_path), write_style=write_style)
    documents = result.pop('documents', None)
    result['changed'] = False
    if capture_path:
        methods = result['write_methods']
        content = capture_file.build_capture(
            documents, lambda redacted: run_checks(_Replay(redacted, methods), write_style=write_style),
            COLLECTION_VERSION, redacted=redact)
        written = not check_mode
        size = len((json.dumps(content, indent=4, sort_keys=True) + '\n').encode('utf-8'))
        if written:
            try:
                size = capture_file.write_capture(capture_path, content)
            except capture_file.CaptureWriteError as exc:
                raise TaskFailed(str(exc), **result)
        result['changed'] = written
        result['capture'] = {'path': capture_path, 'written': written, 'bytes': size, 'mode': '0600',
                             'format': content['format'], 'redacted': content['redacted'],
                             'redaction': content['redaction']}
    return result


API_CHECK = TaskDefinition('api_check', dict(
    capture=dict(type='bool', default=False),
    capture_path=dict(type='path'),
    redact=dict(type='bool', default=True),
), lambda task: run(task.client, task.params['capture'], task.params['redact'], task.params['capture_path'],
                    task.check_mode, task.params['write_style']))
