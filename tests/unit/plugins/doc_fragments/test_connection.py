# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The doc fragment meinberg.lantime.connection documents the table of module_utils/connection.py, option by option."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import yaml

from ansible_collections.meinberg.lantime.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.meinberg.lantime.plugins.module_utils import connection


def test_the_modules_fragment_is_the_table():
    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    assert list(options) == [option.name for option in connection.OPTIONS]
    for option in connection.OPTIONS:
        documented = options[option.name]
        assert documented['type'] == option.type
        assert documented.get('default') == option.default
        # host comes from lantime_host (the inventory plugin) as often as from the task: required by no spec.
        assert documented.get('required', False) is False
        assert ('If not set, the host variable C(%s) is used, else the E(%s) environment variable.'
                % (option.host_var, option.env)) in documented['description']


def test_the_plugins_fragment_is_the_table():
    options = yaml.safe_load(ModuleDocFragment.PLUGINS)['options']
    assert list(options) == [option.name for option in connection.PLUGIN_OPTIONS]
    for option in connection.PLUGIN_OPTIONS:
        documented = options[option.name]
        assert documented['type'] == option.type
        assert documented.get('default') == option.plugin_default
        assert documented['env'] == [{'name': option.env}]


def test_the_argument_spec_is_the_table():
    spec = connection.argument_spec()
    for option in connection.OPTIONS:
        assert spec[option.name]['type'] == option.type
        assert spec[option.name].get('default') == option.default
        assert spec[option.name]['fallback'][1] == [option.env]
        assert spec[option.name].get('no_log', False) == option.secret
        assert 'required' not in spec[option.name]


def test_write_style_is_the_api_maps_and_the_modules_only():
    from ansible_collections.meinberg.lantime.plugins.module_utils import api_map
    option = connection.BY_NAME['write_style']
    assert option.choices == api_map.WRITE_STYLE_NAMES and option.default == api_map.DEFAULT_WRITE_STYLE
    assert connection.argument_spec()['write_style']['choices'] == list(api_map.WRITE_STYLE_NAMES)
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']['write_style']
    assert documented['choices'] == list(api_map.WRITE_STYLE_NAMES)
    assert 'write_style' not in [option.name for option in connection.PLUGIN_OPTIONS]
