# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""What every module of the collection shares: the connection options and turning errors into results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
from ansible_collections.meinberg.lantime.plugins.module_utils import client as api
from ansible_collections.meinberg.lantime.plugins.module_utils.errors import ReplyShapeError

# The same environment variable names as the inventory plugin's options.
CONNECTION_ARGSPEC = dict(
    host=dict(type='str', required=True, fallback=(env_fallback, ['LANTIME_HOST'])),
    username=dict(type='str', fallback=(env_fallback, ['LANTIME_USERNAME'])),
    password=dict(type='str', no_log=True, fallback=(env_fallback, ['LANTIME_PASSWORD'])),
    token=dict(type='str', no_log=True, fallback=(env_fallback, ['LANTIME_TOKEN'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['LANTIME_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['LANTIME_CA_PATH'])),
    use_proxy=dict(type='bool', default=True, fallback=(env_fallback, ['LANTIME_USE_PROXY'])),
    timeout=dict(type='int', default=30, fallback=(env_fallback, ['LANTIME_TIMEOUT'])),
    retries=dict(type='int', default=3, fallback=(env_fallback, ['LANTIME_RETRIES'])),
)
CONNECTION_REQUIRED_TOGETHER = [('username', 'password')]
CONNECTION_REQUIRED_ONE_OF = [('username', 'token')]


def check_connection_params(params):
    """Reasons the connection options cannot work, found before any request (empty when they are fine)."""
    return api.connection_problems(
        host=params.get('host'), username=params.get('username'), password=params.get('password'),
        token=params.get('token'), validate_certs=params.get('validate_certs', True), ca_path=params.get('ca_path'),
        timeout=params.get('timeout'), retries=params.get('retries'))


def check_slot_option(module):
    """A given slot must be a plain slot id: it goes into request paths."""
    slot = module.params.get('slot')
    if slot is not None and not api_map.is_plain_slot_id(slot):
        module.fail('invalid options: slot: give a slot id such as rsc or clk1 (letters, digits, "-" and "_")')


def client_from_params(params, **kwargs):
    return api.LantimeClient(
        host=params['host'], username=params.get('username'), password=params.get('password'),
        token=params.get('token'), validate_certs=params.get('validate_certs', True), ca_path=params.get('ca_path'),
        use_proxy=params.get('use_proxy', True), timeout=params.get('timeout', 30), retries=params.get('retries', 3),
        **kwargs)


class LantimeModule:
    """An AnsibleModule with the connection options, a client, and results that carry api_calls."""

    def __init__(self, argument_spec, **kwargs):
        spec = dict(CONNECTION_ARGSPEC)
        spec.update(argument_spec)
        self.module = AnsibleModule(
            argument_spec=spec, supports_check_mode=True,
            required_together=CONNECTION_REQUIRED_TOGETHER + kwargs.pop('required_together', []),
            required_one_of=CONNECTION_REQUIRED_ONE_OF + kwargs.pop('required_one_of', []),
            **kwargs)
        self.params = self.module.params
        if not api.HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=api.REQUESTS_IMPORT_ERROR)
        problems = check_connection_params(self.params)
        if problems:
            self.module.fail_json(msg='invalid options: ' + '; '.join(problems))
        self.client = client_from_params(self.params, user_agent_extra='ansible-core/%s' % ANSIBLE_VERSION)

    @property
    def host(self):
        return self.client.host

    def _result(self, result):
        result['api_calls'] = self.client.api_calls
        for warning in self.client.warnings:
            self.module.warn(warning)
        return result

    def exit(self, **result):
        self.module.exit_json(**self._result(result))

    def fail(self, msg, **result):
        self.module.fail_json(msg=msg, **self._result(result))

    def run(self, body):
        """Call body(); turn every error into a failed result that names the device and holds no secret."""
        try:
            body()
        except ReplyShapeError as exc:
            self.fail('%s: %s' % (self.host, exc))
        except api.LantimeError as exc:
            self.fail(str(exc), status=exc.status)
        except Exception as exc:  # pylint: disable=broad-except
            # A reply no rule foresaw must still end in a clear failure, never in a traceback that may quote it.
            self.fail(self.client.redact('%s: unexpected error while handling the device reply (%s: %s). If '
                                         'this task changes settings, check the card with meinberg.lantime.rsc_info '
                                         'before running it again, and report the error with the api_calls of this '
                                         'result.' % (self.host, type(exc).__name__, api.device_text(str(exc)))))
