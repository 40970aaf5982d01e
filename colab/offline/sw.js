// Co-Lab's service worker: lessons to read with no connection. Hand-written, no framework.
// What it may keep is decided here and by the server: course overviews and lesson pages, the stylesheet and the
// script, and a page that says "you are offline". Never a community, a dialogue, a report, moderation,
// notifications or the account: those always go to the network, and are never stored.
// /sw.js fills in the three constants below (see colab/offline/views.py).
var VERSION = "__VERSION__";
var SHELL_FILES = __SHELL__;
var OFFLINE_PAGE = "/offline";
var SHELL = "colab-shell-" + VERSION; // the stylesheet, the script, the offline page: replaced with each version
var SAVED = "colab-saved"; // what the learner chose to save (a module, a course): kept until they remove it
var RECENT = "colab-recent"; // lessons opened lately (not in discreet mode): the newest RECENT_MAX
var RECENT_MAX = 30;
var READABLE = /^\/courses\/[a-z0-9-]+\/([a-z0-9-]+\/)?$/; // a course overview or one of its lessons
// What a learner does in a lesson: answer an activity, mark it done. Sent with no connection, it waits on the device.
var WRITABLE = /^\/courses\/[a-z0-9-]+\/[a-z0-9-]+\/(activities\/[a-z0-9-]+|complete)$/;
var WRITABLE_TAIL = /(activities\/[a-z0-9-]+|complete)$/; // what to cut to get back to the lesson

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return cache.addAll(SHELL_FILES.concat([OFFLINE_PAGE]));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("colab-shell-") === 0 && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepRecent(request, response) {
  return caches.open(RECENT).then(function (cache) {
    return cache.put(request, response).then(function () { return cache.keys(); }).then(function (keys) {
      return Promise.all(keys.slice(0, Math.max(0, keys.length - RECENT_MAX)).map(function (key) {
        return cache.delete(key);
      }));
    });
  });
}

function refreshSaved(request, response) {
  return caches.open(SAVED).then(function (cache) {
    return cache.match(request).then(function (old) { return old ? cache.put(request, response) : null; });
  });
}

// A page the learner may read offline: from the network when there is one (and kept fresh in the caches), else
// from what was saved, else the offline page.
function readable(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    var keep = response.ok && !response.redirected && response.headers.get("X-Colab-Offline");
    if (keep) {
      event.waitUntil(refreshSaved(request, response.clone()));
      if (keep === "keep") event.waitUntil(keepRecent(request, response.clone()));
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreSearch: true }).then(function (found) {
      return found || caches.match(OFFLINE_PAGE);
    });
  });
}

// The device's queue of what was done offline (IndexedDB "colab-offline", store "changes", one record per change:
// {id, url, fields, at}); colab.js sends it when the connection returns, each change once (its id).
function queue(change) {
  return new Promise(function (resolve, reject) {
    var opening = indexedDB.open("colab-offline", 1);
    opening.onupgradeneeded = function () { opening.result.createObjectStore("changes", { keyPath: "id" }); };
    opening.onerror = function () { reject(opening.error); };
    opening.onsuccess = function () {
      var done = opening.result.transaction("changes", "readwrite");
      done.objectStore("changes").put(change);
      done.oncomplete = function () { opening.result.close(); resolve(); };
      done.onerror = function () { reject(done.error); };
    };
  });
}

// A lesson's form sent: to the network; with no connection, kept on the device (without its CSRF token, which will
// be stale when it is sent), and the lesson shown again from what was saved, saying what waits to be sent.
function sendOrKeep(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return copy.formData().then(function (form) {
      var fields = [];
      form.forEach(function (value, name) { if (name !== "csrf_token") fields.push([name, String(value)]); });
      var id = self.crypto.randomUUID ? self.crypto.randomUUID() : Date.now() + "-" + Math.random().toString(36).slice(2);
      return queue({ id: id, url: copy.url, fields: fields, at: Date.now() });
    }).then(function () {
      return Response.redirect(copy.url.replace(WRITABLE_TAIL, "") + "#offline-changes", 303);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate" && WRITABLE.test(url.pathname)) {
    event.respondWith(sendOrKeep(request));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (found) { return found || fetch(request); }));
  } else if (request.mode === "navigate" && READABLE.test(url.pathname)) {
    event.respondWith(readable(event));
  } else if (request.mode === "navigate") {
    // Everything else only from the network; offline, the offline page (never a stored copy of it).
    event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE_PAGE); }));
  }
});
