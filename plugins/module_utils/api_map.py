# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: everything the collection assumes about the LTOS REST API, in one
place.

No public document shows how an IMS chassis reports its RSC card or how configuration is written.
Every path, key and spelling below that is marked ASSUMED comes from the project's API contract
(docs/api-contract.md) rather than a real device. When a real device disagrees, change this file
(and the simulator) and nothing else. Lines marked FACT were seen in real device replies.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import namedtuple

# --- Reading ---------------------------------------------------------------------------------------
# FACT: the status tree and its envelope; sub-paths address list members by their object-id.
STATUS_PATH = '/api/status'
CHASSIS_STATUS_PATH = '/api/status/chassis0'
# ASSUMED: the configuration tree mirrors the status tree.
CONFIG_PATH = '/api/configuration'
# FACT (LTOS 7.08 and later): PUT with Basic credentials returns {"token": "..."}.
TOKEN_PATH = '/api/get-token'
TOKEN_METHOD = 'PUT'
TOKEN_KEY = 'token'

# FACT: envelope keys.
SYSTEM_INFORMATION = 'system-information'
DATA = 'data'
API_VERSION_KEY = 'API Version'  # the one key with a space and capitals, e.g. "LANTIME REST API V10.21.016"
FIRMWARE_KEY = 'version'  # in system-information, e.g. "fw_7.06.014-light"
CHANGES_KEY = 'changes'
ENVELOPE_KEYS = (SYSTEM_INFORMATION, DATA, CHANGES_KEY, 'links')
# FACT: every envelope carries changes.pending-changes (0 in both real payloads): the configuration changes the
# chassis holds staged, not yet applied. Read from the envelope of each status read, never with a request of its own.
PENDING_CHANGES = 'pending-changes'
# ASSUMED (from the LTOS SNMP MIB's mbgLtNgCmdExecute applyChanges/saveAndApplyChanges and the CLI's write command;
# no REST form is documented): staged changes are applied on the device itself, and the collection never does it.
APPLY_STAGED_HINT = ('apply the staged changes on the device: in the LTOS web interface (save and apply the '
                     'configuration), or with the LTOS command that applies changes (SNMP mbgLtNgCmdExecute '
                     'applyChanges or saveAndApplyChanges; the CLI\'s write command saves them as the startup '
                     'configuration); then read the card again with meinberg.lantime.rsc_info')
STATUS_OBJECT_ID = 'status'
# FACT: data.rest-api.api-version of a full status read, e.g. "10.21.016" (absent from sub-path reads).
REST_API_KEY = 'rest-api'
REST_API_VERSION = 'api-version'

# FACT: versions. LTOS 7.06 is REST API 10.x, LTOS 7.08 is REST API 16.x; bearer tokens exist from LTOS 7.08.
MIN_API_MAJOR = 10
MIN_LTOS = (7, 6)
TOKEN_MIN_API_MAJOR = 16
TOKEN_MIN_LTOS = '7.08'
TOKEN_UNSUPPORTED_HINT = ('bearer tokens need LTOS %s (REST API %d) or later; on older firmware use username and '
                          'password instead of token' % (TOKEN_MIN_LTOS, TOKEN_MIN_API_MAJOR))
CHASSIS_KEY = 'chassis0'
SLOTS_KEY = 'slots'
OBJECT_ID = 'object-id'

# FACT: slot keys. An empty slot has no MODULE key; a slot with MODULE but no INFO holds no card we can name.
SLOT_ID = 'slot-id'
SLOT_TYPE = 'slot-type'
SLOT_POSITION = 'slot-position'
MODULE = 'module'
INFO = 'info'

# ASSUMED: slot ids are short words such as clk1, rsc or io12. Only such a plain id is ever put into a
# request path: a device-supplied "rsc/../../elsewhere" must not steer a request.
SLOT_ID_PATTERN = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$')

