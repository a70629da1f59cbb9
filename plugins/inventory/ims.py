# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: ims
short_description: One host per slot of Meinberg LANTIME IMS chassis, read from the LTOS REST API
version_added: 0.1.0
description:
  - Reads the slot list of each chassis in O(chassis) with one C(GET /api/status/chassis0) request (LTOS REST API 10
    and later) and adds one host per fitted slot (and per empty slot with O(include_empty=true)).
  - Host names are C(<chassis name>_<slot id>), for example C(ims1.example.net_rsc). The chassis name is the entry's
    C(name), or else the host name of its address without scheme and port, in lower case. Characters other than
    letters, digits, C(.), C(-) and C(_) become C(_). When two entries resolve to the same chassis name, both are
    kept; the later one gets C(-2) (then C(-3), and so on) appended, and a warning names both.
  - Each host gets the host variables C(lantime_host) (the chassis API address the modules take as O(meinberg.lantime.slot_info#module:host)),
    C(lantime_chassis), C(lantime_chassis_model), C(lantime_chassis_serial_number), C(lantime_chassis_hostname),
    C(lantime_firmware), C(lantime_api_version), C(lantime_slot_id), C(lantime_slot_type), C(lantime_slot_position),
    C(lantime_fitted), C(lantime_model), C(lantime_serial_number), C(lantime_software_revision) and
    C(lantime_pending_changes) (the chassis' staged configuration changes, C(changes.pending-changes), as read); RSC
    slots also C(lantime_rsc_switch_mode) and C(lantime_rsc_selected_clock), clock slots C(lantime_clock_status).
    The slot variables are the slots M(meinberg.lantime.slot_info) returns, with the prefix C(lantime_).
  - Every value read from a device is marked unsafe, so a device string that looks like a template is never templated.
    What the plugin sets itself is plain, as Ansible's own settings are - C(ansible_connection),
    C(ansible_python_interpreter), C(lantime_host) (from O(chassis)), C(lantime_chassis), C(lantime_slot_id) (a plain
    slot id) and the RSC words C(lantime_rsc_switch_mode) and C(lantime_rsc_selected_clock) - so that
    C(ansible-inventory --list --export), which AWX imports, shows them as values rather than wrapped
    in C(__ansible_unsafe). A value of these that holds a template marker stays unsafe.
  - The groups are C(lantime) (every host), C(lantime_<slot type>) (C(lantime_rsc), C(lantime_clk), C(lantime_pwr),
    and so on), C(lantime_chassis_<chassis name>), C(lantime_one_per_chassis) (one host of each chassis, its RSC
    card when it has one, for plays that act on each chassis once, such as C(meinberg.lantime.capture)) and, with
    O(include_empty=true), C(lantime_empty) for empty slots. C(lantime), C(lantime_rsc) and
    C(lantime_one_per_chassis) always exist, empty when no chassis answered, so that a play or
    C(ansible-inventory --graph) naming them finds no host rather than an unknown group.
    Group names keep only letters, digits and C(_); any other character becomes C(_).
  - No password or token is ever put into a host variable, a group variable or the cache.
  - The configuration file name must end in C(ims.yml) or C(ims.yaml).
author:
  - meinberg.lantime maintainers (@meinberg-lantime)
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - meinberg.lantime.connection.PLUGINS
options:
  plugin:
    description: The name of this plugin; it marks the file as a configuration file for it.
    type: str
    required: true
    choices:
      - meinberg.lantime.ims
  chassis:
    description:
      - The chassis to query.
      - Each entry is an address (a host name, C(host:port) or a full URL such as C(http://ims1:8080); without a
        scheme, C(https://) is used), or a mapping with C(host) (the address) and optionally C(name) (the chassis
        name used in host and group names).
      - Credentials do not belong in the address; give O(username) and O(password), or O(token).
    type: list
    elements: raw
    required: true
  slot_types:
    description:
      - Only add slots of these types (for example V(rsc), V(clk), V(pwr), V(cpu), V(io)), compared without regard to case.
      - An empty list adds slots of every type.
    type: list
    elements: str
    default: []
  include_empty:
    description:
      - Also add a host for each empty slot (no card, or a card that reports no identity) with C(lantime_fitted=false).
      - Empty slots also go into the group C(lantime_empty).
    type: bool
    default: false
  concurrency:
    description:
      - How many chassis are queried at the same time (1 to 64). Each worker thread keeps its own HTTP session.
    type: int
    default: 8
  fail_on_errors:
    description:
      - What happens when a chassis cannot be read (unreachable, refused credentials, REST API disabled, bad reply).
      - With V(false), a warning names the chassis, its address and the reason, and the other chassis load.
      - With V(true), the inventory source fails with the same text and adds no host at all. Whether the Ansible
        command then stops depends on the core setting C(inventory_any_unparsed_is_failed)
        (E(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED)).
    type: bool
    default: false
  local_connection:
    description:
      - Set C(ansible_connection=local) on every host, so that the collection's modules run on the controller, which
        talks to the chassis API. Set to V(false) to choose the connection yourself.
    type: bool
    default: true
  controller_python:
    description:
      - Set C(ansible_python_interpreter) on every host to the Python that runs Ansible on the controller, where the
        C(requests) library the modules need is installed. Set to V(false) to choose the interpreter yourself.
    type: bool
    default: true
notes:
  - O(username), O(password) and O(token) are templated when they hold a template in the inventory file (a lookup,
    or a C(!vault) value); values from the environment are used as they are, never templated.
  - One request per chassis and run, C(GET /api/status/chassis0); with caching on, a run that finds its data in the
    cache makes no request at all. The cache holds the slot facts of each chassis, never credentials.
  - Slot filters and O(include_empty) apply after the cache, so changing them needs no new request. Changing
    O(chassis), the user, between user and token, O(validate_certs), O(ca_path) or O(use_proxy) makes the cached
    data stale, so the plugin then reads the chassis again.
  - The cache is trusted for slot facts only, never for where a chassis is; C(lantime_host) always comes from
    O(chassis). Every cached value is checked like a device reply; an entry of another shape (an older release, a
    file edited by hand) is ignored with one warning and the chassis are read again. A corrupt cache file or a cache
    directory that cannot be used gives one warning and the chassis are read live.
  - A chassis that could not be read is remembered in the cache too (its warning is shown again on a cache hit);
    use C(--flush-cache) to read all chassis again.
seealso:
  - module: meinberg.lantime.slot_info
  - module: meinberg.lantime.rsc_info
'''

EXAMPLES = r'''
# lantime.ims.yml: every fitted slot of three chassis, credentials from the environment
# (LANTIME_USERNAME and LANTIME_PASSWORD, or LANTIME_TOKEN).
plugin: meinberg.lantime.ims
chassis:
  - ims1.example.net
  - ims2.example.net:8443
  - name: lab
    host: http://192.0.2.10:8080

# A second inventory file, rsc.ims.yml (shown as comments, since EXAMPLES is one YAML document):
# only the RSC cards and the clocks, with templated credentials and a cache.
# plugin: meinberg.lantime.ims
# chassis:
#   - name: fra-ims1
#     host: ims1.fra.example.net
#   - name: fra-ims2
#     host: ims2.fra.example.net
# username: monitor
# password: "{{ lookup('ansible.builtin.env', 'LANTIME_MONITOR_PASSWORD') }}"
# ca_path: /etc/pki/lantime-ca.pem
# slot_types: [rsc, clk]
# concurrency: 16
# timeout: 10
# retries: 1
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/lantime-inventory
# cache_timeout: 3600
# # Group the RSC cards by their switch mode, and the clocks by sync state.
# keyed_groups:
#   - key: lantime_rsc_switch_mode
#     prefix: rsc_mode
#   - key: lantime_clock_status
#     prefix: clock
# groups:
#   rsc_manual: lantime_rsc_switch_mode == 'manual'
# compose:
#   site: lantime_chassis.split('-')[0]
'''

import hashlib
import json
import sys
import threading
import time

from concurrent.futures import ThreadPoolExecutor

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils import client as api
from ansible_collections.meinberg.lantime.plugins.module_utils import facts
from ansible_collections.meinberg.lantime.plugins.module_utils import connection
from ansible_collections.meinberg.lantime.plugins.module_utils.chassis_list import resolve_chassis, safe_group, safe_name
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import user_message
from ansible_collections.meinberg.lantime.plugins.plugin_utils.compat import make_plain, option_and_origin
from ansible_collections.meinberg.lantime.plugins.plugin_utils.unsafe import make_unsafe

try:
    import requests
except ImportError:  # the client reports the missing library
    requests = None

# 2: the entry holds a digest of the user and TLS settings it was read with ("binding"). 3: device records hold
# pending_changes.
CACHE_FORMAT = 3
RESULT_KEYS = frozenset(('name', 'url', 'device', 'slots', 'error'))
# The keys of facts.device_facts() and facts.slot_facts(): a cached entry may hold these and no other.
DEVICE_KEYS = frozenset(('hostname', 'model', 'serial_number', 'chassis_serial_number', 'firmware', 'api_version',
                         'ltos_version', 'rest_api_version', 'pending_changes'))
DEVICE_COUNT_KEYS = frozenset(('pending_changes',))
SLOT_KEYS = frozenset(('slot_id', 'slot_type', 'slot_position', 'fitted', 'model', 'serial_number',
                       'software_revision'))
SLOT_OPTIONAL_KEYS = frozenset(('clock_status', 'rsc_switch_mode', 'rsc_selected_clock'))
MAX_CONCURRENCY = 64
VAR_PREFIX = 'lantime_'
RSC_GROUP = VAR_PREFIX + 'rsc'
# One host per chassis (see one_per_chassis()); a name that no slot type of an IMS chassis has.
PER_CHASSIS_GROUP = VAR_PREFIX + 'one_per_chassis'
# The host variables that the plugin sets itself, not a device (see plugin_variables()).
PLUGIN_OWN_VARS = tuple(VAR_PREFIX + name for name in (
    'host', 'chassis', 'slot_id', 'rsc_switch_mode', 'rsc_selected_clock'))
# Host variable (without prefix) <- key of facts.device_facts().
DEVICE_VARS = (
    ('chassis_model', 'model'),
    ('chassis_hostname', 'hostname'),
    ('firmware', 'firmware'),
    ('api_version', 'api_version'),
    ('pending_changes', 'pending_changes'),
)


def host_vars(chassis_name, url, device, slot):
    """The host variables of one slot (before unsafe marking)."""
    result = {
        VAR_PREFIX + 'host': url,
        VAR_PREFIX + 'chassis': chassis_name,
        VAR_PREFIX + 'chassis_serial_number': device.get('chassis_serial_number') or device.get('serial_number'),
    }
    for var, key in DEVICE_VARS:
        result[VAR_PREFIX + var] = device.get(key)
    for key, value in slot.items():
        result[VAR_PREFIX + key] = value
    return result


def plugin_variables(raw_vars, fixed):
    """The host variables as the inventory holds them: what a device reported untemplatable (unsafe), what the
    plugin set itself plain, as Ansible's own settings are, so that AWX imports them as values.

    The plugin's own: fixed (ansible_connection, ansible_python_interpreter), lantime_host (from the chassis option),
    lantime_chassis (named by the plugin's rule), a slot id that is a plain id (the modules take no other), and the
    RSC words, which facts.py maps onto the collection's own vocabulary.
    """
    variables = make_unsafe(raw_vars)
    for key in PLUGIN_OWN_VARS:
        value = raw_vars.get(key)
        if key == VAR_PREFIX + 'slot_id' and not api_map.is_plain_slot_id(value):
            continue
        if isinstance(value, str):
            variables[key] = make_plain(value)
    for key, value in fixed.items():
        variables[key] = make_plain(value)
    return variables


def one_per_chassis(plan):
    """One host of each chassis, for the plays that act on a chassis once: its RSC card, else its first host."""
    chosen = {}
    for host, chassis_group, type_group, dummy, dummy in plan:
        if chassis_group not in chosen or (type_group == RSC_GROUP and chosen[chassis_group][1] != RSC_GROUP):
            chosen[chassis_group] = (host, type_group)
    return set(host for host, dummy in chosen.values())


def read_chassis(client):
    """One chassis read: (device facts, [slot facts of every slot, in device order])."""
    return facts.chassis_facts(client.get(api_map.CHASSIS_STATUS_PATH))


class CacheEntryError(ValueError):
    """A cache entry this release did not write for this configuration: it is not used."""


def cache_binding(username, token, validate_certs, ca_path, use_proxy):
    """A digest of whose view of the chassis a cache entry holds and how it was read (never a secret itself)."""
    parts = {'username': None if username is None else str(username), 'token': bool(token),
             'validate_certs': bool(validate_certs), 'ca_path': None if ca_path is None else str(ca_path),
             'use_proxy': bool(use_proxy)}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode('utf-8')).hexdigest()


def _cached_text(value, where):
    # A device string is stripped and "unknown" spellings become None (facts.text); a cached one must be that already.
    if value is not None and (not isinstance(value, str) or facts.text(value) != value):
        raise CacheEntryError('%s is not text as the device reports it' % where)


def _check_cached_slot(slot, where):
    if not isinstance(slot, dict):
        raise CacheEntryError('%s is not a mapping' % where)
    keys = set(slot)
    if not keys >= SLOT_KEYS or not keys <= SLOT_KEYS | SLOT_OPTIONAL_KEYS:
        raise CacheEntryError('%s does not have the keys of a slot' % where)
    if not isinstance(slot['fitted'], bool):
        raise CacheEntryError('%s: fitted is not true or false' % where)
    for key in ('slot_id', 'slot_type', 'slot_position', 'model', 'serial_number', 'software_revision',
                'clock_status'):
        _cached_text(slot.get(key), '%s: %s' % (where, key))
    for key, allowed in (('rsc_switch_mode', api_map.SWITCH_MODES), ('rsc_selected_clock', api_map.CLOCK_IDS)):
        value = slot.get(key)
        if value is not None and (not isinstance(value, str) or facts.choice(value, allowed) != value):
            raise CacheEntryError('%s: %s is not a value the card reports' % (where, key))


def _check_cached_result(result, chassis, index):
    where = 'chassis #%d' % (index + 1)
    if not isinstance(result, dict) or set(result) != RESULT_KEYS:
        raise CacheEntryError('%s is not a chassis record' % where)
    if result['name'] != chassis['name'] or result['url'] != chassis['url']:
        # The chassis list matched, so only a hand-made or tampered entry gets here.
        raise CacheEntryError('%s is recorded under another name or address than the configured %r'
                              % (where, chassis['name']))
    if result['error'] is not None:
        if not isinstance(result['error'], str) or result['device'] is not None or result['slots'] is not None:
            raise CacheEntryError('%s: its error is not a text alone' % where)
        return
    device, slots = result['device'], result['slots']
    if not isinstance(device, dict) or set(device) != DEVICE_KEYS:
        raise CacheEntryError('%s: its device record does not have the expected keys' % where)
    for key in sorted(DEVICE_KEYS - DEVICE_COUNT_KEYS):
        _cached_text(device[key], '%s: %s' % (where, key))
    for key in sorted(DEVICE_COUNT_KEYS):
        if device[key] is not None and facts.count(device[key]) != device[key]:
            raise CacheEntryError('%s: %s is not a count' % (where, key))
    if not isinstance(slots, list):
        raise CacheEntryError('%s: its slots are not a list' % where)
    for number, slot in enumerate(slots):
        _check_cached_slot(slot, '%s, slot #%d' % (where, number + 1))


def cached_results(entry, chassis_list, binding):
    """The chassis results of a cache entry when it may stand in for reading these chassis, else None.

    None: the entry was written for another chassis list, user or TLS settings (a changed configuration).
    CacheEntryError: the entry is not one this release writes (an older release, a hand-edited or tampered file),
    or it names a configured chassis under another address.
    Each result comes back with the configured name and address, never ones read from the cache.
    """
    if not isinstance(entry, dict):
        raise CacheEntryError('it is a %s, not a mapping' % type(entry).__name__)
    if entry.get('format') != CACHE_FORMAT or set(entry) != set(('format', 'chassis', 'binding', 'results')):
        raise CacheEntryError('it was not written in the format of this release (%d)' % CACHE_FORMAT)
    fingerprint = [[c['name'], c['url']] for c in chassis_list]
    if not isinstance(entry['chassis'], list) or not isinstance(entry['binding'], str):
        raise CacheEntryError('its chassis list or binding is malformed')
    if entry['chassis'] != fingerprint or entry['binding'] != binding:
        return None
    results = entry['results']
    if not isinstance(results, list) or len(results) != len(chassis_list):
        raise CacheEntryError('it does not hold one record per chassis')
    checked = []
    for index, (result, chassis) in enumerate(zip(results, chassis_list)):
        _check_cached_result(result, chassis, index)
        checked.append({'name': chassis['name'], 'url': chassis['url'], 'device': result['device'],
                        'slots': result['slots'], 'error': result['error'], 'warnings': []})
    return checked


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'meinberg.lantime.ims'

    def __init__(self):
        super(InventoryModule, self).__init__()
        self._local = threading.local()
        self._sessions = []
        self._sessions_lock = threading.Lock()
        self._credentials = None
        self._options_ready = False
        self._cache_off = False

    def set_options(self, task_keys=None, var_options=None, direct=None):
        super(InventoryModule, self).set_options(task_keys=task_keys, var_options=var_options, direct=direct)
        self._options_ready = True

    def verify_file(self, path):
        if super(InventoryModule, self).verify_file(path):
            return path.endswith(('ims.yml', 'ims.yaml'))
        return False

    # -- options ---------------------------------------------------------------------------------------------------
    def _template_option(self, name):
        """The option's value, templated when it comes from the inventory file (never from the environment)."""
        value, origin = option_and_origin(self, name)
        if value is None:
            return None
        if str(origin).startswith('env'):
            # Like the modules' env fallback: an environment value is taken as it is.
            return str(value)
        if isinstance(value, str) and self.templar.is_template(value):
            try:
                value = self.templar.template(value)
            except Exception as exc:
                raise AnsibleError('%s: the %s option could not be templated: %s'
                                   % (self.NAME, name, to_native(exc).split('\n')[0]))
        elif not isinstance(value, str):
            # e.g. an encrypted (vault) value that is not a plain string
            value = self.templar.template(value)
        return None if value is None else str(value)

    def _connection(self):
        """Templated credentials and connection settings, resolved once per run and only when a chassis is read."""
        if self._credentials is None:
            timeout, retries = self.get_option('timeout'), self.get_option('retries')
            username = self._template_option('username')
            password = self._template_option('password')
            token = self._template_option('token')
            problems = connection.connection_problems(
                username=username, password=password, token=token, validate_certs=self.get_option('validate_certs'),
                ca_path=self.get_option('ca_path'), timeout=timeout, retries=retries)
            if problems:
                raise AnsibleError('%s: invalid options: %s' % (self.NAME, '; '.join(problems)))
            problem = connection.credential_problem(username, password, token, 'in the inventory file')
            if problem:
                raise AnsibleError('%s: %s' % (self.NAME, problem))
            self._credentials = dict(
                username=username, password=password, token=token,
                validate_certs=self.get_option('validate_certs'), ca_path=self.get_option('ca_path'),
                use_proxy=self.get_option('use_proxy'), timeout=timeout, retries=retries)
        return self._credentials

    # -- reading ---------------------------------------------------------------------------------------------------
    def _session(self):
        session = getattr(self._local, 'session', None)
        if session is None:
            session = self._local.session = requests.Session()
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def _read_one(self, chassis):
        """Read one chassis in a worker thread; never raises."""
        result = {'name': chassis['name'], 'url': chassis['url'], 'device': None, 'slots': None, 'error': None,
                  'warnings': []}
        client = None
        try:
            client = api.LantimeClient(chassis['url'], session=self._session(),
                                       user_agent_extra='ansible-core/%s inventory' % ANSIBLE_VERSION,
                                       **self._credentials)
            result['device'], result['slots'] = read_chassis(client)
            # plain HTTP is said once for all chassis, in _read_all
            result['warnings'] = [w for w in client.warnings if not w.startswith(client.host + ': the credentials go')]
        except Exception as exc:  # pylint: disable=broad-except
            # One odd chassis must not take the whole inventory down; keep the reason, never a secret.
            result['error'] = user_message(exc, chassis['url'].split('://', 1)[1], redact=self._redactor(client),
                                           unexpected=lambda where, error: '%s: %s' % (type(error).__name__, error))['msg']
        return result

    def _redactor(self, client):
        def redact(text):
            text = client.redact(text) if client else text
            for secret in (self._credentials.get('password'), self._credentials.get('token')):
                if secret:
                    text = text.replace(secret, '********')
            return text
        return redact

    def _read_all(self, chassis_list):
        self._connection()
        if requests is None:
            raise AnsibleError('%s: the Python library requests is needed on the controller: pip install requests'
                               % self.NAME)
        plain = [c['name'] for c in chassis_list if c['url'].startswith('http://')]
        if plain:
            self.display.warning('%s: the credentials go over plain HTTP, readable by anyone on the network, to %d '
                                 'chassis (%s); use https:// unless this management network is trusted'
                                 % (self.NAME, len(plain), ', '.join(plain[:5]) + (', ...' if len(plain) > 5 else '')))
        workers = max(1, min(self.get_option('concurrency'), len(chassis_list)))
        try:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix='lantime-ims') as pool:
                # map() keeps the configuration order, whatever order the replies come in.
                return list(pool.map(self._read_one, chassis_list))
        finally:
            for session in self._sessions:
                session.close()
            self._sessions = []
            self._local = threading.local()

    # -- the plugin entry point ------------------------------------------------------------------------------------
    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache=cache)
        self._credentials = None  # one instance may parse several sources
        self._options_ready = self._cache_off = False
        try:
            self._read_config_data(path)
        except Exception as exc:  # pylint: disable=broad-except
            # Once the options are set, all that is left to fail in _read_config_data is loading the cache plugin
            # (a cache directory that cannot be made or used): the chassis are then read live.
            if not (self._options_ready and self.get_option('cache')):
                raise
            self._cache_off = True
            self.display.warning('%s: the inventory cache cannot be used (%s); the chassis are read live and nothing '
                                 'is cached' % (self.NAME, self._reason(exc)))

        try:
            chassis_list, name_warnings = resolve_chassis(self.get_option('chassis'))
        except ValueError as exc:
            raise AnsibleParserError('%s: %s' % (self.NAME, exc))
        concurrency = self.get_option('concurrency')
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or not 1 <= concurrency <= MAX_CONCURRENCY:
            raise AnsibleParserError('%s: concurrency must be a whole number from 1 to %d, got %s'
                                     % (self.NAME, MAX_CONCURRENCY, concurrency))
        for warning in name_warnings:
            self.display.warning('%s: %s' % (self.NAME, warning))

        cache_key = self.get_cache_key(path)
        user_cache = self.get_option('cache') and not self._cache_off
        read_cache = user_cache and cache
        update_cache = user_cache and not cache
        results = None
        if read_cache:
            results = self._from_cache(cache_key, chassis_list)
            if results is None:
                update_cache = True
            else:
                self.display.vvv('%s: %d chassis from the cache, no request made' % (self.NAME, len(results)))
        if results is None:
            started = time.monotonic()
            results = self._read_all(chassis_list)
            self.display.vvv('%s: read %d chassis in %.2f s (%d failed)' % (
                self.NAME, len(results), time.monotonic() - started, len([r for r in results if r['error']])))

        errors = ['%s (%s): %s' % (r['name'], r['url'], r['error']) for r in results if r['error']]
        if errors and self.get_option('fail_on_errors'):
            raise AnsibleError('%s: %d of %d chassis could not be read (fail_on_errors is on, no host added):\n%s'
                               % (self.NAME, len(errors), len(results), '\n'.join(errors)))

        if update_cache:
            self._to_cache(cache_key, {
                'format': CACHE_FORMAT, 'chassis': [[c['name'], c['url']] for c in chassis_list],
                'binding': self._cache_binding(),
                'results': [dict((k, v) for k, v in r.items() if k != 'warnings') for r in results],
            })

        for result in results:
            for warning in result.get('warnings') or []:
                self.display.warning(warning)
        for error in errors:
            self.display.warning('%s: %s; its slots are left out' % (self.NAME, error))
        started = time.monotonic()
        added = self._populate(results)
        self.display.vvv('%s: added %d hosts in %.2f s' % (self.NAME, added, time.monotonic() - started))

    # -- the cache -------------------------------------------------------------------------------------------------
    def _cache_binding(self):
        return cache_binding(self._template_option('username'), self.get_option('token'),
                             self.get_option('validate_certs'), self.get_option('ca_path'), self.get_option('use_proxy'))

    @staticmethod
    def _reason(exc):
        text = to_native(exc).strip().split('\n')[0]
        cause = exc.__cause__ or exc.__context__
        if cause is not None and to_native(cause) not in text:
            text = '%s: %s' % (text, to_native(cause).strip().split('\n')[0])
        return text or exc.__class__.__name__

    def _from_cache(self, cache_key, chassis_list):
        """The cached results for these chassis, or None (then they are read live and the cache is rewritten)."""
        try:
            entry = self._cache[cache_key]
        except KeyError:
            return None
        except Exception as exc:  # pylint: disable=broad-except
            # A corrupt file or an unreadable cache directory: the cache plugins raise from get().
            self.display.warning('%s: the inventory cache could not be read (%s); the chassis are read live'
                                 % (self.NAME, self._reason(exc)))
            return None
        try:
            results = cached_results(entry, chassis_list, self._cache_binding())
        except CacheEntryError as exc:
            self.display.warning('%s: the inventory cache entry of this source is not used: %s; the chassis are '
                                 'read again' % (self.NAME, exc))
            return None
        if results is None:
            self.display.vvv('%s: the cache entry was written for other chassis, another user or other TLS settings'
                             % self.NAME)
        return results

    def _to_cache(self, cache_key, entry):
        """Write the cache now, so that a failure is one warning and not a failed inventory source."""
        self._cache[cache_key] = entry
        try:
            self.set_cache_plugin()
        except Exception as exc:  # pylint: disable=broad-except
            self._cache_off = True
            self.display.warning('%s: the inventory cache could not be written (%s); the next run reads the chassis '
                                 'again' % (self.NAME, self._reason(exc)))

    def update_cache_if_changed(self):
        # parse() has written the cache already, or said once why it could not.
        if not self._cache_off:
            super(InventoryModule, self).update_cache_if_changed()

    # -- building the inventory ------------------------------------------------------------------------------------
    def _populate(self, results):
        slot_types = self.get_option('slot_types')
        include_empty = self.get_option('include_empty')
        strict = self.get_option('strict')
        fixed = {}
        if self.get_option('local_connection'):
            fixed['ansible_connection'] = 'local'
        if self.get_option('controller_python'):
            fixed['ansible_python_interpreter'] = sys.executable

        # Plan first, so that groups are created in a stable, readable order: lantime, the chassis groups in the
        # order of the configuration, the slot type groups sorted, lantime_empty.
        owners = {}  # group or host name -> chassis name, to spot collisions
        plan = []
        chassis_groups = []
        type_groups = set()
        serials = {}
        for result in results:
            if result['error']:
                continue
            # The same chassis under two addresses answers with the same identity; anonymised or placeholder serial
            # numbers alone would join distinct chassis, so model and host name must match too.
            device = result['device'] or {}
            identity = (device.get('serial_number'), device.get('model'), device.get('hostname'))
            if identity[0] and identity in serials:
                self.display.warning('%s: chassis %r (%s) reports the same serial number, model and host name as '
                                     'chassis %r; it is the same chassis under two addresses, so its slots are added '
                                     'once, under %r' % (self.NAME, result['name'], result['url'], serials[identity],
                                                         serials[identity]))
                continue
            if identity[0]:
                serials[identity] = result['name']
            try:
                slots = facts.select_slots(result['slots'], slot_types, include_empty)
            except Exception as exc:  # pylint: disable=broad-except
                # Cached data from an older release, or a reply no rule foresaw: this chassis only is left out.
                self.display.warning('%s: chassis %r (%s): its slot data cannot be used (%s); its slots are left out'
                                     % (self.NAME, result['name'], result['url'], type(exc).__name__))
                continue
            self._warn_rsc_candidates(result)
            if not slots:
                continue
            chassis_group = self._unique(owners, 'lantime_chassis_' + safe_group(result['name']), result['name'],
                                         'group', '_')
            chassis_groups.append(chassis_group)
            for slot in slots:
                host = self._unique(owners, '%s_%s' % (result['name'], safe_name(slot['slot_id'] or 'slot')),
                                    result['name'], 'host', '-')
                type_group = 'lantime_' + safe_group((slot['slot_type'] or 'unknown').lower())
                type_groups.add(type_group)
                plan.append((host, chassis_group, type_group, slot['fitted'],
                             host_vars(result['name'], result['url'], result['device'], slot)))

        # lantime and lantime_rsc exist even when no chassis answered, so that a pattern naming them matches nothing
        # rather than failing as an unknown group.
        groups = ['lantime'] + chassis_groups + sorted(type_groups | set([RSC_GROUP])) + [PER_CHASSIS_GROUP]
        if not all(entry[3] for entry in plan):
            groups.append('lantime_empty')
        for group in groups:
            self.inventory.add_group(group)
        compose, composed_groups, keyed_groups = self.get_option('compose'), self.get_option('groups'), self.get_option('keyed_groups')
        per_chassis = one_per_chassis(plan)
        for host, chassis_group, type_group, fitted, raw_vars in plan:
            variables = plugin_variables(raw_vars, fixed)
            self.inventory.add_host(host, group='lantime')
            self.inventory.add_child(chassis_group, host)
            self.inventory.add_child(type_group, host)
            if host in per_chassis:
                self.inventory.add_child(PER_CHASSIS_GROUP, host)
            if not fitted:
                self.inventory.add_child('lantime_empty', host)
            for key, value in variables.items():
                self.inventory.set_variable(host, key, value)
            self._set_composite_vars(compose, variables, host, strict=strict)
            self._add_host_to_composed_groups(composed_groups, variables, host, strict=strict)
            self._add_host_to_keyed_groups(keyed_groups, variables, host, strict=strict)
        return len(plan)

    def _warn_rsc_candidates(self, result):
        """A chassis with several slots that hold an RSC card: the tasks on it must name the card."""
        candidates = facts.rsc_candidate_ids(result['slots'])
        if len(candidates) > 1:
            self.display.warning('%s: chassis %r (%s) has several slots that hold an RSC card (%s); each is a host of '
                                 'its own in lantime_rsc, and a task on this chassis must name its card with slot '
                                 '(lantime_slot_id); none is chosen on its own'
                                 % (self.NAME, result['name'], result['url'], ', '.join(candidates)))

    def _unique(self, owners, name, chassis_name, kind, separator):
        """name, or name with a numeric suffix when another chassis (or an earlier slot) already has it."""
        final = name
        suffix = 2
        while final in owners:
            final = '%s%s%d' % (name, separator, suffix)
            suffix += 1
        if final != name:
            self.display.warning('%s: the %s name %r of chassis %r is already used by chassis %r; this one is named %r'
                                 % (self.NAME, kind, name, chassis_name, owners[name], final))
        owners[final] = chassis_name
        return final
