#!/usr/bin/env bash
# Regenerates docs/papers/*.png: builds the sample village of the README's tour in a temporary
# store, writes every printed paper as HTML (--format html), prints each to PDF in headless
# Chromium and turns its first page into a PNG (pdftoppm). Needs chromium, fonts-noto-cjk and
# poppler-utils; `.ci/run` installs them. Usage: scripts/screenshots.sh [--lang zh|en] [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."

lang=zh
if [ "${1:-}" = "--lang" ]; then
  lang=$2
  shift 2
fi
outdir=${1:-docs/papers}
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ] || ! command -v pdftoppm >/dev/null; then
  echo "chromium or pdftoppm is not installed: .ci/run installs them (apt-get install chromium fonts-noto-cjk poppler-utils)" >&2
  exit 1
fi

cargo build --quiet
bin=$PWD/target/debug/gufen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$outdir"

export GUFEN_NOW=2026-12-31T08:00:00Z GUFEN_ACTOR=会计 GUFEN_LANG=$lang
unset GUFEN_DB GUFEN_ORG
g() { "$bin" --db "$work/village" "$@" >/dev/null; }

g init --charter fixtures/charter.toml --date 2017-06-30
g member import fixtures/roster-600.csv --resolution 2017-1 --date 2017-12-31
g distribution draft --year 2025 --income 1000000 --record-date 2025-12-31 --date 2026-01-05
g distribution notice --year 2025 --date 2026-01-06
g distribution approve --year 2025 --body members --for 420 --eligible 545 --resolution 2026-1 --date 2026-01-22
g distribution post --year 2025 --date 2026-01-23
g distribution pay --year 2025 --id 410183195202210053 --ref BK0001 --date 2026-02-01
g shares transfer --from 410183196308011305 --to 410183195202210053 --units 0.5 --price 800 --date 2026-03-01
g shares pledge --id 410183195202210053 --units 0.5 --pledgee 农商银行 --contract ZY-1 --date 2026-03-02
g shares release --contract ZY-1 --date 2026-03-20
g death record --id 410183196308011305 --date 2026-04-01
g person add --id 110101199003072316 --name 张小丽 --date 2026-04-10
g inherit --from 410183196308011305 --heir 410183195202210053:1/2 --heir 110101199003072316:1/2 --date 2026-05-01
g shares redeem --id 110101199003072316 --units 0.25 --price 400 --resolution 2026-3 --consent 2026-同意-1 --date 2026-06-01
"$bin" key generate --name qinshui.example/ledger --out "$work/ledger.key" >/dev/null
g config set signing-key "$work/ledger.key"
g checkpoint
# The inheritance is the last record but one (the redemption follows it).
head=$("$bin" --db "$work/village" --format json verify | sed -n 's/.*"head_seq": \([0-9]*\).*/\1/p')

p() { local name=$1; shift; "$bin" --db "$work/village" --format html -o "$work/$name.html" "$@"; }
p certificate household certificate --household 00001
p register register
p notice distribution show --year 2025 --notice
p payout distribution sheet --year 2025
p change-form shares form --seq $((head - 1))
p statement statement --id 410183195202210053 --paper

for name in certificate register notice payout change-form statement; do
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --no-pdf-header-footer \
    --print-to-pdf="$work/$name.pdf" "file://$work/$name.html" >/dev/null 2>&1
  # The first printed page, 900 pixels wide (A4: 900 x 1273).
  pdftoppm -png -f 1 -l 1 -scale-to-x 900 -scale-to-y -1 -singlefile "$work/$name.pdf" "$outdir/$name"
  echo "$outdir/$name.png $(pdfinfo "$work/$name.pdf" | sed -n 's/^Pages: *//p') pages"
done