# ASSUMED: the slot types of an IMS chassis. Unknown types pass through untouched.
# RSC_SLOT_TYPE is also the slot type the collection reports for the switch card, whatever the slot calls itself.
RSC_SLOT_TYPE = 'rsc'
CLOCK_SLOT_TYPE = 'clk'
CLOCK_IDS = ('clk1', 'clk2')
# The switch card may report one of several slot types:
# - rsc: ASSUMED (the API contract's spelling).
# - scu: INFERRED from FACT: Meinberg's management header gpsdefs.h names the IMS slot types PWR, CLK, SCU, CPU, MRI,
#   ESI, IO, and the REST slot types seen so far (pwr, clk, cpu, io) are those names in lower case; so a real chassis
#   may report the switch slot as slot-type "scu" with an id such as scu1.
RSC_SLOT_TYPES = (RSC_SLOT_TYPE, 'scu')
# FACT (LTOS 7 SNMP MIB): RSC card models are named rsc180, rsc180rdu, rsc180rdmp, rscrduttl, rsc2000, rsc180scu,
# rsc1000: a model starting with this prefix is the switch card.
RSC_MODEL_PREFIX = 'rsc'
# The third recogniser (ASSUMED, the contract's status block): a slot whose module holds an RSC_KEY block.
# is_rsc_card() is the one function that decides, from these three; facts.is_rsc_slot() hands it a slot's values.

# FACT: the clock modules' own sync state, in each clock slot's module and at system level (data.system).
SYNC_STATUS = 'sync-status'
CLOCK_STATUS = 'clock-status'
CLOCK_STATUS_CLOCK = 'clock'
# FACT: each clock slot's sync-status.clock-idx; "selected" on the clock in use (seen on one-clock devices).
CLOCK_IDX = 'clock-idx'
CLOCK_IDX_SELECTED = 'selected'
# FACT: data.system.sync-status.reference names the reference in use, "<clock slot id>-<kind>" such as "clk1-gps".
SYSTEM_KEY = 'system'
SYNC_REFERENCE = 'reference'
SYNC_REFERENCE_PATTERN = re.compile(r'^(clk\d+)-', re.IGNORECASE)

# FACT: values that mean "unknown" in LTOS replies (besides null and trailing spaces).
UNKNOWN_VALUES = ('', 'n/a', 'unknown', 'never', '-')
UNKNOWN_NUMBERS = (-1,)

# ASSUMED: the RSC card's status block, under module.rsc of the RSC slot.
RSC_KEY = 'rsc'
RSC_SWITCH_MODE = 'switch-mode'
RSC_SELECTED_CLOCK = 'selected-clock'
RSC_FRONT_PANEL = 'front-panel'
RSC_PANEL_MODE = 'mode-switch'
RSC_PANEL_CLOCK = 'clock-switch'
RSC_OUTPUTS_ENABLED = 'outputs-enabled'
RSC_CLOCKS = 'clocks'
RSC_TIME_SYNC = 'time-sync'
RSC_TIME_LIMIT_ERROR = 'time-limit-error'
RSC_WATCHDOG_OK = 'watchdog-ok'
RSC_ACO = 'access-control-override'
RSC_SWITCHOVER_COUNT = 'switchover-count'
RSC_LAST_SWITCHOVER = 'last-switchover'

# ASSUMED: enum spellings (the collection never asks for ?raw).
MODE_AUTO = 'auto'
MODE_MANUAL = 'manual'
SWITCH_MODES = (MODE_AUTO, MODE_MANUAL)
# ASSUMED: the card's "no clock selected" state (outputs disabled; the SNMP MIB's noMaster) as the
# selected-clock value. Any of these spellings means no clock feeds the backplane.
NO_CLOCK_SELECTED = ('none', 'no-master', 'nomaster', 'no-clock')

