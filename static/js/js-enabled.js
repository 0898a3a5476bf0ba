// Loaded synchronously at the top of <body>, so GOV.UK Frontend's JavaScript-only styles
// apply before the page first paints: deferred, a page would paint without them and then
// jump. It costs the first paint nothing: the browser fetches it alongside the
// stylesheets, which are bigger and which the first paint waits for anyway (measured on
// Slow 4G, tests/browser/test_first_paint.py). A file rather than an inline script: the
// Content-Security-Policy allows scripts from this site only, with no hashes.
document.body.className +=
  " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
