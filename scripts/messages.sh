#!/usr/bin/env bash
# The Dutch translation catalogue (locale/nl/LC_MESSAGES/django.po and .mo).
# The texts are written in Dutch in the code, so every msgstr equals its msgid.
#   scripts/messages.sh update   collect the texts from the code, fill, compile (`make messages`)
#   scripts/messages.sh check    fail when a text in the code is missing from the catalogue,
#                                a text in the catalogue is no longer used, or the .mo is stale
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DIR=locale/nl/LC_MESSAGES
PO=$DIR/django.po

collect() {
  DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local} \
    $PY manage.py makemessages -l nl --no-location --no-obsolete --verbosity 0 \
    -i ".venv/*" -i "node_modules/*" -i "staticfiles/*" -i "tests/*" -i "bench/*" \
    -i "test-artifacts/*" 2>/dev/null
}

count() { msgfmt --statistics -o /dev/null "$1" 2>&1; }

case "${1:-check}" in
  update)
    collect
    msgattrib --clear-fuzzy --empty "$PO" -o "$PO"  # a guessed (fuzzy) match is no text
    msgen "$PO" -o "$PO"
    msgfmt --check -o "$DIR/django.mo" "$PO"
    echo "catalogue: $(count "$PO")"
    ;;
  check)
    work=$(mktemp -d)
    cp "$PO" "$work/committed.po"
    trap 'cp "$work/committed.po" "$PO"; rm -rf "$work"' EXIT
    msgfmt --check -o "$work/committed.mo" "$work/committed.po"
    collect
    before=$(count "$work/committed.po")
    after=$(count "$PO")
    echo "catalogue: $before (after collecting from the code: $after)"
    if [ "$before" != "$after" ]; then
      echo "The Dutch catalogue is out of date with the code: run 'make messages'." >&2
      exit 1
    fi
    if ! cmp -s "$work/committed.mo" "$DIR/django.mo"; then
      echo "$DIR/django.mo is stale: run 'make messages'." >&2
      exit 1
    fi
    ;;
  *) echo "usage: $0 update|check" >&2; exit 2 ;;
esac