# Every key the collection reads from the RSC block: (key, JSON type, allowed values or None). The front-panel
# and clocks entries hold the keys below them. meinberg.lantime.api_check tests each one on a live device.
RSC_READ_KEYS = (
    (RSC_SWITCH_MODE, 'str', SWITCH_MODES),
    (RSC_SELECTED_CLOCK, 'str', CLOCK_IDS + NO_CLOCK_SELECTED),
    (RSC_FRONT_PANEL, 'dict', None),
    (RSC_OUTPUTS_ENABLED, 'bool', None),
    (RSC_CLOCKS, 'list', None),
    (RSC_TIME_LIMIT_ERROR, 'bool', None),
    (RSC_WATCHDOG_OK, 'bool', None),
    (RSC_ACO, 'bool', None),
    (RSC_SWITCHOVER_COUNT, 'int', None),
    (RSC_LAST_SWITCHOVER, 'str', None),
)
RSC_PANEL_KEYS = (
    (RSC_PANEL_MODE, 'str', SWITCH_MODES),
    (RSC_PANEL_CLOCK, 'str', CLOCK_IDS),
)
RSC_CLOCK_ENTRY_KEYS = (
    (OBJECT_ID, 'str', CLOCK_IDS),
    (RSC_TIME_SYNC, 'bool', None),
)
# FACT: clock cards report sync-status.clock-status.clock, "synchronized" when locked.
CLOCK_SYNCHRONIZED = 'synchronized'

# --- Writing (all ASSUMED) -------------------------------------------------------------------------
# A write sends a partial object (only the keys to change) to the object's configuration path, once; it applies at
# once, but the card's status shows the result only after a short settle time. Nothing public shows an RSC write,
# so its verb and body shape are a per-device choice, the option write_style (host variable lantime_write_style,
# environment LANTIME_WRITE_STYLE), from these three:
# - post: POST of the bare keys. ASSUMED; the collection's first guess, the default.
# - put: PUT of the bare keys. INFERRED from FACT: every documented LTOS REST change is a PUT (/api/get-token,
#   /api/write).
# - put-parameters: PUT of {"parameters": {...}}. INFERRED from FACT: Meinberg's documented commands wrap their
#   arguments so; whether configuration objects do too is unknown.
# A further open question (docs/api-contract.md): a change may need PUT /api/write to survive a reboot.
WriteStyle = namedtuple('WriteStyle', 'method wrapper')
WRITE_STYLES = (
    ('post', WriteStyle('POST', None)),
    ('put', WriteStyle('PUT', None)),
    ('put-parameters', WriteStyle('PUT', 'parameters')),
)
WRITE_STYLE_NAMES = tuple(name for name, dummy in WRITE_STYLES)
DEFAULT_WRITE_STYLE = 'post'
# The keys a write may send (the configuration object must hold them).
RSC_WRITE_KEYS = (RSC_SWITCH_MODE, RSC_SELECTED_CLOCK)
# ASSUMED (HTTP semantics, RFC 9110; no LTOS document shows it): OPTIONS on the configuration object is a read-only
# request whose Allow header lists the methods the object takes, and a write with a method the object does not take
# is answered 405 with the same header. Only these method names are ever read from it, from its first
# MAX_ALLOW_CHARS characters; anything else in the header is ignored and never repeated.
ALLOW_HEADER = 'Allow'
KNOWN_METHODS = ('GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE')
MAX_ALLOW_CHARS = 512
# ASSUMED: the statuses with which a device may say that the write's method or body shape is wrong: 405 plainly,
# 400 (a body it cannot parse: the wrong shape), 404 (no such object for this method), 501 (method not implemented).
WRITE_SHAPE_REFUSALS = (400, 404, 405, 501)


def is_plain_slot_id(slot_id):
    return isinstance(slot_id, str) and SLOT_ID_PATTERN.match(slot_id) is not None


def _checked(slot_id):
    if not is_plain_slot_id(slot_id):
        raise ValueError('%r is not a plain slot id (letters, digits, "-" and "_")' % (slot_id,))
    return slot_id


def slot_status_path(slot_id):
    """Status sub-tree of one slot (FACT: object-id addressing)."""
    slot_id = _checked(slot_id)
    return '%s/%s/%s' % (CHASSIS_STATUS_PATH, SLOTS_KEY, slot_id)


