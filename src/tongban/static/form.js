// The application form (templates/cases/_form.html), enhanced when scripts run:
// - every input is checked when it loses focus, with the page's own messages (a JSON
//   block rendered in the page's language; each input's data-reasons, the server's words
//   for its format and bounds), written into the
//   same <p class="error" id="e-…"> slot the server uses; a message the server showed is
//   left alone while the value it was about has not changed; a material is asked for only
//   where its row has a file input and says ``data-required`` (the server's rule: shared
//   data, e-licences, generated forms and 协查 are not the applicant's to upload);
// - a file past the server's limit (the form's data-limit-mb) is refused at its row as
//   soon as it is chosen, and not kept to be sent with the form;
// - each material is uploaded as soon as it is chosen, with a progress bar, and the row
//   the server answers (name, size, preview, 更换) is swapped in; a brand-new application
//   is saved as a draft first (by autosave.js where the page autosaves), so the upload
//   has a case to go to;
// - receipts get a print button.
// The form is sent even while a message stands, as it is without this script: the server
// saves what was typed and names every problem beside its field at once, many of which
// this script cannot know (a check digit, a material shared data lacks, a future date).
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (whole, key) {
      return key in values ? values[key] : whole;
    });
  }

  function textOf(element) {
    if (!element) { return ""; }
    var copy = element.cloneNode(true);
    copy.querySelectorAll(".req").forEach(function (marker) { marker.remove(); });
    return copy.textContent.trim();
  }

  function matches(pattern, value) {
    try { return new RegExp(pattern, "u").test(value); } catch (error) { return true; }
  }

  // An identifier as the server reads it (tongban.identifiers): full width folded,
  // trimmed, upper case; a phone number also without spaces, hyphens or +86.
  function identifier(control, value) {
    var plain = value.normalize("NFKC").trim().toUpperCase();
    if (control.getAttribute("data-identifier") === "mobile-phone") {
      plain = plain.replace(/[\s\-()]/g, "").replace(/^\+86/, "");
    }
    return plain;
  }

  // Things that can be wrong, each with the id of its message slot (``key``).
  function controlItem(control) {
    return {
      kind: "control", el: control, focus: control,
      key: "e-" + control.id.replace(/^f-/, ""),
      container: control.closest(".field") || control.parentElement,
      title: function () { return textOf(document.querySelector("label[for='" + control.id + "']")); }
    };
  }

  function groupItem(fieldset, boxes) {
    return {
      kind: "group", el: fieldset, focus: boxes[0], boxes: boxes,
      key: "e-" + boxes[0].name, container: fieldset,
      required: !!fieldset.querySelector(":scope > legend .req"),
      title: function () { return textOf(fieldset.querySelector(":scope > legend")); }
    };
  }

  // A material row the applicant may upload to; null for a row the platform satisfies
  // (pulled, generated, signed online), which has no file input.
  function materialItem(row) {
    var input = row.querySelector("input[type=file]");
    if (!input) { return null; }
    return {
      kind: "material", el: row, focus: input, input: input,
      key: "me-" + row.id.replace(/^material-/, ""), container: row,
      title: function () { return textOf(row.querySelector("label")); }
    };
  }

  function items(form) {
    var found = [];
    form.querySelectorAll("input, select, textarea").forEach(function (control) {
      var skipped = ["hidden", "submit", "button", "file", "checkbox", "radio"];
      if (control.id && !control.disabled && skipped.indexOf(control.type) < 0) {
        found.push(controlItem(control));
      }
    });
    form.querySelectorAll("fieldset.field").forEach(function (fieldset) {
      var boxes = fieldset.querySelectorAll(":scope > .field.check > input[type=checkbox]");
      if (boxes.length) { found.push(groupItem(fieldset, boxes)); }
    });
    form.querySelectorAll(".material[id^='material-']").forEach(function (row) {
      var item = materialItem(row);
      if (item) { found.push(item); }
    });
    return found.sort(function (a, b) {
      return a.container.compareDocumentPosition(b.container) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
  }

  function valueOf(item) {
    if (item.kind === "group") {
      return Array.prototype.filter.call(item.boxes, function (box) { return box.checked; })
        .map(function (box) { return box.value; }).join("\n");
    }
    if (item.kind === "material") {
      var stored = item.el.querySelector(".stored");
      var files = item.input.files ? Array.prototype.map.call(item.input.files, function (f) { return f.name; }) : [];
      return (stored ? stored.textContent : "") + files.join("\n");
    }
    return item.el.value;
  }

  // The key of the message that applies (as formcheck.py names them), or null.
  function problemOf(item) {
    if (item.kind === "group") {
      return item.required && !valueOf(item) ? "required" : null;
    }
    if (item.kind === "material") {
      var present = item.el.querySelector(".stored") || (item.input.files && item.input.files.length);
      return item.el.hasAttribute("data-required") && !present ? "material" : null;
    }
    var control = item.el;
    if (control.validity && control.validity.badInput) { return "type"; }
    var value = control.value.trim();
    if (!value) { return control.required ? "required" : null; }
    if (control.type === "number") {
      var number = Number(value);
      var min = control.getAttribute("min"), max = control.getAttribute("max");
      if (!isFinite(number)) { return "type"; }
      if (control.getAttribute("step") === "1" && !Number.isInteger(number)) { return "type"; }
      if (min !== null && number < Number(min)) { return "minimum"; }
      if (max !== null && number > Number(max)) { return "maximum"; }
      return null;
    }
    if (control.type === "email" && control.validity && control.validity.typeMismatch) { return "pattern"; }
    var pattern = control.getAttribute("pattern");
    if (pattern && !matches(pattern, value)) { return "pattern"; }
    var shape = control.getAttribute("data-shape");
    if (shape && !matches(shape, identifier(control, value))) { return "pattern"; }
    var length = Array.from(value).length;
    var shortest = control.getAttribute("minlength"), longest = control.getAttribute("maxlength");
    if (shortest !== null && length < Number(shortest)) { return "minLength"; }
    if (longest !== null && length > Number(longest)) { return "maxLength"; }
    return null;
  }

  function describe(element, id, on) {
    var ids = (element.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (token) {
      return token && token !== id;
    });
    if (on) { ids.push(id); }
    var hint = "h-" + id.replace(/^e-/, "");
    if (!on && !ids.length && document.getElementById(hint)) { ids.push(hint); }
    if (ids.length) { element.setAttribute("aria-describedby", ids.join(" ")); }
    else { element.removeAttribute("aria-describedby"); }
  }

  function show(item, text) {
    var slot = document.getElementById(item.key);
    if (!slot) {
      slot = document.createElement("p");
      slot.className = "error";
      slot.id = item.key;
      item.container.appendChild(slot);
    }
    slot.textContent = text;
    item.container.classList.add("has-error");
    var target = item.kind === "group" ? item.el : item.focus;
    if (item.kind !== "group") { target.setAttribute("aria-invalid", "true"); }
    describe(target, item.key, true);
  }

  function clear(item) {
    var slot = document.getElementById(item.key);
    if (slot) { slot.remove(); }
    item.container.classList.remove("has-error");
    var target = item.kind === "group" ? item.el : item.focus;
    target.removeAttribute("aria-invalid");
    describe(target, item.key, false);
  }

  function enhance(root) {
    var form = root.closest("form");
    if (!form || form.hasAttribute("data-enhanced")) { return; }
    form.setAttribute("data-enhanced", "");
    form.noValidate = true; // our messages, in the page's language, replace the browser's
    var messages = JSON.parse(root.querySelector(".form-messages").textContent);
    var initial = {}, fromServer = {}, touched = {}, pending = [];

    function remember(item) {
      initial[item.key] = valueOf(item);
      fromServer[item.key] = !!document.getElementById(item.key);
    }
    items(form).forEach(remember);

    // The message of problem ``key``: the field's own reason where the page gives one
    // (data-reasons: the server's words for its format or bound), else the general one.
    function said(item, key) {
      var reasons = item.kind === "control" ? JSON.parse(item.el.getAttribute("data-reasons") || "{}") : {};
      var title = item.title();
      return key in reasons ? fill(messages.reason, { title: title, reason: reasons[key] })
        : fill(messages[key], { title: title });
    }

    // True when the item may be sent as it is; shows or clears its message.
    function check(item) {
      var key = problemOf(item);
      if (fromServer[item.key] && valueOf(item) === initial[item.key]) {
        return key === null; // the server's message still stands
      }
      fromServer[item.key] = false;
      if (key) {
        show(item, said(item, key));
        return false;
      }
      clear(item);
      return true;
    }

    function itemFor(element) {
      return items(form).filter(function (item) {
        return item.el === element || item.focus === element ||
          (item.kind === "group" && item.el.contains(element) && element.type === "checkbox");
      })[0];
    }

    function status(text) {
      var line = root.querySelector(".form-status");
      if (!line) {
        line = document.createElement("p");
        line.className = "notice form-status";
        line.setAttribute("role", "status");
        root.insertBefore(line, root.firstChild);
      }
      line.textContent = text;
    }

    form.addEventListener("input", function (event) {
      var item = itemFor(event.target);
      if (item) { touched[item.key] = true; }
    });
    form.addEventListener("change", function (event) {
      var item = itemFor(event.target);
      if (item && item.kind !== "control") { check(item); }
    });
    form.addEventListener("focusout", function (event) {
      var item = itemFor(event.target);
      if (item && item.kind === "control" && (touched[item.key] || document.getElementById(item.key))) {
        check(item);
      }
    });
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter || null;
      if (pending.length) { // send the form once the files it waits for are stored
        event.preventDefault();
        status(messages.waiting);
        Promise.all(pending).then(function () { form.requestSubmit(submitter); });
        return;
      }
      // Not stopped at what this script knows: the server saves what was typed and
      // answers with every problem it finds (materials, identifiers, dates, rules).
    });

    if (root.hasAttribute("data-uploads") || root.hasAttribute("data-new-draft")) {
      uploads(form, root, messages, { remember: remember, status: status, pending: pending });
    }
  }

  function uploads(form, root, messages, page) {
    var draft = null;
    form.classList.add("uploads-live");

    function offerReplace(row) {
      var button = row.querySelector(".replace");
      if (!button) { return; }
      button.hidden = false;
      button.addEventListener("click", function () { row.querySelector("input[type=file]").click(); });
    }
    form.querySelectorAll(".material[id^='material-']").forEach(offerReplace);

    // Where materials go; a new application is first saved as a draft (without files).
    function materialsUrl() {
      if (root.hasAttribute("data-uploads")) { return Promise.resolve(root.getAttribute("data-uploads")); }
      if (root.tongbanDraft) { return root.tongbanDraft(); } // autosave.js makes the draft
      if (!draft) {
        var data = new FormData(form);
        Array.from(data.keys()).forEach(function (name) { if (name.indexOf("m_") === 0) { data.delete(name); } });
        data.set("intent", "save");
        draft = fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (response) {
            var found = /^\/cases\/(\d+)\/edit/.exec(new URL(response.url).pathname);
            if (!response.ok || !found) { throw new Error("no draft"); }
            var edit = "/cases/" + found[1] + "/edit";
            form.setAttribute("action", edit);
            root.setAttribute("data-uploads", "/cases/" + found[1] + "/materials");
            history.replaceState(null, "", edit);
            page.status(fill(messages.saved, { number: found[1] }));
            return root.getAttribute("data-uploads");
          })
          .catch(function (error) { draft = null; throw error; });
      }
      return draft;
    }

    // The row the server answered replaces the old one; a ``refused`` file stays chosen in
    // it, so 保存草稿 or 重新提交 sends it again and the server says again why it refused it
    // (an empty input would drop it without a word, or resubmit the file it was to replace).
    function swap(code, html, refused) {
      var row = document.getElementById("material-" + code);
      var holder = document.createElement("template");
      holder.innerHTML = html;
      var fresh = holder.content.querySelector(".material");
      if (!row || !fresh) { return; }
      var input = fresh.querySelector("input[type=file]");
      if (refused && input && window.DataTransfer) {
        var kept = new DataTransfer();
        kept.items.add(refused);
        input.files = kept.files;
      }
      var hadFocus = row.contains(document.activeElement) || document.activeElement === document.body;
      row.replaceWith(fresh);
      offerReplace(fresh);
      var item = materialItem(fresh);
      if (item) { page.remember(item); }
      if (hadFocus) {
        (fresh.querySelector(".replace:not([hidden])") || fresh.querySelector("input[type=file]")).focus();
      }
    }

    function failed(code) {
      var row = document.getElementById("material-" + code);
      var item = row && materialItem(row);
      if (!item) { return; }
      row.querySelector(".upload-progress").hidden = true;
      show(item, messages.failed);
    }

    function loginOf(xhr) {
      try { return JSON.parse(xhr.responseText).error.login; } catch (error) { return null; }
    }

    function send(code, file, url) {
      return new Promise(function (resolve) {
        var row = document.getElementById("material-" + code);
        var bar = row.querySelector(".upload-progress");
        var progress = bar.querySelector("progress"), percent = bar.querySelector(".percent");
        var xhr = new XMLHttpRequest();
        var data = new FormData();
        data.append("csrf_token", form.elements.csrf_token.value);
        data.append("file", file);
        var until = row.querySelector("input.valid-until");
        if (until && until.value) { data.append("valid_until", until.value); }
        xhr.open("POST", url + "/" + encodeURIComponent(code));
        xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
        xhr.upload.addEventListener("progress", function (event) {
          if (!event.lengthComputable) { return; }
          var done = Math.round(event.loaded / event.total * 100);
          progress.value = done;
          percent.textContent = done + "%";
        });
        xhr.addEventListener("load", function () {
          if ((xhr.status === 200 || xhr.status === 422) && xhr.responseText) {
            swap(code, xhr.responseText, xhr.status === 422 ? file : null);
          }
          else if (xhr.status === 401 && root.tongbanSignedOut) { failed(code); root.tongbanSignedOut(loginOf(xhr)); }
          else { failed(code); }
          resolve();
        });
        xhr.addEventListener("error", function () { failed(code); resolve(); });
        bar.hidden = false;
        progress.value = 0;
        percent.textContent = "0%";
        xhr.send(data);
      });
    }

    form.addEventListener("change", function (event) {
      var input = event.target;
      var row = input.closest && input.closest(".material[id^='material-']");
      if (!row || input.type !== "file" || !input.files.length) { return; }
      var code = row.id.replace(/^material-/, "");
      var file = input.files[0];
      var limit = Number(root.getAttribute("data-limit-mb"));
      if (file.size > limit * 1024 * 1024) {
        input.value = "";
        show(materialItem(row), fill(messages.tooLarge, { name: file.name, limit: limit }));
        return;
      }
      var job = materialsUrl()
        .then(function (url) { return send(code, file, url); })
        .catch(function () { failed(code); });
      page.pending.push(job);
      job.then(function () { page.pending.splice(page.pending.indexOf(job), 1); });
    });
  }

  document.querySelectorAll(".appform").forEach(enhance);
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
