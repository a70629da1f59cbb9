# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # The connection options every module takes. The inventory plugin has the same options under the same
    # environment variable names (see the PLUGINS fragment below).
    DOCUMENTATION = r'''
options:
  host:
    description:
      - The device's REST API address, as a hostname, C(host:port), or full URL (C(https://host:8443)).
      - Without a scheme, C(https://) is used.
      - If not set, the host variable C(lantime_host) is used, else the E(LANTIME_HOST) environment variable.
      - The inventory plugin P(meinberg.lantime.ims#inventory) sets C(lantime_host) for every slot host, so a task
        on such a host needs no O(host). A task that finds it in none of these places fails and says where it looked.
    type: str
  username:
    description:
      - User name for HTTP Basic authentication. Reading needs any user level; changes need an admin-level user.
      - Give O(username) and O(password), or O(token), or all three (the credentials then renew an expired token).
      - If not set, the host variable C(lantime_username) is used, else the E(LANTIME_USERNAME) environment variable.
    type: str
  password:
    description:
      - Password for O(username).
      - If not set, the host variable C(lantime_password) is used, else the E(LANTIME_PASSWORD) environment variable.
    type: str
  token:
    description:
      - A bearer token from the device's C(PUT /api/get-token) (LTOS 7.08 and later), sent in an C(Authorization) header.
      - If not set, the host variable C(lantime_token) is used, else the E(LANTIME_TOKEN) environment variable.
    type: str
  validate_certs:
    description:
      - Verify the device's TLS certificate. Set to V(false) only on a trusted management network.
      - If not set, the host variable C(lantime_validate_certs) is used, else the E(LANTIME_VALIDATE_CERTS) environment variable.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file with the CA certificate(s) that signed the device's certificate, used when O(validate_certs=true).
      - If not set, the host variable C(lantime_ca_path) is used, else the E(LANTIME_CA_PATH) environment variable.
    type: path
  use_proxy:
    description:
      - Use the proxy set in the environment (C(https_proxy), C(http_proxy), C(no_proxy)).
      - Set to V(false) when the devices sit on a management network that a proxy cannot reach.
      - If not set, the host variable C(lantime_use_proxy) is used, else the E(LANTIME_USE_PROXY) environment variable.
    type: bool
    default: true
  timeout:
    description:
      - Seconds one HTTP request may take in all, from connecting to the last byte of the reply (1 to 3600). A device
        that answers too slowly, or never finishes its reply, fails the request after this time.
      - Replies larger than 16 MiB (after decompression) are refused.
      - If not set, the host variable C(lantime_timeout) is used, else the E(LANTIME_TIMEOUT) environment variable.
    type: int
    default: 30
  retries:
    description:
      - How many times a read is retried after a connection error or an HTTP 429, 502, 503 or 504 reply (0 to 10),
        with growing pauses (a C(Retry-After) header is honoured up to 30 seconds). Writes are never repeated.
      - A read therefore takes at most (1 + O(retries)) times O(timeout), plus the pauses.
      - If not set, the host variable C(lantime_retries) is used, else the E(LANTIME_RETRIES) environment variable.
    type: int
    default: 3
  write_style:
    description:
      - >-
        How the device takes a configuration write. V(post) sends C(POST) with the changed keys (the default, the
        collection's first guess); V(put) sends C(PUT) with the changed keys; V(put-parameters) sends C(PUT) with the
        changed keys wrapped in a C(parameters) object. No public document shows which one an IMS chassis takes;
        M(meinberg.lantime.api_check) shows the methods the device allows without writing.
      - A write is sent once, in this style only. A device that refuses it (HTTP 405, or 400, 404 or 501) fails the task
        with nothing changed, and the message names the methods the device allows and the style to try.
      - Only M(meinberg.lantime.rsc) writes and M(meinberg.lantime.api_check) checks it; the other modules take it and
        do nothing with it, so that one host variable serves them all.
      - If not set, the host variable C(lantime_write_style) is used, else the E(LANTIME_WRITE_STYLE) environment variable.
    type: str
    choices: [post, put, put-parameters]
    default: post
requirements:
  - requests (Python library, on the controller)
notes:
  - The connection options are looked up in this order, option by option. First the task's options, including
    C(module_defaults). Then the host variables C(lantime_host), C(lantime_username), C(lantime_password),
    C(lantime_token), C(lantime_validate_certs), C(lantime_ca_path), C(lantime_use_proxy), C(lantime_timeout),
    C(lantime_retries) and C(lantime_write_style); the inventory plugin P(meinberg.lantime.ims#inventory) sets C(lantime_host) for every slot.
    Then the C(LANTIME_*) environment variables, and last the defaults.
  - The modules run on the controller and talk to the device over HTTPS; use C(connection=local) or
    C(delegate_to=localhost) for hosts that are devices.
  - Every result carries C(api_calls), the list of HTTP requests the task made, for troubleshooting.
'''

    # The same options for plugins, with their environment variables.
    PLUGINS = r'''
options:
  username:
    description:
      - User name for HTTP Basic authentication (any user level can read).
      - Can be templated, for example from a vault variable or a lookup.
    type: str
    env:
      - name: LANTIME_USERNAME
  password:
    description:
      - Password for O(username). Can be templated, for example from a vault variable or a lookup.
    type: str
    env:
      - name: LANTIME_PASSWORD
  token:
    description:
      - A bearer token from the device's C(PUT /api/get-token). Can be templated.
    type: str
    env:
      - name: LANTIME_TOKEN
  validate_certs:
    description:
      - Verify the devices' TLS certificates. Set to V(false) only on a trusted management network.
    type: bool
    default: true
    env:
      - name: LANTIME_VALIDATE_CERTS
  ca_path:
    description:
      - A PEM file with the CA certificate(s) that signed the devices' certificates.
    type: path
    env:
      - name: LANTIME_CA_PATH
  use_proxy:
    description:
      - Use the proxy set in the environment. Set to V(false) for management networks that a proxy cannot reach.
    type: bool
    default: true
    env:
      - name: LANTIME_USE_PROXY
  timeout:
    description:
      - Seconds one HTTP request may take in all, from connecting to the last byte of the reply (1 to 3600).
      - Replies larger than 16 MiB (after decompression) are refused.
      - The default is shorter than the modules' so that a dead chassis delays an inventory run by seconds, not minutes.
    type: int
    default: 10
    env:
      - name: LANTIME_TIMEOUT
  retries:
    description:
      - How many times a read is retried after a connection error or an HTTP 429, 502, 503 or 504 reply (0 to 10).
      - A chassis that does not answer costs at most (1 + O(retries)) times O(timeout) plus a pause of 0.5 seconds
        (about 21 seconds with the defaults); chassis are read in parallel, so other chassis do not wait for it.
    type: int
    default: 1
    env:
      - name: LANTIME_RETRIES
requirements:
  - requests (Python library, on the controller)
'''
