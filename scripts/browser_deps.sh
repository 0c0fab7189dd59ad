#!/usr/bin/env bash
# Make sure the browser tests can run: Debian's Chromium and a font with Chinese glyphs.
# (Playwright's own browser download is not used: Chromium comes from the distribution.)
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
need=()
[ -x "$CHROMIUM" ] || need+=(chromium)
fc-list 2>/dev/null | grep -qiE 'WenQuanYi|Noto Sans CJK|Noto Serif CJK' || need+=(fonts-wqy-zenhei)
[ ${#need[@]} -eq 0 ] && exit 0

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
if command -v apt-get >/dev/null; then
  echo "browser: installing ${need[*]} with apt-get ..." >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "browser: please install ${need[*]} (the browser tests drive $CHROMIUM)." >&2
  exit 1
fi
