// Passkey ceremonies for the hosted pages. A button
//   <button data-passkey="register|authenticate|discover" data-options="/url" data-form="id">
// asks the server for options (posting the form's fields, CSRF token included), lets the
// browser create or use a passkey, puts the answer into the form's `ceremony` and
// `credential` fields and submits the form. The server checks everything; this file only
// carries bytes between the browser's WebAuthn API and the forms.
(function () {
  "use strict";

  function fromBase64url(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var index = 0; index < binary.length; index++) {
      bytes[index] = binary.charCodeAt(index);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var index = 0; index < bytes.length; index++) {
      binary += String.fromCharCode(bytes[index]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // The server's JSON leaves optional members as null; WebAuthn dictionaries want them absent.
  function withoutNulls(value) {
    if (Array.isArray(value)) {
      return value.map(withoutNulls);
    }
    if (value && typeof value === "object") {
      var copy = {};
      Object.keys(value).forEach(function (key) {
        if (value[key] !== null && value[key] !== undefined) {
          copy[key] = withoutNulls(value[key]);
        }
      });
      return copy;
    }
    return value;
  }

  function creationOptions(publicKey) {
    var options = withoutNulls(publicKey);
    options.challenge = fromBase64url(options.challenge);
    options.user.id = fromBase64url(options.user.id);
    (options.excludeCredentials || []).forEach(function (credential) {
      credential.id = fromBase64url(credential.id);
    });
    return options;
  }

  function requestOptions(publicKey) {
    var options = withoutNulls(publicKey);
    options.challenge = fromBase64url(options.challenge);
    (options.allowCredentials || []).forEach(function (credential) {
      credential.id = fromBase64url(credential.id);
    });
    return options;
  }

  function credentialJson(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      extensions: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: toBase64url(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      if (response.getTransports) {
        json.response.transports = response.getTransports();
      }
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      json.response.userHandle = response.userHandle ? toBase64url(response.userHandle) : null;
    }
    // Extension results hold binary only for extensions we never ask for.
    json.extensions = JSON.parse(JSON.stringify(json.extensions));
    return JSON.stringify(json);
  }

  function fetchOptions(url, form) {
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (key !== "credential") {
        body.append(key, value);
      }
    });
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    }).then(function (answer) {
      if (!answer.ok) {
        throw new Error("options " + answer.status);
      }
      return answer.json();
    });
  }

  function finish(form, ceremony, credential) {
    form.querySelector("input[name=ceremony]").value = ceremony;
    form.querySelector("input[name=credential]").value = credentialJson(credential);
    form.submit();
  }

  function showError(button) {
    var target = document.getElementById(button.getAttribute("data-error"));
    if (target) {
      target.hidden = false;
    }
    button.disabled = false;
  }

  var pendingAutofill = null;

  function run(button, mediation) {
    var form = document.getElementById(button.getAttribute("data-form"));
    var kind = button.getAttribute("data-passkey");
    if (pendingAutofill && mediation !== "conditional") {
      pendingAutofill.abort();
      pendingAutofill = null;
    }
    if (mediation !== "conditional") {
      button.disabled = true;
    }
    return fetchOptions(button.getAttribute("data-options"), form)
      .then(function (options) {
        if (kind === "register") {
          return navigator.credentials
            .create({ publicKey: creationOptions(options.publicKey) })
            .then(function (credential) {
              finish(form, options.ceremony, credential);
            });
        }
        var request = { publicKey: requestOptions(options.publicKey) };
        if (mediation === "conditional") {
          pendingAutofill = new AbortController();
          request.mediation = "conditional";
          request.signal = pendingAutofill.signal;
        }
        return navigator.credentials.get(request).then(function (credential) {
          if (credential) {
            finish(form, options.ceremony, credential);
          }
        });
      })
      .catch(function (error) {
        // The autofill offer fails quietly: the user may still type a password.
        if (mediation === "conditional" || (error && error.name === "AbortError")) {
          return;
        }
        showError(button);
      });
  }

  function start() {
    var buttons = document.querySelectorAll("[data-passkey]");
    if (!window.PublicKeyCredential || !navigator.credentials) {
      buttons.forEach(function (button) {
        button.hidden = true;
      });
      document.querySelectorAll("[data-passkey-unsupported]").forEach(function (note) {
        note.hidden = false;
      });
      return;
    }
    buttons.forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function (event) {
        event.preventDefault();
        run(button, "modal");
      });
      // On the sign-in page, offer passkeys in the name field's autofill where supported.
      if (button.hasAttribute("data-autofill") && PublicKeyCredential.isConditionalMediationAvailable) {
        PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
          if (available) {
            run(button, "conditional");
          }
        });
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
