// Signet admin console: progressive enhancement only; every page works without it.
// Loaded from /admin/assets/ under `script-src 'self'`: no inline handlers, no eval.
'use strict';

(function () {
  /**
   * Dry run: says, as the administrator types, whether the input reads as a token or as claims
   * (and where the JSON is broken), decoding nothing beyond the JWT's shape.
   */
  function describeInput(text) {
    var value = text.trim();
    if (value === '') return '';
    if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value)) {
      return 'Reads as a token: it is verified as a signing request would be.';
    }
    try {
      var parsed = JSON.parse(value);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return 'Not a token, and not a JSON object of claims.';
      }
      return (
        'Reads as claims (' + Object.keys(parsed).length + '): simulated, with the issuer below.'
      );
    } catch (err) {
      return 'Not a token, and not valid JSON: ' + err.message;
    }
  }

  function enhanceDryRun() {
    var input = document.getElementById('field-input');
    var kind = document.getElementById('input-kind');
    if (input === null || kind === null) return;
    var update = function () {
      kind.textContent = describeInput(input.value);
    };
    input.addEventListener('input', update);
    update();
    // After an evaluation, take keyboard and screen-reader users to the answer.
    var result = document.getElementById('result');
    if (result !== null) result.focus();
  }

  /** A token shown once: a copy button beside it. */
  function enhanceCopy() {
    document.querySelectorAll('input[data-copy]').forEach(function (field) {
      if (navigator.clipboard === undefined) return;
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Copy';
      var status = document.createElement('span');
      status.setAttribute('role', 'status');
      button.addEventListener('click', function () {
        navigator.clipboard.writeText(field.value).then(
          function () {
            status.textContent = ' Copied.';
          },
          function () {
            field.select();
            status.textContent = ' Select and copy it yourself.';
          },
        );
      });
      field.insertAdjacentElement('afterend', status);
      field.insertAdjacentElement('afterend', button);
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    enhanceDryRun();
    enhanceCopy();
  });
})();
