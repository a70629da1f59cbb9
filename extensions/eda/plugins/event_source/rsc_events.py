# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""meinberg.lantime.rsc_events: an Event-Driven Ansible source that watches the RSC cards of LANTIME IMS chassis."""

from __future__ import annotations

import asyncio
import datetime
import math
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

DOCUMENTATION = r'''
name: rsc_events
short_description: Events when an RSC card of a Meinberg LANTIME IMS chassis switches, loses sync or changes mode
version_added: 0.2.0
description:
  - Polls every chassis in O(chassis) with one C(GET /api/status/chassis0) request per O(interval) (the same read
    as M(meinberg.lantime.rsc_info)) and puts an event on the queue only when something changed between two polls.
  - Chassis are polled concurrently and independently; a slow or dead chassis delays no other.
  - "Event types: C(switchover) (the selected clock changed, or the switchover count went up), C(mode_changed),
    C(front_panel_changed), C(sync_lost) and C(sync_restored) (per clock, with C(clock)), C(failover_ready_changed),
    C(alarm_raised) and C(alarm_cleared) (one per alarm, with C(alarm)), C(pending_changes_changed) (the chassis'
    staged configuration changes, C(changes.pending-changes), went up or down; C(before) and C(after) are the counts),
    C(unreachable) and C(reachable) (once each way, with C(error)), and C(startup) with O(startup_event=true)."
  - "Every event is C({lantime: {type, chassis, host, slot, before, after, rsc, time, inventory_host, count,
    first_time}}): C(chassis) is the chassis name as the inventory plugin M(meinberg.lantime.ims) names it, C(host)
    the API address, C(rsc) the RSC facts as M(meinberg.lantime.rsc_info) returns them, C(time) the UTC time of the
    poll that saw the change, C(inventory_host) the inventory plugin's host name of the RSC slot, C(count) the number
    of changes the event stands for (1 unless storm control held some back), C(first_time) the poll of the first."
  - No event holds a username, password or token.
  - "In every string a device supplies (keys and values, at any depth) the characters C({), C(}), C(\\), C(#) and C($)
    are replaced by their full-width forms, wherever they stand, so that no event field, nor two of them joined by a
    rule, can become a template in ansible-rulebook or in a playbook."
  - "Storm control: a kind of change (its type, and its clock or alarm) that gave an event on a chassis within the
    last O(min_event_interval) seconds is held back and counted; the changes held leave as one event with C(count),
    C(first_time) and the latest state at the first poll after the interval. A single change still gives its event
    at the poll that sees it."
  - A chassis that stops answering, times out, answers HTTP 5xx or sends a malformed reply is reported as
    C(unreachable) once the client's O(retries) are used up, and as C(reachable) when it answers again, followed by
    whatever changed meanwhile.
author:
  - meinberg.lantime maintainers (@meinberg-lantime)
options:
  chassis:
    description:
      - The chassis to watch, in the same forms as the inventory plugin M(meinberg.lantime.ims) takes.
      - Each entry is an address (a host name, C(host:port) or a full URL; without a scheme, C(https://) is used), or
        a mapping with C(host) and optionally C(name).
    type: list
    elements: raw
    required: true
  username:
    description:
      - User name for HTTP Basic authentication (any user level can read).
      - If not set, the value of the E(LANTIME_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password for O(username).
      - If not set, the value of the E(LANTIME_PASSWORD) environment variable is used.
    type: str
  token:
    description:
      - A bearer token from the device's C(PUT /api/get-token).
      - If not set, the value of the E(LANTIME_TOKEN) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the devices' TLS certificates.
      - If not set, the value of the E(LANTIME_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file with the CA certificate(s) that signed the devices' certificates.
      - If not set, the value of the E(LANTIME_CA_PATH) environment variable is used.
    type: path
  use_proxy:
    description:
      - Use the proxy set in the environment.
      - If not set, the value of the E(LANTIME_USE_PROXY) environment variable is used.
    type: bool
    default: true
  timeout:
    description:
      - Seconds one HTTP request may take in all, from connecting to the last byte of the reply (1 to 3600).
      - If not set, the value of the E(LANTIME_TIMEOUT) environment variable is used.
    type: int
    default: 10
  retries:
    description:
      - How many times a failed read is retried (connection error, HTTP 429, 502, 503, 504) before the chassis counts
        as unreachable.
      - If not set, the value of the E(LANTIME_RETRIES) environment variable is used.
    type: int
    default: 1
  interval:
    description:
      - Seconds between two polls of the same chassis. Each chassis gets one request per interval.
    type: float
    default: 10
  concurrency:
    description:
      - How many chassis are read at the same time (worker threads). Keep it at least the number of chassis that
        may be dead at once, so that they cannot hold up the others.
    type: int
    default: 16
  startup_event:
    description:
      - Emit one C(startup) event per card with its state on the first successful read.
    type: bool
    default: false
  min_event_interval:
    description:
      - Storm control, per chassis and kind of change (event type, and the clock or alarm it is about), in seconds.
      - A change of a kind that gave no event within this time gives its event at once. More changes of that kind
        within it are counted and leave as one event, at the first poll at least this long after the last event of
        that kind, with C(count) (how many changes it stands for), C(first_time) (the poll that saw the first),
        C(before) of the first, C(after) and C(rsc) of the latest.
      - A flapping chassis so gives at most one event per kind and interval instead of several per poll.
      - C(0) turns storm control off (every change is an event at once).
    type: float
    default: 30
requirements:
  - requests (Python library, in the decision environment)
  - ansible-core (in the decision environment; ansible-rulebook needs it to find collections)
notes:
  - Load on the devices is one C(GET /api/status/chassis0) per chassis and O(interval), plus the retries of a failing
    read.
  - Changes held back by storm control are lost when the source stops before their interval ends.
seealso:
  - module: meinberg.lantime.rsc_info
'''

