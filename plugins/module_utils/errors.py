# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: the errors of the collection's Python code, under one base class.

Modules turn any LantimeError into a failed result and the inventory plugin into a warning or an
AnsibleError; each text names the device and says what to do.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# How much of a device's own text a message quotes.
BODY_LIMIT = 300
UNPRINTABLE = re.compile(r'[\x00-\x1f\x7f]')


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


def device_text(text, limit=BODY_LIMIT):
    """A device's own text made safe to quote in a message: one line, printable, short."""
    text = UNPRINTABLE.sub(' ', text)
    text = ' '.join(text.split())
    return text if len(text) <= limit else text[:limit] + '...'


def unexpected_text(where, exc):
    """The default words for an error no rule foresaw: where, the exception's kind and its text."""
    return '%s: %s: %s' % (where, type(exc).__name__, exc)


def user_message(exc, where, redact=None, unexpected=unexpected_text):
    """The one ladder from an error met while talking to a device to what the user reads: {'msg'[, 'status']}.

    A reply of the wrong shape is prefixed with where (the fact code does not know the device); any other
    LantimeError already names it and keeps its HTTP status; anything else is worded by unexpected(where, exc)
    and passed through redact (it may quote a secret). The modules, the inventory plugin and the rsc_events
    source all turn errors into text here.
    """
    if isinstance(exc, ReplyShapeError):
        return {'msg': '%s: %s' % (where, exc)}
    if isinstance(exc, LantimeError):
        return {'msg': str(exc), 'status': exc.status}
    text = unexpected(where, exc)
    return {'msg': redact(text) if redact else text}
