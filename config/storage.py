"""Static files in production: hashed names, compressed copies (WhiteNoise), far-future
caching; and the imports of a JavaScript module rewritten to the hashed names too.

Without the last, static/js/govuk-frontend-init.js imported GOV.UK Frontend by its plain
name, which WhiteNoise serves with a one-minute lifetime: every visit after a minute
fetched it again.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
