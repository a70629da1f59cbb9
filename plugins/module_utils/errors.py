# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The errors of the collection's Python code, under one base class.

Modules turn any LantimeError into a failed result and the inventory plugin into a warning or an
AnsibleError; each text names the device and says what to do.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class LantimeError(Exception):
    """Base of every error; the message names the device and says what to do."""

    def __init__(self, message, status=None):
        super(LantimeError, self).__init__(message)
        self.status = status


class ConfigurationError(LantimeError):
    """The options cannot work; found before any request."""


class AuthenticationError(LantimeError):
    pass


class PermissionDeniedError(LantimeError):
    pass


class ApiDisabledError(LantimeError):
    pass


class NotFoundError(LantimeError):
    pass


class RejectedError(LantimeError):
    """The device refused the request (3xx/4xx/5xx other than the cases above)."""


class TransportError(LantimeError):
    """No usable answer: connection refused or dropped, TLS failure, deadline passed, reply too large."""


class MalformedReplyError(LantimeError):
    """The reply is not a JSON object."""


class ReplyShapeError(LantimeError):
    """The reply is JSON but does not hold what the API contract says; the text names the field.

    Raised by the fact code, which does not know the device: callers prefix the device's address.
    """