EXAMPLES = r'''
- name: Watch the RSC cards
  hosts: all
  sources:
    - meinberg.lantime.rsc_events:
        chassis:
          - ims1.fra.example.net
          - name: lab
            host: http://192.0.2.10:8080
        interval: 5
        # username/password from LANTIME_USERNAME and LANTIME_PASSWORD
  rules:
    - name: Failover
      condition: event.lantime.type == "switchover"
      action:
        print_event:
          pretty: true
'''


def _collection_root_on_path():
    """Make ansible_collections.meinberg.lantime importable when ansible-rulebook runs this file by path."""
    try:
        import ansible_collections.meinberg.lantime.plugins.module_utils.events  # noqa: F401 pylint: disable=unused-import
        return
    except ImportError:
        pass
    # <root>/ansible_collections/meinberg/lantime/extensions/eda/plugins/event_source/rsc_events.py
    here = os.path.abspath(__file__)
    parts = here.split(os.sep)
    if len(parts) > 8 and parts[-8:-5] == ['ansible_collections', 'meinberg', 'lantime']:
        root = os.sep.join(parts[:-8])
        if root not in sys.path:
            # ansible_collections is a namespace package: its path follows sys.path.
            sys.path.insert(0, root)


_collection_root_on_path()

# pylint: disable=wrong-import-position
from ansible.module_utils.parsing.convert_bool import boolean  # noqa: E402

from ansible_collections.meinberg.lantime.plugins.module_utils.chassis_list import resolve_chassis, safe_name  # noqa: E402
from ansible_collections.meinberg.lantime.plugins.module_utils import client as api  # noqa: E402
from ansible_collections.meinberg.lantime.plugins.module_utils import connection  # noqa: E402
from ansible_collections.meinberg.lantime.plugins.module_utils import events  # noqa: E402
from ansible_collections.meinberg.lantime.plugins.module_utils import rsc_card  # noqa: E402
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import user_message  # noqa: E402

USER_AGENT = 'ansible-rulebook rsc_events'
# The connection options, as the inventory plugin takes them (module_utils/connection.py).
CONNECTION_OPTIONS = dict((option.name, option) for option in connection.PLUGIN_OPTIONS)
SOURCE_OPTIONS = {'chassis': None, 'interval': 10.0, 'concurrency': 16, 'startup_event': False,
                  'min_event_interval': events.DEFAULT_MIN_EVENT_INTERVAL}


class ConfigError(ValueError):
    """An option the source cannot work with; the text names the option, never a secret."""


def _convert(name, kind, value):
    try:
        if kind == 'bool':
            return boolean(value, strict=True)
        if kind == 'int':
            if isinstance(value, bool):
                raise ValueError()
            return int(value)
        if kind == 'float':
            if isinstance(value, bool):
                raise ValueError()
            return float(value)
        if kind == 'path':
            return os.path.expanduser(str(value))
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError('rsc_events: %s must be of type %s' % (name, kind)) from None


def parse_args(args: dict[str, Any], environ=None) -> dict[str, Any]:
    """The source's options with defaults and LANTIME_* fallbacks; raises ConfigError."""
    environ = os.environ if environ is None else environ
    args = dict(args or {})
    unknown = sorted(str(key) for key in args if key not in CONNECTION_OPTIONS and key not in SOURCE_OPTIONS)
    if unknown:
        raise ConfigError('rsc_events: unknown option(s) %s; the options are %s'
                          % (', '.join(unknown), ', '.join(sorted(list(SOURCE_OPTIONS) + list(CONNECTION_OPTIONS)))))
    config = {}
    for name, option in CONNECTION_OPTIONS.items():
        value = args.get(name)
        if value is None and environ.get(option.env) not in (None, ''):
            value = environ[option.env]
        config[name] = option.plugin_default if value is None else _convert(name, option.type, value)
    config['interval'] = _convert('interval', 'float', args.get('interval', SOURCE_OPTIONS['interval']))
    config['concurrency'] = _convert('concurrency', 'int', args.get('concurrency', SOURCE_OPTIONS['concurrency']))
    config['startup_event'] = _convert('startup_event', 'bool', args.get('startup_event', False))
    config['min_event_interval'] = _convert('min_event_interval', 'float',
                                            args.get('min_event_interval', SOURCE_OPTIONS['min_event_interval']))
    if config['interval'] <= 0:
        raise ConfigError('rsc_events: interval must be a positive number of seconds')
    if not (math.isfinite(config['min_event_interval']) and config['min_event_interval'] >= 0):
        raise ConfigError('rsc_events: min_event_interval must be 0 (off) or a positive number of seconds')
    if config['concurrency'] < 1:
        raise ConfigError('rsc_events: concurrency must be 1 or more')
    # The same checks as the modules and the inventory plugin make.
    problems = connection.connection_problems(**dict((key, config[key]) for key in CONNECTION_OPTIONS
                                                     if key != 'use_proxy'))
    if problems:
        raise ConfigError('rsc_events: invalid options: %s' % '; '.join(problems))
    problem = connection.credential_problem(config['username'], config['password'], config['token'], 'as options')
    if problem:
        raise ConfigError('rsc_events: %s' % problem)
    try:
        config['chassis'], config['warnings'] = resolve_chassis(args.get('chassis'))
    except ValueError as exc:
        raise ConfigError('rsc_events: %s' % exc) from None
    return config


def utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


class ChassisWatch:
    """One chassis: its client (own HTTP session), its change-detection state, its read."""

    def __init__(self, entry, config, stop):
        self.name = entry['name']
        self.url = entry['url']
        self.state = events.new_state()
        self.storm = events.StormControl(config['min_event_interval'])
        options = dict((key, config[key]) for key in CONNECTION_OPTIONS)
        # The client's pauses between retries end at once on shutdown.
        self.client = api.LantimeClient(self.url, sleep=stop.wait, user_agent_extra=USER_AGENT, **options)

    def read(self):
        """One poll (in a worker thread): (the RSC facts, the chassis' staged changes or None), or an Unreachable with
        the client's reason. Never raises."""
        try:
            rsc, device = rsc_card.read_rsc(self.client)[:2]
            return rsc, device['pending_changes']
        except Exception as exc:  # pylint: disable=broad-except
            # Whatever a device sends must not end the source; the reason is kept without secrets.
            return events.Unreachable(user_message(exc, self.client.host, redact=self.client.redact)['msg'])
        finally:
            # The client records every request for modules; a source that runs for months must not keep them.
            del self.client.api_calls[:]
            del self.client.warnings[:]

    def events_for(self, observation, startup_event, now):
        """The events of one poll; now is the poll's time on a monotonic clock (for storm control)."""
        pending = None
        if isinstance(observation, tuple):
            observation, pending = observation
        self.state, changes = events.step(self.state, observation, startup_event, pending_changes=pending)
        rsc = self.state['rsc']
        found = []
        for change in self.storm.feed(changes, now, utc_now()):
            slot = change.get('slot')
            found.append(events.make_event(change, self.name, self.url, rsc, change['time'],
                                           '%s_%s' % (self.name, safe_name(slot)) if slot else None))
        return found

    def close(self):
        try:
            self.client.session.close()
        except Exception:  # pylint: disable=broad-except
            pass


async def _watch(watch, config, queue, executor, stop, offset):
    loop = asyncio.get_running_loop()
    interval = config['interval']
    await asyncio.sleep(offset)
    next_poll = loop.time()
    while not stop.is_set():
        observation = await loop.run_in_executor(executor, watch.read)
        if stop.is_set():
            return
        for event in watch.events_for(observation, config['startup_event'], loop.time()):
            await queue.put(event)
        next_poll += interval
        now = loop.time()
        if next_poll < now:
            # The read took longer than the interval: poll again at once, but do not try to catch up.
            next_poll = now
        await asyncio.sleep(next_poll - now)


async def main(queue: asyncio.Queue, args: dict[str, Any]) -> None:
    """The event source entry point ansible-rulebook calls."""
    config = parse_args(args)
    for warning in config['warnings']:
        print('meinberg.lantime.rsc_events: %s' % warning, file=sys.stderr)
    stop = threading.Event()
    watches = [ChassisWatch(entry, config, stop) for entry in config['chassis']]
    executor = ThreadPoolExecutor(max_workers=min(config['concurrency'], len(watches)),
                                  thread_name_prefix='lantime-rsc-events')
    # The first polls are spread over the first interval (at most a second), so that a large fleet is not read in
    # one burst and the devices' load stays even.
    spread = min(config['interval'], 1.0)
    tasks = [asyncio.create_task(_watch(watch, config, queue, executor, stop, spread * index / len(watches)))
             for index, watch in enumerate(watches)]
    try:
        await asyncio.gather(*tasks)
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        executor.shutdown(wait=False, cancel_futures=True)
        for watch in watches:
            watch.close()


if __name__ == '__main__':
    # python rsc_events.py HOST [HOST...]: print the events (credentials from LANTIME_*), Ctrl-C to stop.
    class _PrintQueue:
        async def put(self, event):
            print(event, flush=True)

    try:
        asyncio.run(main(_PrintQueue(), {'chassis': sys.argv[1:], 'interval': 5, 'startup_event': True}))
    except KeyboardInterrupt:
        pass
