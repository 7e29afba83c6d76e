#!/usr/bin/env bash
# Lays out real image domains from the emoji npm packages: one folder of 64 px PNGs per emoji category,
# Twemoji (emoji-datasource-twitter; graphics CC-BY 4.0, Twitter, Inc. and contributors) and Noto Emoji
# (emoji-datasource-google; Apache-2.0) together, skin-tone variants left out (they are separate entries
# of each base emoji, not emojis of their own). `genmerge train --domain emoji:animals` trains on one.
#   usage: scripts/emoji-domains.sh [DEST]    (default: $GENMERGE_EMOJI, else $GENMERGE_HOME/emoji or ~/.genmerge/emoji)
# Idempotent: the packages are installed once into DEST/.npm, the folders rebuilt from them each run.
set -euo pipefail
version=16.0.0
dest=${1:-${GENMERGE_EMOJI:-${GENMERGE_HOME:-$HOME/.genmerge}/emoji}}
command -v npm >/dev/null || { echo "emoji-domains: npm not found (needs Node.js and npm)" >&2; exit 2; }
mkdir -p "$dest/.npm"
pkgs="$dest/.npm/node_modules"
if [ ! -f "$pkgs/emoji-datasource-twitter/emoji.json" ] || [ ! -f "$pkgs/emoji-datasource-google/emoji.json" ]; then
  echo "emoji-domains: installing emoji-datasource-twitter and -google $version into $dest/.npm"
  npm install --prefix "$dest/.npm" --no-save --no-audit --no-fund --loglevel=error \
    "emoji-datasource-twitter@$version" "emoji-datasource-google@$version" >/dev/null
fi
# Category -> folder name; the JSON is read with node (installed with npm) so no other tool is needed.
node - "$pkgs" "$dest" <<'JS'
const fs = require('fs'), path = require('path');
const [pkgs, dest] = process.argv.slice(2);
const domains = {
  'Smileys & Emotion': 'smileys', 'People & Body': 'people', 'Animals & Nature': 'animals', 'Food & Drink': 'food',
  'Travel & Places': 'travel', 'Activities': 'activities', 'Objects': 'objects', 'Symbols': 'symbols', 'Flags': 'flags',
};
const counts = {};
for (const name of Object.values(domains)) {
  fs.rmSync(path.join(dest, name), { recursive: true, force: true });
  fs.mkdirSync(path.join(dest, name), { recursive: true });
  counts[name] = 0;
}
for (const vendor of ['twitter', 'google']) {
  const emoji = JSON.parse(fs.readFileSync(path.join(pkgs, `emoji-datasource-${vendor}`, 'emoji.json'), 'utf8'));
  for (const e of emoji) {
    const domain = domains[e.category];
    if (!domain || !e[`has_img_${vendor}`]) continue;
    const from = path.join(pkgs, `emoji-datasource-${vendor}`, 'img', vendor, '64', e.image);
    if (!fs.existsSync(from)) continue;
    fs.copyFileSync(from, path.join(dest, domain, `${vendor}-${e.image}`));
    counts[domain]++;
  }
}
for (const [name, n] of Object.entries(counts)) console.log(`${name.padEnd(11)} ${String(n).padStart(4)} images  ${path.join(dest, name)}`);
JS
cat > "$dest/LICENSES.txt" <<TXT
Images from the npm packages emoji-datasource-twitter and emoji-datasource-google $version (MIT).
Twemoji graphics: Copyright Twitter, Inc. and other contributors, CC-BY 4.0 (https://creativecommons.org/licenses/by/4.0/).
Noto Emoji graphics: Copyright Google Inc., Apache License 2.0.
TXT
