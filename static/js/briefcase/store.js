// The briefcase's IndexedDB database, `ecabinet-briefcase` (docs/briefcase.md):
//   meta      device id, the wrapped data key, the sealed time of last contact
//   manifest  the sealed manifest (meetings, agendas, papers) of the last sync
//   papers    sealed PDF bytes, one record per "<paper id>:<version>"
//   outbox    sealed positions and reading marked offline, keyed by their client id
// Records are {k, iv, ct, ...}; what is sealed is in ct, never beside it.
(function () {
  "use strict";

  var NAME = "ecabinet-briefcase";
  var STORES = ["meta", "manifest", "papers", "outbox"];
  var db = null;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function open() {
    if (db) return Promise.resolve(db);
    var request = window.indexedDB.open(NAME, 1);
    request.onupgradeneeded = function () {
      STORES.forEach(function (name) {
        if (!request.result.objectStoreNames.contains(name)) {
          request.result.createObjectStore(name, { keyPath: "k" });
        }
      });
    };
    return promised(request).then(function (opened) {
      db = opened;
      // Another tab deleting the database (a wipe) must not wait for this one.
      db.onversionchange = function () {
        close();
      };
      return db;
    });
  }

  function close() {
    if (db) db.close();
    db = null;
  }

  function run(store, mode, work) {
    return open().then(function (opened) {
      return new Promise(function (resolve, reject) {
        var tx = opened.transaction(store, mode);
        var result;
        promised(work(tx.objectStore(store))).then(function (value) {
          result = value;
        });
        tx.oncomplete = function () {
          resolve(result);
        };
        tx.onerror = tx.onabort = function () {
          reject(tx.error);
        };
      });
    });
  }

  function get(store, key) {
    return run(store, "readonly", function (s) {
      return s.get(key);
    });
  }

  function put(store, record) {
    return run(store, "readwrite", function (s) {
      return s.put(record);
    });
  }

  function remove(store, key) {
    return run(store, "readwrite", function (s) {
      return s.delete(key);
    });
  }

  function all(store) {
    return run(store, "readonly", function (s) {
      return s.getAll();
    });
  }

  function keys(store) {
    return run(store, "readonly", function (s) {
      return s.getAllKeys();
    });
  }

  function clear(store) {
    return run(store, "readwrite", function (s) {
      return s.clear();
    });
  }

  function deleteDatabase(name) {
    return new Promise(function (resolve) {
      var request = window.indexedDB.deleteDatabase(name);
      // "blocked" only means another tab still holds it open: it goes when that closes.
      request.onsuccess = request.onerror = request.onblocked = function () {
        resolve();
      };
    });
  }

  // Every database of the origin, not only ours: a wipe leaves nothing behind.
  function deleteAll() {
    close();
    var listed = window.indexedDB.databases ? window.indexedDB.databases() : Promise.resolve([]);
    return listed
      .catch(function () {
        return [];
      })
      .then(function (list) {
        var names = list.map(function (d) {
          return d.name;
        });
        if (names.indexOf(NAME) < 0) names.push(NAME);
        return Promise.all(names.map(deleteDatabase));
      });
  }

  window.ecabinetBriefcaseStore = {
    NAME: NAME,
    open: open,
    close: close,
    get: get,
    put: put,
    remove: remove,
    all: all,
    keys: keys,
    clear: clear,
    deleteAll: deleteAll,
  };
})();
