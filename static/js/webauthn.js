// Security key buttons on the second-factor pages: allauth's WebAuthn code
// (static mfa/js/webauthn.js) does the browser ceremony; this wires our buttons to it
// through data attributes, as the CSP allows no inline script, and shows a failure.
(function () {
  'use strict'
  const forms = window.allauth && window.allauth.webauthn && window.allauth.webauthn.forms
  if (!forms) return
  document.addEventListener('allauth.error', function (event) {
    event.preventDefault()
    document.querySelectorAll('[data-webauthn-error]').forEach(function (el) {
      el.classList.remove('d-none')
    })
  })
  document.querySelectorAll('[data-webauthn]').forEach(function (button) {
    const ids = { credential: button.dataset.webauthnCredential, data: 'js_data' }
    if (button.dataset.webauthn === 'add') {
      ids.add = button.id
      if (button.dataset.webauthnPasswordless) ids.passwordless = button.dataset.webauthnPasswordless
      forms.addForm({ ids })
    } else {
      ids.authenticate = button.id
      forms.authenticateForm({ ids })
    }
  })
})()
