# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: the connection options, in one table.

Each option once: its type, its default for the modules and for the plugins (inventory plugin, rsc_events source),
its LANTIME_* environment variable, the host variable the action plugins read, whether it is a secret, and the check
that finds a value that cannot work. The modules' argument spec, the action plugins' host variables, the inventory
plugin's and the event source's options and the doc fragment meinberg.lantime.connection are all made from it.
Imports nothing from the collection but errors.py and nothing from Ansible but the environment fallback.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
from collections import namedtuple

from ansible.module_utils.common.parameters import env_fallback

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import ConfigurationError

HOST_VARIABLE_PREFIX = 'lantime_'
MAX_TIMEOUT = 3600
MAX_RETRIES = 10
VISIBLE_ASCII = re.compile(r'^[\x21-\x7e]+$')
UNPRINTABLE = re.compile(r'[\x00-\x1f\x7f]')


def base_url(host):
    """Turn a hostname, host:port or full URL into a base URL without a trailing slash.

    The ValueError texts never repeat an address that holds user information (it may hold a password).
    """
    if not isinstance(host, str) or not host.strip():
        raise ValueError('host is empty: give a hostname, host:port or URL of the device')
    host = host.strip()
    if '@' in host:
        # user:password@ (a password may hold "/" too); never repeated in a message
        raise ValueError('the address holds user information ("user:password@"); give the credentials with the '
                         'username and password (or token) options instead')
    if '://' not in host:
        host = 'https://' + host
    scheme, rest = host.split('://', 1)
    netloc = rest.split('/', 1)[0]
    if scheme.lower() not in ('http', 'https'):
        raise ValueError('host %r has scheme %r: use https:// or http://' % (host, scheme))
    if not netloc or netloc.startswith(':') or UNPRINTABLE.search(host) or ' ' in netloc:
        raise ValueError('host %r is not a valid hostname, host:port or URL' % host)
    return '%s://%s' % (scheme.lower(), rest.rstrip('/'))


