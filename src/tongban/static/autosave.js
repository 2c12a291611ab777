// Work typed into the application form is not lost (templates/cases/_form.html with
// data-autosave; the server side is cases/draft_views.py and web/carry.py):
// - what was typed is saved to the server every 30 s and when a field is left, only when
//   something changed, and "已自动保存 HH:MM" is said in the live region; a new
//   application becomes a draft by its first autosave (uploads wait for it too);
// - every change is also kept in this browser (localStorage, per user and draft, or per
//   item for a new application) until the server has it; a page opened with such an
//   unsaved copy, not older than the server's draft, offers 「恢复未保存的内容」;
// - before the form is posted, it is saved here first: if the sign-in has ended the page
//   stays as it is, with a link to sign in again in a new tab; once signed in there,
//   the next save from this page works (the form token belongs to the browser).
// Autosave never submits. Without this script the server carries a post made after the
// sign-in ended through the sign-in page (web/carry.py).
(function () {
  "use strict";

  var EVERY = 30000;
  var KEEP = 7 * 24 * 3600 * 1000; // unsaved copies older than a week are dropped

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (whole, key) {
      return key in values ? values[key] : whole;
    });
  }

  // What the form would send, without files, the token and the pressed button.
  function snapshot(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrf_token" && name !== "intent") {
        pairs.push([name, value]);
      }
    });
    return pairs;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  var store = {
    read: function (key) {
      try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (error) { return null; }
    },
    write: function (key, value) {
      try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (error) { /* full or off */ }
    },
    remove: function (key) {
      try { window.localStorage.removeItem(key); } catch (error) { /* off */ }
    }
  };

  function put(form, pairs) {
    var values = {};
    pairs.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (control) {
      var name = control.name;
      var skipped = ["hidden", "file", "submit", "button"];
      if (!name || skipped.indexOf(control.type) >= 0) { return; }
      var given = values[name] || [];
      if (control.type === "checkbox" || control.type === "radio") {
        control.checked = given.indexOf(control.value) >= 0;
      } else if (control.type === "select-multiple") {
        Array.prototype.forEach.call(control.options, function (option) {
          option.selected = given.indexOf(option.value) >= 0;
        });
      } else {
        var index = seen[name] || 0;
        seen[name] = index + 1;
        control.value = index < given.length ? given[index] : "";
      }
    });
  }

  function clock(time) {
    var at = new Date(time);
    return ("0" + at.getHours()).slice(-2) + ":" + ("0" + at.getMinutes()).slice(-2);
  }

  function setup(root) {
    var form = root.closest("form");
    if (!form || !root.hasAttribute("data-autosave")) { return; }
    var messages = JSON.parse(root.querySelector(".form-messages").textContent);
    var line = root.querySelector(".autosave-status");
    var saved = snapshot(form); // what the server has
    var running = null, resending = false;

    function key() { return "tongban.draft." + root.getAttribute("data-user") + "." + root.getAttribute("data-draft"); }
    function version() { return Number(root.getAttribute("data-version")) || 0; }
    function say(text) { line.textContent = text; }

    function keepLocal() {
      var now = snapshot(form);
      if (same(now, saved)) { store.remove(key()); return; }
      store.write(key(), { values: now, version: version(), at: Date.now() });
    }

    var notice = null;
    function signedOut(login) {
      if (!notice) {
        notice = document.createElement("div");
        notice.className = "alert signed-out";
        notice.setAttribute("role", "alert");
        var text = document.createElement("p");
        text.textContent = messages.signedOut;
        var link = document.createElement("a");
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = messages.signIn;
        notice.appendChild(text);
        notice.appendChild(link);
        line.parentNode.insertBefore(notice, line.nextSibling);
      }
      notice.querySelector("a").href = login || "/login";
      keepLocal();
    }
    function signedIn() {
      if (notice) { notice.remove(); notice = null; }
    }

    // A new application has become a draft: post and upload there from now on.
    function adopt(answer) {
      if (!root.hasAttribute("data-new-draft")) { return; }
      store.remove(key());
      root.removeAttribute("data-new-draft");
      root.setAttribute("data-draft", answer.number);
      root.setAttribute("data-autosave", answer.autosave);
      root.setAttribute("data-uploads", answer.materials);
      form.setAttribute("action", answer.edit);
      history.replaceState(null, "", answer.edit);
    }

    // Save what was typed; resolves true when the server has it.
    function save(always) {
      if (running) { return running.then(function () { return save(always); }); }
      var now = snapshot(form);
      if (!always && same(now, saved)) { return Promise.resolve(true); }
      var data = new FormData(form);
      Array.from(data.keys()).forEach(function (name) {
        if (name.indexOf("m_") === 0 || name === "intent") { data.delete(name); }
      });
      running = fetch(root.getAttribute("data-autosave"), {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.status === 401) { signedOut(answer.error && answer.error.login); return false; }
          if (!response.ok) { say(messages.autosaveFailed); keepLocal(); return false; }
          saved = now;
          var made = root.hasAttribute("data-new-draft");
          adopt(answer);
          root.setAttribute("data-version", answer.version);
          signedIn();
          say(made ? fill(messages.saved, { number: answer.number }) + " · " + answer.message : answer.message);
          keepLocal();
          return true;
        });
      }).catch(function () {
        say(messages.autosaveFailed);
        keepLocal();
        return false;
      }).then(function (ok) { running = null; return ok; });
      return running;
    }

    function offerRestore() {
      var copy = store.read(key());
      if (!copy || !copy.values) { return; }
      if (Date.now() - copy.at > KEEP || copy.version < version() || same(copy.values, saved)) {
        store.remove(key());
        return;
      }
      var box = document.createElement("div");
      box.className = "notice restore";
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", messages.restore);
      var text = document.createElement("p");
      text.textContent = fill(messages.restoreOffer, { time: clock(copy.at) });
      var yes = document.createElement("button");
      yes.type = "button";
      yes.textContent = messages.restore;
      var no = document.createElement("button");
      no.type = "button";
      no.className = "secondary";
      no.textContent = messages.discard;
      yes.addEventListener("click", function () {
        put(form, copy.values);
        box.remove();
        say(messages.restored);
        keepLocal();
        save(false);
      });
      no.addEventListener("click", function () { store.remove(key()); box.remove(); });
      box.appendChild(text);
      box.appendChild(yes);
      box.appendChild(no);
      root.insertBefore(box, root.firstChild);
    }

    form.addEventListener("input", keepLocal);
    form.addEventListener("change", keepLocal);
    form.addEventListener("focusout", function (event) {
      if (event.target.type !== "file") { save(false); }
    });
    window.setInterval(function () { save(false); }, EVERY);
    window.addEventListener("focus", function () { if (notice) { save(true); } });

    // Pressing 保存草稿 or 提交申请: save here first, so an ended sign-in loses nothing.
    form.addEventListener("submit", function (event) {
      if (resending) { resending = false; return; }
      event.preventDefault();
      event.stopImmediatePropagation();
      var submitter = event.submitter || null;
      save(true).then(function (ok) {
        if (!ok && notice) { return; } // signed out: the page stays, with the link
        resending = true;
        form.requestSubmit(submitter);
      });
    });

    // Uploads of a new application wait for its draft.
    root.tongbanDraft = function () {
      var made = root.hasAttribute("data-new-draft") ? save(true) : Promise.resolve(true);
      return made.then(function () {
        if (root.hasAttribute("data-new-draft")) { throw new Error("no draft"); }
        return root.getAttribute("data-uploads");
      });
    };
    root.tongbanSignedOut = signedOut;

    offerRestore();
  }

  document.querySelectorAll(".appform[data-autosave]").forEach(setup);
})();
