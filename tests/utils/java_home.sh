#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
#
# Print a JAVA_HOME with a Java 17 or later runtime, for ansible-rulebook's rule engine (drools_jpy).
# In order: $JAVA_HOME if it is good, `java` on PATH resolved, /usr/lib/jvm/*17*, else install
# openjdk-17-jre-headless with apt-get (needs root) and print that. Diagnostics go to stderr.
set -euo pipefail

# Good: has bin/java, a libjvm.so for jpy, and a specification version of 17 or later.
good() {
    local home=$1 version
    [ -n "$home" ] && [ -x "$home/bin/java" ] || return 1
    find "$home" -name libjvm.so -print -quit 2>/dev/null | grep -q . || return 1
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = *//p' | head -n 1)
    version=${version#1.}
    [ -n "$version" ] && [ "${version%%.*}" -ge 17 ] 2>/dev/null
}

found() { echo "$1"; exit 0; }

if [ -n "${JAVA_HOME:-}" ]; then
    good "$JAVA_HOME" && found "$JAVA_HOME"
    echo "java_home.sh: JAVA_HOME=$JAVA_HOME is not a Java 17+ runtime; looking further" >&2
fi

if command -v java >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    good "$home" && found "$home"
fi

for home in /usr/lib/jvm/*17* /usr/lib/jvm/*-1[89]-* /usr/lib/jvm/*-2[0-9]-*; do
    [ -d "$home" ] && good "$home" && found "$home"
done

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "java_home.sh: no Java 17+ runtime found; install one (e.g. openjdk-17-jre-headless) or set JAVA_HOME" >&2
    exit 1
fi
echo "java_home.sh: installing openjdk-17-jre-headless" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends openjdk-17-jre-headless >&2
for home in /usr/lib/jvm/*17*; do
    [ -d "$home" ] && good "$home" && found "$home"
done
echo "java_home.sh: openjdk-17-jre-headless installed, but no usable runtime under /usr/lib/jvm" >&2
exit 1
