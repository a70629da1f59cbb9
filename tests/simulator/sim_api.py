# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Request handling without sockets: the LTOS REST API and the /_sim/ control API.

Both entry points take the parts of a request and return a :class:`Response`;
sim_server does the HTTP framing, latency and faults around them.
"""

import base64
import binascii
import hmac
import ipaddress
import json
import urllib.parse

from sim_device import FAULT_KINDS

JSON_TYPE = "application/json"
AUTH_CHALLENGE = ("WWW-Authenticate", 'Basic realm="api"')
CONTROL_PREFIX = "/_sim"


class Response:
    def __init__(self, status, body=b"", content_type=JSON_TYPE, headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = list(headers or [])

    @classmethod
    def json(cls, status, obj, headers=None):
        return cls(status, json.dumps(obj).encode("utf-8"), JSON_TYPE, headers)

    @classmethod
    def text(cls, status, text, headers=None):
        return cls(status, text.encode("utf-8"), "text/plain; charset=utf-8", headers)

    @classmethod
    def message(cls, status, message, headers=None):
        return cls.json(status, {"message": message}, headers)


def split_path(path):
    """'/api/status/chassis0/' -> ['api', 'status', 'chassis0'] (percent-decoded)."""
    return [urllib.parse.unquote(part) for part in path.split("/") if part]


# --- the REST API ----------------------------------------------------------------------------


def handle_api(device, method, path, headers, body):
    segments = split_path(path)
    if not segments or segments[0] != "api":
        return Response.message(404, "not found: %s" % path)
    with device.lock:
        if not device.settings["api-enabled"]:
            # answered before any credential check, like a device whose REST API is switched off
            return Response.text(403, "REST API is disabled\n")
        route = segments[1] if len(segments) > 1 else ""
        if route == "get-token" and len(segments) == 2:
            if not device.tokens_supported():
                # LTOS before 7.08 (REST API below 16) has no token endpoint
                return Response.message(404, "not found: %s" % path)
            return _get_token(device, method, headers)
        user = _authenticate(device, headers, allow_bearer=True)
        if isinstance(user, Response):
            return user
        if route not in ("status", "configuration"):
            return Response.message(404, "not found: %s" % path)
        device.refresh()
        found, value = device.lookup(route, segments[2:])
        if not found:
            return Response.message(404, "not found: %s" % path)
        if method in ("GET", "HEAD"):
            if route == "status" and len(segments) == 2:
                return Response.json(200, device.status)
            return Response.json(200, _envelope(device, value, path))
        allowed = _allowed(device, route, segments[2:])
        if method == "OPTIONS":
            return Response(200, b"", JSON_TYPE, [("Allow", allowed)])
        if method in ("POST", "PUT") and route == "configuration" and segments[2:] == device.rsc_config_path():
            return _write(device, user, segments[2:], path, body, method)
        return Response.message(405, "method %s not allowed on %s" % (method, path), [("Allow", allowed)])


# write-style -> (the one method the RSC configuration object takes, the key its body is wrapped in or None)
WRITE_STYLES = {"post": ("POST", None), "put": ("PUT", None), "put-parameters": ("PUT", "parameters")}


def _allowed(device, route, segments):
    if route == "configuration" and segments == device.rsc_config_path():
        return "GET, HEAD, OPTIONS, %s" % WRITE_STYLES[device.settings["write-style"]][0]
    return "GET, HEAD, OPTIONS"


def _envelope(device, data, path):
    links = device.status.get("links", {})
    origin = urllib.parse.urlsplit(links.get("self", "") if isinstance(links, dict) else "")
    base = "%s://%s" % (origin.scheme, origin.netloc) if origin.scheme else "https://localhost"
    return {
        "system-information": device.status.get("system-information", {}),
        "data": data,
        "changes": device.status.get("changes", {"pending-changes": 0}),
        "links": {"self": base + path.rstrip("/")},
    }


def _write(device, user, segments, path, body, method="POST"):
    if segments != device.rsc_config_path():
        return Response.message(405, "%s is not a writable configuration object" % path, [("Allow", "GET")])
    takes, wrapper = WRITE_STYLES[device.settings["write-style"]]
    if method != takes:
        return Response.message(405, "method %s not allowed on %s" % (method, path),
                                [("Allow", _allowed(device, "configuration", segments))])
    if user[1] != "admin":
        return Response.message(403, "user %s may not change the configuration" % user[0])
    try:
        changes = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError):
        return Response.message(400, "body is not valid JSON")
    if not isinstance(changes, dict):
        return Response.message(400, "body must be a JSON object")
    if wrapper:
        if set(changes) != {wrapper} or not isinstance(changes[wrapper], dict):
            return Response.message(400, 'body must be {"%s": {...}}' % wrapper)
        changes = changes[wrapper]
    error, config = device.write_rsc(changes)
    if error:
        return Response.message(400, error)
    reply = _envelope(device, config, path)
    reply.update(device.settings.get("write-reply-fields") or {})
    return Response.json(200, reply, [tuple(pair) for pair in device.settings.get("write-reply-headers") or []])


def _get_token(device, method, headers):
    user = _authenticate(device, headers, allow_bearer=False)
    if isinstance(user, Response):
        return user
    if method != "PUT":
        return Response.message(405, "use PUT to get a token", [("Allow", "PUT")])
    return Response.json(200, {"token": device.issue_token(*user)})


def _authenticate(device, headers, allow_bearer):
    """(user, level) for valid credentials, else a 401 Response."""
    scheme, dummy, credentials = (headers.get("Authorization") or "").strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "basic":
        user = _check_basic(device, credentials.strip())
        if user:
            return user
        return _unauthorized("invalid user name or password")
    if scheme == "bearer":
        if not device.tokens_supported():
            return _unauthorized("authentication required")
        if not allow_bearer:
            return _unauthorized("a token request needs user name and password (Basic)")
        user = device.token_user(credentials.strip())
        if user:
            return user
        return _unauthorized("invalid or expired token")
    return _unauthorized("authentication required")


def _check_basic(device, credentials):
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    name, dummy, password = decoded.partition(":")
    entry = device.options.users.get(name)
    if entry and hmac.compare_digest(entry[0].encode("utf-8"), password.encode("utf-8")):
        return name, entry[1]
    return None


def _unauthorized(message):
    return Response.message(401, message, [AUTH_CHALLENGE])


# --- the control API -------------------------------------------------------------------------


def is_loopback(host):
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def handle_control(device, method, path, body, client_host):
    if not is_loopback(client_host):
        return Response.message(403, "the control API answers loopback clients only")
    name = path[len(CONTROL_PREFIX):].strip("/")
    routes = {
        ("POST", "clock"): _control_clock,
        ("POST", "front-panel"): _control_front_panel,
        ("POST", "faults"): _control_add_fault,
        ("GET", "faults"): lambda dev, _body: Response.json(200, {"faults": dev.list_faults()}),
        ("DELETE", "faults"): _control_clear_faults,
        ("GET", "stats"): lambda dev, _body: Response.json(200, dev.stats()),
        ("POST", "reset"): _control_reset,
        ("POST", "settings"): _control_settings,
        ("GET", "settings"): lambda dev, _body: Response.json(200, dev.update_settings({})),
        ("POST", "tokens/expire"): lambda dev, _body: Response.json(200, {"expired": dev.expire_tokens()}),
        ("GET", "state"): lambda dev, _body: Response.json(200, dev.state()),
        ("POST", "staged"): _control_staged,
        ("POST", "apply"): _control_apply,
    }
    handler = routes.get((method, name))
    if handler is None:
        if any(route_name == name for _method, route_name in routes):
            allowed = ", ".join(sorted(m for m, route_name in routes if route_name == name))
            return Response.message(405, "method %s not allowed on %s" % (method, path), [("Allow", allowed)])
        return Response.message(404, "unknown control endpoint: %s" % path)
    needs_body = method == "POST" and name in ("clock", "front-panel", "faults", "settings", "staged")
    parsed = None
    if needs_body:
        try:
            parsed = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError):
            return Response.message(400, "body is not valid JSON")
        if not isinstance(parsed, dict):
            return Response.message(400, "body must be a JSON object")
    return handler(device, parsed)


def _bad(message):
    return Response.message(400, message)


def _control_clock(device, body):
    clock, time_sync = body.get("clock"), body.get("time-sync")
    unknown = set(body) - {"clock", "time-sync"}
    if unknown:
        return _bad("unknown keys: %s" % ", ".join(sorted(unknown)))
    if clock not in device.known_clocks():
        return _bad("unknown clock %r (known: %s)" % (clock, ", ".join(device.known_clocks())))
    if not isinstance(time_sync, bool):
        return _bad("time-sync must be true or false")
    device.set_clock(clock, time_sync)
    return Response.json(200, device.state())


def _control_front_panel(device, body):
    if device.rsc is None:
        return Response.message(409, "this device has no RSC card")
    unknown = set(body) - {"mode-switch", "clock-switch"}
    if unknown or not body:
        return _bad("expected mode-switch and/or clock-switch, got %s" % ", ".join(sorted(body)))
    mode, clock = body.get("mode-switch"), body.get("clock-switch")
    if mode is not None and mode not in ("auto", "manual"):
        return _bad("mode-switch must be auto or manual")
    if clock is not None and clock not in device.rsc.clock_ids:
        return _bad("clock-switch must be one of %s" % ", ".join(device.rsc.clock_ids))
    device.set_front_panel(mode, clock)
    return Response.json(200, device.state())


def _number(value, minimum=0):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= minimum


def _control_add_fault(device, body):
    fault = {"kind": body.get("kind"), "count": body.get("count", 1)}
    if fault["kind"] not in FAULT_KINDS:
        return _bad("kind must be one of %s" % ", ".join(FAULT_KINDS))
    unknown = set(body) - {"kind", "count", "status", "delay-ms", "retry-after", "body", "method", "path"}
    if unknown:
        return _bad("unknown keys: %s" % ", ".join(sorted(unknown)))
    if not isinstance(fault["count"], int) or isinstance(fault["count"], bool) or fault["count"] < 1:
        return _bad("count must be a positive integer")
    if fault["kind"] == "status":
        fault["status"] = body.get("status", 503)
        if not isinstance(fault["status"], int) or not 400 <= fault["status"] <= 599:
            return _bad("status must be an HTTP error status (400-599)")
    if fault["kind"] == "delay":
        fault["delay-ms"] = body.get("delay-ms", 1000)
        if not _number(fault["delay-ms"]):
            return _bad("delay-ms must be a number >= 0")
    for key in ("retry-after", "body", "method", "path"):
        if key in body:
            if not isinstance(body[key], (str, int)) or isinstance(body[key], bool):
                return _bad("%s must be a string" % key)
            fault[key] = str(body[key])
    if "method" in fault:
        fault["method"] = fault["method"].upper()
    return Response.json(200, {"faults": device.add_fault(fault)})


def _control_clear_faults(device, _body):
    device.clear_faults()
    return Response.json(200, {"faults": []})


def _control_staged(device, body):
    """Pre-load configuration changes staged by someone else: {"pending-changes": N} (0 clears them)."""
    unknown = set(body) - {"pending-changes"}
    count = body.get("pending-changes")
    if unknown or not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 1000:
        return _bad("expected {\"pending-changes\": N} with N from 0 to 1000")
    device.stage_foreign(count)
    return Response.json(200, device.state()["staged"])


def _control_apply(device, _body):
    """Apply every staged change (the device's apply command)."""
    if device.rsc is None:
        return Response.message(409, "this device has no RSC card")
    applied = device.apply_staged()
    return Response.json(200, dict(device.state()["staged"], applied=applied))


def _control_reset(device, _body):
    device.reset()
    return Response.json(200, {"reset": True})


def _control_settings(device, body):
    checks = {
        "api-enabled": lambda value: isinstance(value, bool),
        "latency-ms": _number,
        "settle-ms": _number,
        "token-ttl": lambda value: _number(value) and value > 0,
        "write-style": lambda value: value in WRITE_STYLES,
        "write-reply-headers": lambda value: isinstance(value, list) and all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair) for pair in value),
        "write-reply-fields": lambda value: isinstance(value, dict),
        "stage-writes": lambda value: isinstance(value, bool),
        "unsaved-writes": lambda value: isinstance(value, bool),
    }
    for key, value in body.items():
        if key not in checks:
            return _bad("unknown setting %r (known: %s)" % (key, ", ".join(checks)))
        if not checks[key](value):
            return _bad("invalid value for %s: %r" % (key, value))
    return Response.json(200, device.update_settings(body))


def fault_response(fault):
    """The reply for a 'status' fault: the given body as text, else a JSON message."""
    headers = [("Retry-After", fault["retry-after"])] if "retry-after" in fault else []
    if "body" in fault:
        return Response.text(fault["status"], fault["body"], headers)
    return Response.message(fault["status"], "simulated fault (HTTP %d)" % fault["status"], headers)
