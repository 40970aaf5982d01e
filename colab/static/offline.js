// Reading offline, the part a page needs only once the service worker is there or something can be saved (colab.js
// loads it; the offline page includes it): "Save for offline reading" buttons keep a module's pages; what was done
// offline is sent when the connection returns; the offline page lists what is kept and removes all of it.
(function () {
  if (!("serviceWorker" in navigator) || !window.caches || !window.fetch) return;
  var SAVED = "colab-saved";
  function worker() {
    return navigator.serviceWorker.register("/sw.js").then(function () { return navigator.serviceWorker.ready; });
  }
  function save(button, status) {
    var urls = button.getAttribute("data-save-offline").split(" ");
    button.disabled = true;
    status.textContent = button.getAttribute("data-saving");
    worker().then(function () { return caches.open(SAVED); }).then(function (cache) {
      return Promise.all(urls.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok || response.redirected) throw new Error(url);
          return cache.put(url, response);
        });
      }));
    }).then(function () {
      status.textContent = button.getAttribute("data-saved");
    }, function () {
      status.textContent = button.getAttribute("data-failed");
      button.disabled = false;
    });
  }
  document.querySelectorAll("[data-save-offline]").forEach(function (button) {
    var box = button.parentNode, status = box.querySelector("[role=status]");
    box.hidden = false;
    button.addEventListener("click", function () { save(button, status); });
  });

  // What was done offline (queued by the worker in IndexedDB): sent when the connection returns, each change with
  // its id so that Co-Lab applies it once; the lesson page says what waits and what was sent.
  function changes(mode, work) {
    return new Promise(function (resolve, reject) {
      var opening = indexedDB.open("colab-offline", 1);
      opening.onupgradeneeded = function () { opening.result.createObjectStore("changes", { keyPath: "id" }); };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        var done = opening.result.transaction("changes", mode), result = work(done.objectStore("changes"));
        done.oncomplete = function () { opening.result.close(); resolve(result.result); };
        done.onerror = function () { reject(done.error); };
      };
    });
  }
  // The notice goes above a lesson, made here rather than sent empty in every lesson; it exists (empty, hidden)
  // before its sentence arrives, so a screen reader announces the sentence.
  var lesson = document.querySelector(".lesson-page"), notice = null, wording = null;
  if (lesson) {
    notice = document.createElement("p");
    notice.id = "offline-changes";
    notice.className = "notice";
    notice.setAttribute("role", "status");
    notice.tabIndex = -1;
    notice.hidden = true;
    lesson.parentNode.insertBefore(notice, lesson);
  }
  // The notice's sentences are on /offline (in the reader's language; the worker keeps a copy), not in every lesson:
  // fresh when online, else the worker's copy.
  function words() {
    wording = wording || fetch("/offline", { credentials: "same-origin" }).catch(function () {
      return caches.match("/offline");
    }).then(function (response) { return response ? response.text() : ""; }).then(function (html) {
      return new DOMParser().parseFromString(html, "text/html").getElementById("offline-strings");
    });
    return wording;
  }
  function show(state, count) {
    if (!notice || !state) return Promise.resolve(null);
    return words().then(function (found) {
      if (!found) return null;
      notice.hidden = false;
      notice.textContent = found.getAttribute("data-" + state).replace("%(num)s", count);
      return found;
    });
  }
  function send(pending) {
    return fetch("/offline/token", { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("token");
      return response.json();
    }).then(function (token) {
      return pending.reduce(function (previous, change) {
        return previous.then(function () {
          var body = new URLSearchParams(change.fields);
          body.append("csrf_token", token.csrf_token);
          return fetch(change.url, { method: "POST", body: body, credentials: "same-origin", redirect: "manual",
                                     headers: { "X-Colab-Change": change.id } });
        }).then(function (response) {
          if (response.type === "opaqueredirect" || response.ok || response.status === 400) {
            return changes("readwrite", function (store) { return store.delete(change.id); });
          }
          if (response.status === 404) {  // the lesson changed meanwhile: keep what was written, to copy
            change.failed = true;
            return changes("readwrite", function (store) { return store.put(change); });
          }
          throw new Error("later");
        });
      }, Promise.resolve());
    });
  }
  function showFailed(failed) {
    if (!notice || !failed.length) return;
    show("failed", failed.length).then(function (found) {
      failed.forEach(function (change) {
        change.fields.forEach(function (field) {
          if (!found || !/-text$/.test(field[0]) || !field[1]) return;
          var copy = notice.appendChild(document.createElement("textarea"));
          copy.readOnly = true;
          copy.value = field[1];
          copy.setAttribute("aria-label", found.getAttribute("data-copy"));
        });
      });
    });
  }
  function sendWaiting() {
    changes("readonly", function (store) { return store.getAll(); }).then(function (all) {
      var pending = (all || []).filter(function (change) { return !change.failed; });
      var failed = (all || []).filter(function (change) { return change.failed; });
      if (pending.length) show(pending.length === 1 ? "one" : "many", pending.length);
      if (!pending.length || !navigator.onLine) return showFailed(failed);
      return send(pending).then(function () {
        return show("sent", 0);
      }).then(function () {
        return changes("readonly", function (store) { return store.getAll(); });
      }).then(function (left) {
        showFailed((left || []).filter(function (change) { return change.failed; }));
      }, function () {});
    });
  }
  window.addEventListener("online", sendWaiting);
  sendWaiting();

  var list = document.querySelector("[data-saved-list]");
  if (list) {
    Promise.all([SAVED, "colab-recent"].map(function (name) {
      return caches.open(name).then(function (cache) {
        return cache.keys().then(function (keys) {
          return Promise.all(keys.map(function (key) { return cache.match(key); }));
        });
      });
    })).then(function (found) {  // each saved page is listed by its heading, read from the copy itself
      var seen = {};
      return Promise.all([].concat.apply([], found).filter(function (response) {
        var fresh = response && response.headers.get("X-Colab-Offline") && !seen[response.url];
        if (fresh) seen[response.url] = true;
        return fresh;
      }).map(function (response) {
        return response.text().then(function (html) {
          var heading = new DOMParser().parseFromString(html, "text/html").querySelector("h1");
          return { url: response.url, title: heading ? heading.textContent.trim() : response.url };
        });
      }));
    }).then(function (pages) {
      var items = list.querySelector("ul");
      pages.forEach(function (page) {
        var link = document.createElement("a");
        link.href = page.url;
        link.textContent = page.title;
        items.appendChild(document.createElement("li")).appendChild(link);
      });
      list.querySelector("[data-saved-empty]").hidden = items.children.length > 0;
    });
  }
  var forget = document.querySelector("[data-forget-device]");
  if (forget) {
    forget.addEventListener("click", function () {
      caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return caches.delete(name); }));
      }).then(function () {
        return new Promise(function (resolve) {  // what waits to be sent goes too: the learner asked for everything
          var removing = indexedDB.deleteDatabase("colab-offline");
          removing.onsuccess = removing.onerror = removing.onblocked = resolve;
        });
      }).then(function () {
        return navigator.serviceWorker.getRegistrations();
      }).then(function (registrations) {
        return Promise.all(registrations.map(function (registration) { return registration.unregister(); }));
      }).then(function () {
        if (list) list.querySelector("ul").textContent = "";
        document.querySelector("[data-forget-done]").hidden = false;
      });
    });
  }
})();
