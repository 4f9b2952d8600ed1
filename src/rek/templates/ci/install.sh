#!/usr/bin/env bash
# Installs rek for the CI (GitHub Actions and GitLab CI run this one script), written by 'rek init' and
# 'rek upgrade'. By default exactly the rek that wrote this repository: the wheel in .rek/ and every
# dependency with its hash (.rek/requirements.txt); rek itself never comes from a package index.
# Override: the CI variable REK_PACKAGE, with a pinned version and a hash, e.g.
#   rek-smart-region==0.2.0 --hash=sha256:<64 hex digits>   (from your organisation's index)
#   https://example.org/rek_smart_region-0.2.0-py3-none-any.whl --hash=sha256:<64 hex digits>
# Guide: .rek/leitfaden.md, section "Automatisch prüfen und veröffentlichen".
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  if [ -n "${GITHUB_ACTIONS:-}" ]; then echo "::error::$1"; else echo "FEHLER: $1"; fi
  exit 1
}

lock=.rek/requirements.txt
guide="Leitfaden .rek/leitfaden.md, Abschnitt 'Automatisch prüfen und veröffentlichen'"
if [ ! -f "$lock" ]; then
  fail "Die Datei $lock fehlt: rek wurde ohne Zugang zum Paketindex angelegt. Auf einem Rechner mit Zugang im Repository 'rek upgrade' ausführen, dann .rek/ committen und pushen ($guide)."
fi

if [ -z "${REK_PACKAGE:-}" ]; then
  python -m pip install --require-hashes -r "$lock"
  exit 0
fi

case "$REK_PACKAGE" in
  *" --hash=sha256:"*) ;;
  *) fail "REK_PACKAGE='$REK_PACKAGE' hat keine Prüfsumme: hängen Sie ' --hash=sha256:' und die 64 Hex-Zeichen der Datei an (sha256sum DATEI.whl), oder löschen Sie die Variable, dann gilt das Wheel in .rek/ ($guide)." ;;
esac
package="${REK_PACKAGE%% *}"
case "$package" in
  *==* | *.whl) ;;
  *) fail "REK_PACKAGE='$REK_PACKAGE' ist keine feste Version: nennen Sie eine genaue Version (rek-smart-region==0.2.0 --hash=sha256:…) oder ein Wheel (…/rek_smart_region-0.2.0-py3-none-any.whl --hash=sha256:…) ($guide)." ;;
esac
case "$package" in
  *">"* | *"<"* | *"~"* | *"*"* | *","*)
    fail "REK_PACKAGE='$REK_PACKAGE' ist keine feste Version: nur '==' mit einer genauen Version ($guide)." ;;
esac
requirements="$(mktemp)"
trap 'rm -f "$requirements"' EXIT
grep -v '^\./\.rek/' "$lock" > "$requirements"
printf '%s\n' "$REK_PACKAGE" >> "$requirements"
python -m pip install --require-hashes -r "$requirements"