def _short(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + '...'


# -- the checks of the table: each returns the problem's text, or None ------------------------------------------------
def _check_host(value):
    try:
        base_url(value)
    except ValueError as exc:
        return 'host: %s' % exc
    return None


def _check_timeout(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_TIMEOUT:
        return 'timeout: must be a number of seconds from 1 to %d, got %s' % (MAX_TIMEOUT, _short(value))
    return None


def _check_retries(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RETRIES:
        return 'retries: must be a whole number from 0 to %d, got %s' % (MAX_RETRIES, _short(value))
    return None


def _check_token(value):
    if value is not None and not (isinstance(value, str) and VISIBLE_ASCII.match(value)):
        return 'token: must be the token text the device issued (visible ASCII characters only, no spaces)'
    return None


def _check_text(name):
    def check(value):
        if value is not None and (not isinstance(value, str) or UNPRINTABLE.search(value)):
            return '%s: must be text without control characters' % name
        return None
    return check


Option = namedtuple('Option', 'name type default plugin_default env host_var secret check choices')


def _option(name, kind, default, plugin_default, secret=False, check=None, choices=None):
    return Option(name, kind, default, plugin_default, 'LANTIME_' + name.upper(), HOST_VARIABLE_PREFIX + name, secret,
                  check, choices)


# THE table. default: the modules'; plugin_default: the inventory plugin's and the event source's (a dead chassis
# must delay an inventory run by seconds). env: the LANTIME_* variable; host_var: the host variable the action plugins
# read when the task does not set the option (the modules' only). check: what makes a value unusable.
OPTIONS = (
    _option('host', 'str', None, None, check=_check_host),
    _option('username', 'str', None, None, check=_check_text('username')),
    _option('password', 'str', None, None, secret=True, check=_check_text('password')),
    _option('token', 'str', None, None, secret=True, check=_check_token),
    _option('validate_certs', 'bool', True, True),
    _option('ca_path', 'path', None, None),
    _option('use_proxy', 'bool', True, True),
    _option('timeout', 'int', 30, 10, check=_check_timeout),
    _option('retries', 'int', 3, 1, check=_check_retries),
    # How the device takes a configuration write (api_map.WRITE_STYLES). The plugins never write, so it is the
    # modules' only.
    _option('write_style', 'str', api_map.DEFAULT_WRITE_STYLE, None, choices=api_map.WRITE_STYLE_NAMES),
)
BY_NAME = dict((option.name, option) for option in OPTIONS)
# The plugins (inventory, event source) take the chassis addresses elsewhere and never write: every option but host
# and write_style.
PLUGIN_OPTIONS = tuple(option for option in OPTIONS if option.name not in ('host', 'write_style'))
# The order in which problems are reported (the messages users know).
CHECK_ORDER = ('host', 'timeout', 'retries', 'token', 'username', 'password')
# No connection option is required in the argument spec: host and the credentials may come from host variables
# or the environment, so missing_options() says what is missing and where it was looked for.


def argument_spec():
    """The connection options as an Ansible argument spec (the modules and their action plugins)."""
    spec = {}
    for option in OPTIONS:
        entry = dict(type=option.type, fallback=(env_fallback, [option.env]))
        if option.default is not None:
            entry['default'] = option.default
        if option.secret:
            entry['no_log'] = True
        if option.choices:
            entry['choices'] = list(option.choices)
        spec[option.name] = entry
    return spec


def connection_problems(host=None, username=None, password=None, token=None, validate_certs=True, ca_path=None,
                        timeout=30, retries=3):
    """Every reason these connection settings cannot work, found before any request (empty when they are fine).

    The client, the modules, the inventory plugin and the event source all validate here (the plugins check each
    chassis address apart and pass host=None). No text repeats a secret.
    """
    values = dict(host=host, username=username, password=password, token=token, timeout=timeout, retries=retries)
    problems = []
    for name in CHECK_ORDER:
        if name == 'host' and host is None:
            continue
        problem = BY_NAME[name].check(values[name])
        if problem:
            problems.append(problem)
    if username is not None and isinstance(username, str) and ':' in username:
        problems.append('username: must not contain ":" (HTTP Basic authentication cannot carry it)')
    if validate_certs and ca_path and not os.path.exists(str(ca_path)):
        problems.append('ca_path: %s does not exist; give the PEM file of the CA that signed the device '
                        'certificate' % ca_path)
    return problems


def checked_base_url(host, username=None, password=None, token=None, validate_certs=True, ca_path=None, timeout=30,
                     retries=3):
    """The base URL of host, once the settings are found to work; else ConfigurationError with every problem."""
    problems = connection_problems(host, username, password, token, validate_certs, ca_path, timeout, retries)
    if problems:
        raise ConfigurationError('invalid options: ' + '; '.join(problems))
    return base_url(host)


def _looked_for(name):
    """Where a module looked for an option: 'X on the task, as the host variable lantime_X, or in LANTIME_X'."""
    option = BY_NAME[name]
    return '%s on the task, as the host variable %s, or in %s' % (option.name, option.host_var, option.env)


def missing_options(params):
    """The modules' rule for the options they cannot do without (host, credentials), or None.

    Each message says where the option was looked for: the task (module_defaults included), the host variable
    lantime_<option>, the LANTIME_* environment.
    """
    problems = []
    if params.get('host') is None:
        problems.append('no device address: set %s (the inventory plugin meinberg.lantime.ims sets lantime_host for '
                        'every slot host)' % _looked_for('host'))
    username, password, token = params.get('username'), params.get('password'), params.get('token')
    if username is None and token is None:
        problems.append('no credentials: set username and password (or token) on the task, as host variables '
                        'lantime_username/lantime_password (or lantime_token), or in LANTIME_USERNAME/'
                        'LANTIME_PASSWORD (or LANTIME_TOKEN)')
    elif username is not None and password is None:
        problems.append('username is set but password is not: set %s' % _looked_for('password'))
    elif username is None and password is not None:
        problems.append('password is set but username is not: set %s' % _looked_for('username'))
    return '; '.join(problems) or None


def credential_problem(username, password, token, given):
    """The plugins' rule for credentials (the modules have missing_options()), or None.

    given: where the plugin's user gives options ("in the inventory file", "as options").
    """
    env = dict((option.name, option.env) for option in PLUGIN_OPTIONS)
    if not token and not username:
        return ('give username and password (or token), %s or in %s and %s (or %s)'
                % (given, env['username'], env['password'], env['token']))
    if username and password is None:
        return 'username is set but password is not (option password or %s)' % env['password']
    return None
