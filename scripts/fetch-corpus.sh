#!/usr/bin/env bash
# Fetches the real music corpus: the Battle for Wesnoth soundtrack (Debian package
# wesnoth-1.16-music, GPL-2+, 41 Ogg Vorbis files, 44.1 kHz stereo, about 2.3 h).
#
#   scripts/fetch-corpus.sh [DIR]      DIR defaults to "corpus" (git-ignored)
#
# Leaves:
#   DIR/download/wesnoth-1.16-music_*.deb   the package as downloaded
#   DIR/root/                               the package unpacked with dpkg-deb
#   DIR/music/*.ogg                         symbolic links to the tracks (what the engine reads)
#   DIR/COPYRIGHT                           the package's copyright file
# The fixed train / validation / test split of these files is scripts/corpus-split.json.
# Running it again reuses the download. `apt-get download` needs the package lists:
# as root the script runs `apt-get update` itself when the package is unknown.
set -euo pipefail

PACKAGE="wesnoth-1.16-music"
MUSIC_SUBDIR="usr/share/games/wesnoth/1.16/data/core/music"
DIR="${1:-corpus}"

mkdir -p "$DIR/download" "$DIR/music"
DIR="$(cd "$DIR" && pwd)"

deb="$(ls "$DIR"/download/${PACKAGE}_*.deb 2>/dev/null | head -n 1 || true)"
if [[ -z "$deb" ]]; then
  if ! apt-cache show "$PACKAGE" >/dev/null 2>&1; then
    if [[ "$(id -u)" -ne 0 ]]; then
      echo "fetch-corpus: apt does not know $PACKAGE; run 'apt-get update' as root first" >&2
      exit 1
    fi
    echo "fetch-corpus: updating the apt package lists" >&2
    apt-get update -qq
  fi
  echo "fetch-corpus: downloading $PACKAGE (about 153 MB)" >&2
  # apt-get download writes into the current directory; as root it drops privileges to _apt,
  # which must be able to write there.
  (cd "$DIR/download" && chmod a+rwx . && apt-get download -q "$PACKAGE")
  deb="$(ls "$DIR"/download/${PACKAGE}_*.deb | head -n 1)"
fi

if [[ ! -d "$DIR/root/$MUSIC_SUBDIR" ]]; then
  echo "fetch-corpus: unpacking $(basename "$deb")" >&2
  rm -rf "$DIR/root.partial"
  dpkg-deb -x "$deb" "$DIR/root.partial"
  mv "$DIR/root.partial" "$DIR/root"
fi

count=0
for track in "$DIR/root/$MUSIC_SUBDIR"/*.ogg; do
  ln -sf "$track" "$DIR/music/$(basename "$track")"
  count=$((count + 1))
done
cp -f "$DIR/root/usr/share/doc/$PACKAGE/copyright" "$DIR/COPYRIGHT" 2>/dev/null || true

echo "fetch-corpus: $count tracks in $DIR/music" >&2
