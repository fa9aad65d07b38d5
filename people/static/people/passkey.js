// Passkeys (WebAuthn) on the second-factor pages: asks the server for a challenge,
// lets the browser talk to the authenticator, and posts its answer in the form, which
// the server checks (people/passkeys.py). No inline script: the pages' forms carry the
// URLs and the translated messages in data attributes.
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var raw = window.atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return window.btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  function creationOptions(options) {
    var publicKey = Object.assign({}, options);
    publicKey.challenge = toBytes(options.challenge);
    publicKey.user = Object.assign({}, options.user, { id: toBytes(options.user.id) });
    publicKey.excludeCredentials = descriptors(options.excludeCredentials);
    return publicKey;
  }

  function requestOptions(options) {
    var publicKey = Object.assign({}, options);
    publicKey.challenge = toBytes(options.challenge);
    publicKey.allowCredentials = descriptors(options.allowCredentials);
    return publicKey;
  }

  function answer(credential) {
    var response = credential.response;
    var out = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toText(response.clientDataJSON) },
    };
    if (credential.authenticatorAttachment) {
      out.authenticatorAttachment = credential.authenticatorAttachment;
    }
    if (response.attestationObject) {
      out.response.attestationObject = toText(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = toText(response.authenticatorData);
      out.response.signature = toText(response.signature);
      if (response.userHandle) out.response.userHandle = toText(response.userHandle);
    }
    return out;
  }

  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    var mode = form.dataset.passkey;
    var box = form.querySelector("[data-passkey-error]");
    var button = form.querySelector("button[type=submit]");

    function show(text) {
      box.querySelector("p").textContent = text;
      box.hidden = false;
    }

    if (!window.PublicKeyCredential || !navigator.credentials) {
      show(form.dataset.msgUnsupported);
      button.disabled = true;
      return;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var started = Date.now();
      var timeout = 0;
      button.disabled = true;
      box.hidden = true;
      fetch(form.dataset.optionsUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
      })
        .then(function (reply) {
          if (!reply.ok) throw new Error("options " + reply.status);
          return reply.json();
        })
        .then(function (options) {
          started = Date.now();
          timeout = options.timeout || 0;
          if (mode === "register") {
            return navigator.credentials.create({ publicKey: creationOptions(options) });
          }
          return navigator.credentials.get({ publicKey: requestOptions(options) });
        })
        .then(function (credential) {
          if (!credential) throw new Error("no credential");
          form.elements.credential.value = JSON.stringify(answer(credential));
          form.submit();
        })
        .catch(function (error) {
          var name = error && error.name;
          var text = form.dataset.msgFailed;
          if (name === "NotAllowedError") {
            var late = timeout && Date.now() - started >= timeout - 1000;
            text = late ? form.dataset.msgTimeout : form.dataset.msgCancelled;
          } else if (name === "InvalidStateError") {
            text = form.dataset.msgExists;
          } else if (name === "NotSupportedError") {
            text = form.dataset.msgUnsupported;
          }
          show(text);
          button.disabled = false;
        });
    });
  });
})();
