#!/usr/bin/env bash
# Renders the PNG icons in assets/ from their SVG sources with ImageMagick:
#   icon.svg            → icons/<n>x<n>.png (the app icon, 16…512; Linux icon theme sizes,
#                         512 for the macOS .icns, 256 for the Windows .ico and notifications)
#   tray/src/<state>.svg → tray/light/  glyphs for light panels (the sources' own colours)
#                          tray/dark/   glyphs for dark panels (recoloured below)
#                          tray/mac/    macOS template images (black + alpha; macOS tints them)
#   Each tray PNG comes at 16 px (<state>.png, Windows) and 32 px (<state>-32.png, Linux),
#   each with its @2x for high-density screens. Run it after changing an SVG.
set -euo pipefail
cd "$(dirname "$0")"
command -v convert >/dev/null || { echo 'ImageMagick (convert) is needed' >&2; exit 1; }

states=(ready ringing in-call offline signed-out dnd)

# render SVG-FILE SIZE OUT: rasterise large, then scale down, for clean edges at 16 px.
render() {
  convert -background none -density 288 "$1" -resize "$2x$2" -strip -define png:compression-level=9 \
    -define png:exclude-chunks=date,time "PNG32:$3"
}

recolour() { # VARIANT < svg > svg
  case "$1" in
    light) cat ;;
    dark) sed -e 's/#1f2328/#f2f4f5/g' -e 's/#6b7075/#a8adb3/g' -e 's/#1e9e5a/#3ccf82/g' -e 's/#d93025/#ff5f52/g' ;;
    mac) sed -e 's/"#6b7075"/"#000000" opacity="0.5"/g' -e 's/#[0-9a-f]\{6\}/#000000/g' ;;
  esac
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p icons
for size in 16 24 32 48 64 128 256 512; do
  render icon.svg "$size" "icons/${size}x${size}.png"
done

for variant in light dark mac; do
  mkdir -p "tray/$variant"
  for state in "${states[@]}"; do
    recolour "$variant" <"tray/src/$state.svg" >"$work/$state-$variant.svg"
    if [ "$variant" = mac ]; then
      render "$work/$state-$variant.svg" 16 "tray/mac/${state}Template.png"
      render "$work/$state-$variant.svg" 32 "tray/mac/${state}Template@2x.png"
    else
      render "$work/$state-$variant.svg" 16 "tray/$variant/$state.png"
      render "$work/$state-$variant.svg" 32 "tray/$variant/$state@2x.png"
      render "$work/$state-$variant.svg" 32 "tray/$variant/$state-32.png"
      render "$work/$state-$variant.svg" 64 "tray/$variant/$state-32@2x.png"
    fi
  done
done
echo "icons written under $(pwd)"
