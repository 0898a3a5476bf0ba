// Loaded synchronously at the top of <body>, so GOV.UK Frontend's JavaScript-only styles
// apply before the page first paints. A file rather than an inline script: the
// Content-Security-Policy allows scripts from this site only.
document.body.className +=
  " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
