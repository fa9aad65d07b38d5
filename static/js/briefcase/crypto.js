// The briefcase's encryption (docs/briefcase.md): WebCrypto only, nothing of our own.
//
// Every record is sealed with AES-GCM under the device's data key, with a fresh random
// 96-bit IV and the record's key ("12:3", "manifest") as additional data, so a record
// copied under another key does not open. The data key comes from the server per page
// session; for reading offline after a reload it is kept only wrapped, under a key
// derived from the member's offline PIN (PBKDF2-SHA256, random salt).
(function () {
  "use strict";

  var subtle = window.crypto && window.crypto.subtle;
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  // OWASP's figure for PBKDF2-HMAC-SHA256 (2023); stored with each wrap so it can grow.
  var ITERATIONS = 600000;

  function random(n) {
    return window.crypto.getRandomValues(new Uint8Array(n));
  }

  function importDataKey(raw) {
    // Not extractable: once imported, the page itself cannot read the key back out.
    return subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  }

  function seal(key, recordKey, bytes) {
    var iv = random(12);
    return subtle
      .encrypt({ name: "AES-GCM", iv: iv, additionalData: encoder.encode(recordKey) }, key, bytes)
      .then(function (ct) {
        return { k: recordKey, iv: iv, ct: ct };
      });
  }

  function open(key, record) {
    return subtle
      .decrypt({ name: "AES-GCM", iv: record.iv, additionalData: encoder.encode(record.k) }, key, record.ct)
      .then(function (plain) {
        return new Uint8Array(plain);
      });
  }

  function sealJSON(key, recordKey, value) {
    return seal(key, recordKey, encoder.encode(JSON.stringify(value)));
  }

  function openJSON(key, record) {
    return open(key, record).then(function (bytes) {
      return JSON.parse(decoder.decode(bytes));
    });
  }

  function pinKey(pin, salt, iterations) {
    return subtle
      .importKey("raw", encoder.encode(pin), "PBKDF2", false, ["deriveKey"])
      .then(function (material) {
        return subtle.deriveKey(
          { name: "PBKDF2", hash: "SHA-256", salt: salt, iterations: iterations },
          material,
          { name: "AES-GCM", length: 256 },
          false,
          ["encrypt", "decrypt"]
        );
      });
  }

  // The raw data key, sealed under the PIN's key: {k: "wrap", salt, iterations, iv, ct}.
  function wrap(raw, pin) {
    var salt = random(16);
    return pinKey(pin, salt, ITERATIONS).then(function (kek) {
      return seal(kek, "wrap", raw).then(function (record) {
        record.salt = salt;
        record.iterations = ITERATIONS;
        return record;
      });
    });
  }

  // Resolves to the data key; rejects (an OperationError) when the PIN is wrong.
  function unwrap(record, pin) {
    return pinKey(pin, record.salt, record.iterations)
      .then(function (kek) {
        return open(kek, record);
      })
      .then(function (raw) {
        return importDataKey(raw).then(function (key) {
          raw.fill(0);
          return key;
        });
      });
  }

  function sha256hex(bytes) {
    return subtle.digest("SHA-256", bytes).then(function (digest) {
      return Array.prototype.map
        .call(new Uint8Array(digest), function (b) {
          return ("0" + b.toString(16)).slice(-2);
        })
        .join("");
    });
  }

  function fromBase64(text) {
    var binary = window.atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  window.ecabinetBriefcaseCrypto = {
    available: !!subtle,
    ITERATIONS: ITERATIONS,
    importDataKey: importDataKey,
    seal: seal,
    open: open,
    sealJSON: sealJSON,
    openJSON: openJSON,
    wrap: wrap,
    unwrap: unwrap,
    sha256hex: sha256hex,
    fromBase64: fromBase64,
  };
})();
