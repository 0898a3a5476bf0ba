#!/usr/bin/env bash
# Vendor GOV.UK Frontend and plotly.js into static/vendor/ so pages load no CDN.
# Run from the repo root after changing a version; commit the result.
# npm is needed only here, never in CI or at run time.
set -euo pipefail

GOVUK_VERSION=6.6.0
PYTHON=${PYTHON:-.venv/bin/python}
GOVUK_OUT=static/vendor/govuk
PLOTLY_OUT=static/vendor/plotly

if [[ ! -d .git || ! -x "$PYTHON" ]]; then
    echo "Run from the repo root with $PYTHON installed." >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# GOV.UK Frontend: the precompiled CSS/JS (+ source maps, which
# CompressedManifestStaticFilesStorage needs to resolve) and the images/manifest.
(cd "$tmp" && npm pack --silent "govuk-frontend@${GOVUK_VERSION}" >/dev/null \
    && tar xzf "govuk-frontend-${GOVUK_VERSION}.tgz")
src="$tmp/package/dist/govuk"
rm -rf "$GOVUK_OUT"
mkdir -p "$GOVUK_OUT"
cp "$src"/govuk-frontend.min.css "$src"/govuk-frontend.min.css.map \
   "$src"/govuk-frontend.min.js "$src"/govuk-frontend.min.js.map "$GOVUK_OUT/"
cp -r "$src/assets" "$GOVUK_OUT/"
cp "$tmp/package/README.md" "$GOVUK_OUT/README.md"
# GDS Transport is licensed for gov.uk only: drop the font files and its
# @font-face rules, so text falls back to Arial.
rm -rf "$GOVUK_OUT/assets/fonts"
css="$GOVUK_OUT/govuk-frontend.min.css"
sed -i -E 's#/\*! Copyright \(c\) 2011 by Margaret Calvert[^*]*\*/##; s#@font-face\{font-family:GDS Transport;[^}]*\}##g; s#GDS Transport,##g' "$css"
# Relative asset URLs resolve under STATIC_URL instead of the site root.
sed -i 's#url(/assets/#url(assets/#g' "$css"
if grep -q -e 'GDS Transport' -e 'url(/assets' "$css"; then
    echo "GDS Transport or an absolute /assets/ URL is left in $css" >&2
    exit 1
fi
echo "govuk-frontend ${GOVUK_VERSION} (MIT), from npm; fonts removed" > "$GOVUK_OUT/VERSION"

# plotly.js ships inside the plotly wheel; copy it so it matches the Python side.
mkdir -p "$PLOTLY_OUT"
"$PYTHON" - "$PLOTLY_OUT" <<'PY'
import pathlib, shutil, sys
import plotly, plotly.offline

out = pathlib.Path(sys.argv[1])
src = pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
shutil.copy(src, out / "plotly.min.js")
if (out / "plotly.min.js").read_text(encoding="utf-8") != plotly.offline.get_plotlyjs():
    sys.exit("plotly.min.js differs from plotly.offline.get_plotlyjs()")
(out / "VERSION").write_text(f"plotly.js from the plotly {plotly.__version__} wheel (MIT)\n")
PY

du -sh "$GOVUK_OUT" "$PLOTLY_OUT"
