#!/usr/bin/env bash
# Vendor GOV.UK Frontend and plotly.js into static/vendor/ so pages load no CDN.
# Run from the repo root after changing a version; commit the result.
# npm is needed only here, never in CI or at run time; `npm pack` fetches a package's
# tarball alone, so no node_modules is left behind.
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

# plotly.js: the "basic" partial bundle (bar, pie and scatter traces), not the full one.
# Every chart the app draws is made of go.Bar traces (ratings/charts.py,
# recommendations/charts.py, inspections/explorer/themes.py), and basic is the smallest
# published bundle that draws them: 1.2 MB against the full bundle's 4.8 MB, which phones
# on a slow line waited for. Its version is the plotly.js the plotly wheel was built for,
# so the figures the Python side writes draw as it means them to. A new trace type on the
# Python side needs a bigger bundle (plotly.js-cartesian-dist-min, ...):
# tests/browser/test_first_paint.py draws every chart and fails if one does not.
PLOTLY_JS_VERSION=$("$PYTHON" -c 'import plotly.offline; print(plotly.offline.get_plotlyjs_version())')
PLOTLY_PACKAGE=plotly.js-basic-dist-min
mkdir "$tmp/plotly"
(cd "$tmp/plotly" && npm pack --silent "${PLOTLY_PACKAGE}@${PLOTLY_JS_VERSION}" >/dev/null \
    && tar xzf "${PLOTLY_PACKAGE}-${PLOTLY_JS_VERSION}.tgz")
src="$tmp/plotly/package"
header=$(head -c 200 "$src/plotly-basic.min.js")
if [[ $header != *"plotly.js (basic - minified) v${PLOTLY_JS_VERSION}"* ]]; then
    echo "$src/plotly-basic.min.js is not plotly.js ${PLOTLY_JS_VERSION}'s basic bundle" >&2
    exit 1
fi
rm -rf "$PLOTLY_OUT"
mkdir -p "$PLOTLY_OUT"
cp "$src/plotly-basic.min.js" "$src/LICENSE" "$PLOTLY_OUT/"
plotly_python=$("$PYTHON" -c 'import plotly; print(plotly.__version__)')
echo "${PLOTLY_PACKAGE} ${PLOTLY_JS_VERSION} (MIT), from npm: plotly.js ${PLOTLY_JS_VERSION}'s basic bundle (bar, pie, scatter), the plotly.js of the plotly ${plotly_python} wheel" \
    > "$PLOTLY_OUT/VERSION"

du -sh "$GOVUK_OUT" "$PLOTLY_OUT"
