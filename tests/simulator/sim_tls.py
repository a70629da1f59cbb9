# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""TLS material: a throw-away CA and a server certificate signed by it, made with the openssl CLI.

The CA is a proper one (critical basicConstraints CA:TRUE, keyCertSign, subject key
identifier) and the leaf carries serverAuth, SANs and both key identifiers, so that
the strict X.509 verification of newer Python versions accepts the chain.
"""

import os
import shutil
import ssl
import subprocess

OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"

OPENSSL_CONFIG = """\
[req]
distinguished_name = dn
prompt = no

[dn]
CN = placeholder

[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
"""


class TlsError(RuntimeError):
    """The certificates could not be made or loaded."""


def _openssl(*args):
    try:
        subprocess.run([OPENSSL, *args], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        raise TlsError("openssl %s failed: %s %s" % (args[0], exc, detail.decode("utf-8", "replace").strip())) from exc


def make_certificates(directory):
    """Create ca.pem, server.pem and server.key in ``directory``; return their paths."""
    config = os.path.join(directory, "openssl.cnf")
    with open(config, "w", encoding="utf-8") as handle:
        handle.write(OPENSSL_CONFIG)
    ca_key, ca_cert = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.pem")
    key, csr, cert = (os.path.join(directory, name) for name in ("server.key", "server.csr", "server.pem"))
    ec_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", "-config", config, *ec_key, "-keyout", ca_key, "-out", ca_cert, "-days", "30",
             "-subj", "/O=meinberg.lantime simulator/CN=simulator test CA", "-extensions", "ca")
    _openssl("req", "-new", "-config", config, *ec_key, "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
    _openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-set_serial", str(int.from_bytes(os.urandom(8), "big")),
             "-days", "30", "-sha256", "-extfile", config, "-extensions", "leaf", "-out", cert)
    return ca_cert, cert, key


def server_context(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise TlsError("cannot load certificate %s / key %s: %s" % (cert, key, exc)) from exc
    return context
