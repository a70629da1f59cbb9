# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Every difference between the ansible-core versions the collection supports (2.16 and later), in one place.

The plugins import what differs from here and never test a version themselves. Each block below names what it
bridges. Up to 2.18, ansible-core has no data tagging: a string is templated unless it is an AnsibleUnsafeText,
templating "{{ omit }}" yields a placeholder string, and an undefined variable raises AnsibleUndefinedVariable.
From 2.19 on, only strings tagged "trusted as template" are templated and an omitted value raises
AnsibleValueOmittedError.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import Mapping

# Data tagging (2.19 and later): a string is templated only when it is tagged trusted. Before 2.19, any str is a
# template and only AnsibleUnsafeText (wrap_var) is not; trust_as_template() is then the identity, since a plain
# str is already trusted.
try:
    from ansible.template import is_trusted_as_template, trust_as_template  # pylint: disable=unused-import
    HAS_DATA_TAGGING = True
    wrap_var = None  # pylint: disable=invalid-name
except ImportError:
    HAS_DATA_TAGGING = False

    # Deprecated from 2.19 on, so imported only where it is the mechanism.
    from ansible.utils.unsafe_proxy import AnsibleUnsafe, wrap_var

    def is_trusted_as_template(value):
        return isinstance(value, str) and not isinstance(value, AnsibleUnsafe)

    def trust_as_template(value):
        return value

# Jinja's markers, and the header that sets others: a string with none of them renders as itself.
_TEMPLATE_MARKERS = ('{{', '{%', '{#', '#jinja2:')


def can_be_templated(value):
    """True when templating the string value could give anything but value itself.

    From 2.19 that is a trust tag. Before, any plain str is templated, but one without a template marker renders as
    it is: the names and settings Ansible adds to every host (inventory_hostname, group_names, ...) are such
    strings, while every string a device reported is AnsibleUnsafeText.
    """
    if not is_trusted_as_template(value):
        return False
    return HAS_DATA_TAGGING or any(marker in value for marker in _TEMPLATE_MARKERS)


# Omitted values: 2.19 and later raise AnsibleValueOmittedError when a template evaluates to omit; before, the
# result is the play's placeholder string, which task_vars carry as 'omit'.
try:
    from ansible.errors import AnsibleValueOmittedError
except ImportError:
    AnsibleValueOmittedError = None

# Marks "this value was omitted" for template_variable()'s callers; never leaves the plugins.
OMITTED = object()


def template_variable(templar, value, task_vars):
    """A host variable's value templated as a task option would be, or OMITTED when it evaluates to omit.

    Null stays null on every core (a lone "{{ x }}" keeps x's native type), so callers can treat it as not set.
    """
    if AnsibleValueOmittedError is not None:
        try:
            return templar.template(value)
        except AnsibleValueOmittedError:
            return OMITTED
    result = templar.template(value)
    omit_token = task_vars.get('omit')
    if omit_token is not None and isinstance(result, str) and result == omit_token:
        return OMITTED
    return result


def make_untemplatable(value):
    """value with every string in it made safe from templating; dicts and lists are copied.

    From 2.19 it is rebuilt from plain Python types: str() of a tagged string is a new, untagged str, so no trust
    tag survives. Before 2.19, wrap_var() turns every string into AnsibleUnsafeText, which the templar leaves as it
    is (and which, being a str subclass, every caller can still use as a str).
    """
    if not HAS_DATA_TAGGING:
        return wrap_var(value)
    return _plain(value)


def make_plain(value):
    """A string the collection set itself (not one a device reported) as Ansible's own settings are: plain.

    ansible-inventory --export (what AWX imports) prints a string that is not trusted as a template as
    {"__ansible_unsafe": ...} from 2.19 on; before, any plain str prints as it is. A string that holds a template
    marker stays untemplatable, so trusting never makes a template of a value: one without a marker renders as
    itself.
    """
    if not isinstance(value, str):
        return value
    if any(marker in value for marker in _TEMPLATE_MARKERS):
        return make_untemplatable(value)
    return trust_as_template(str(value))


def _plain(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes):
        return bytes(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Mapping):
        return dict((_plain(key), _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    return value


def option_and_origin(plugin, name):
    """A plugin option's value and where it came from ('Direct' for the plugin's own file, 'env: ...', ...).

    From 2.18, plugins keep the origin of every option they were given. 2.16 and 2.17 keep only the values, and
    their get_option_and_origin() looks at the configuration alone (environment, ansible.cfg, default), missing a
    value set in the plugin's own file, which has priority over all of these: a value that differs from the
    configuration's must have come from the file. One that equals it is reported with the configuration's origin,
    the more careful answer (an environment value is never templated).
    """
    if getattr(plugin, '_origins', None) is not None:
        return plugin.get_option_and_origin(name)
    value = plugin.get_option(name)
    config_value, origin = plugin.get_option_and_origin(name)
    if value is config_value or value == config_value:
        return value, origin
    return value, 'Direct'