def rsc_config_path(slot_id):
    """Configuration object of an RSC card (ASSUMED)."""
    slot_id = _checked(slot_id)
    return '%s/%s/%s/%s/%s/%s' % (CONFIG_PATH, CHASSIS_KEY, SLOTS_KEY, slot_id, MODULE, RSC_KEY)


def write_style(name):
    """The WriteStyle of a write_style name; ValueError for any other name."""
    for style_name, style in WRITE_STYLES:
        if name == style_name:
            return style
    raise ValueError('write_style must be one of %s, got %r' % (', '.join(WRITE_STYLE_NAMES), name))


def rsc_write_body(switch_mode=None, selected_clock=None, style=DEFAULT_WRITE_STYLE):
    """The body a write sends: only the keys that change, bare or wrapped as the write style says (ASSUMED)."""
    body = {}
    if switch_mode is not None:
        body[RSC_SWITCH_MODE] = switch_mode
    if selected_clock is not None:
        body[RSC_SELECTED_CLOCK] = selected_clock
    wrapper = write_style(style).wrapper
    return {wrapper: body} if wrapper else body


# One write: rsc_card.apply_change() sends it with client.write(path, body, method=method); style is its
# write_style name, for the messages.
WriteRequest = namedtuple('WriteRequest', 'method path body style')


def rsc_write(slot_id, switch_mode=None, selected_clock=None, style=DEFAULT_WRITE_STYLE):
    """Every detail of the RSC write in one place: WriteRequest(method, path, body, style), which
    rsc_card.apply_change() hands to client.write() whole."""
    return WriteRequest(write_style(style).method, rsc_config_path(slot_id),
                        rsc_write_body(switch_mode, selected_clock, style), style)


def allowed_methods(header):
    """The known method names an Allow header lists, in KNOWN_METHODS order: None when there is no header, an
    empty tuple when it names none. Bounded, and never more than the known names come out of it."""
    if not isinstance(header, str):
        return None
    words = set(re.split(r'[\s,]+', header[:MAX_ALLOW_CHARS].upper()))
    return tuple(method for method in KNOWN_METHODS if method in words)


def styles_for(methods):
    """The write_style names whose method is among methods."""
    return tuple(name for name, style in WRITE_STYLES if style.method in (methods or ()))


def is_rsc_model(model):
    """True for the model name of an RSC card (any case, surrounding spaces ignored)."""
    return isinstance(model, str) and model.strip().lower().startswith(RSC_MODEL_PREFIX)


def is_rsc_card(slot_type, model, has_rsc_block):
    """True when a slot holds (or is meant for) the switch card: its slot type is one of RSC_SLOT_TYPES, its model
    starts with RSC_MODEL_PREFIX, or its module carries an RSC_KEY block; whatever the slot id."""
    kind = slot_type.strip().lower() if isinstance(slot_type, str) else None
    return bool(has_rsc_block) or is_rsc_model(model) or kind in RSC_SLOT_TYPES


def rsc_card_description():
    """The recognisers in words (api_check's contract line, error texts)."""
    return 'slot type %s, a model starting with "%s" or a module with an %s block, in any slot' % (
        ' or '.join(RSC_SLOT_TYPES), RSC_MODEL_PREFIX, RSC_KEY)


def reference_clock(reference):
    """The clock slot id a system sync-status reference names ("clk2-gps" -> "clk2"), or None."""
    match = SYNC_REFERENCE_PATTERN.match(reference.strip()) if isinstance(reference, str) else None
    return match.group(1).lower() if match else None


def is_api_disabled(status, method, body_text):
    """Tell "REST API disabled" apart from a plain permission refusal (ASSUMED).

    A disabled API answers 403 on every path; reads are allowed to every user level, so a 403 on a
    read means the API is off. On a write, a 403 is a permission problem unless the text says otherwise.
    """
    if status != 403:
        return False
    return method in ('GET', 'HEAD') or 'disabled' in (body_text or '').lower()
