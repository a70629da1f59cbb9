# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Running a task definition (task.py) as a module: the path for a task delegated to another host.

On the controller, the action plugins of the same names run the same definitions without a module process.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION

from ansible_collections.meinberg.lantime.plugins.module_utils import client as api
from ansible_collections.meinberg.lantime.plugins.module_utils.task import execute


def run_module(definition):
    """Validate the options with the definition's spec, run it, and exit with its result."""
    module = AnsibleModule(supports_check_mode=True, **definition.validator_args())
    host = module.params.get('host')
    if isinstance(host, str) and '@' in host:
        # An address with user:password@ is refused (task.py); it must not come back in the invocation either.
        module.no_log_values.add(host)
    if not api.HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=api.REQUESTS_IMPORT_ERROR)
    result = execute(definition, module.params, check_mode=module.check_mode, diff=module._diff,
                     user_agent_extra='ansible-core/%s' % ANSIBLE_VERSION)
    for warning in result.pop('warnings', []):
        module.warn(warning)
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)
