// Self-service terminal (kiosk mode, queueing/views.py start_kiosk): nobody's session or
// answers outlive them. After data-idle-seconds without a touch, a signed-in session is
// ended (the header's sign-out form, which returns to the kiosk's start page) and any
// other page goes back to the start page, with its fields emptied and the language
// chosen forgotten. The on-screen keypads
// (digits for a check-in code; letters and digits for case and ID numbers and sign-in)
// type into their field, so no keyboard is needed; [data-print] prints.
(function () {
  "use strict";

  var root = document.documentElement;
  var home = root.getAttribute("data-kiosk-home");
  var idle = parseInt(root.getAttribute("data-idle-seconds"), 10) * 1000;
  var langCookie = root.getAttribute("data-lang-cookie");
  var timer = null;

  function wipe() {
    document.querySelectorAll("form").forEach(function (form) { form.reset(); });
    // the next person starts in the terminal's own language, not the last one's choice
    document.cookie = langCookie + "=; max-age=0; path=/; samesite=lax";
    var signOut = document.getElementById("logout");
    if (signOut) {
      signOut.submit();
    } else {
      window.location.replace(home);
    }
  }

  function touched() {
    window.clearTimeout(timer);
    timer = window.setTimeout(wipe, idle);
  }

  ["pointerdown", "keydown", "touchstart", "scroll"].forEach(function (kind) {
    window.addEventListener(kind, touched, { passive: true });
  });
  touched();

  // The field a keyboard types into: its own (data-keypad="id"), else the one of its form
  // last touched, else the form's first field.
  var lastField = null;
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("input:not([type=hidden]):not([type=submit])")) {
      lastField = event.target;
    }
  });

  function fieldOf(pad) {
    var id = pad.getAttribute("data-keypad");
    if (id) {
      return document.getElementById(id);
    }
    var form = pad.closest("form");
    if (lastField && lastField.form === form) {
      return lastField;
    }
    return form.querySelector("input:not([type=hidden]):not([type=submit])");
  }

  function type(pad, value) {
    var field = fieldOf(pad);
    if (value === "shift") {
      var upper = pad.classList.toggle("upper");
      pad.querySelector("[data-key=shift]").setAttribute("aria-pressed", String(upper));
      return;
    }
    if (value === "back") {
      field.value = field.value.slice(0, -1);
    } else if (value === "clear") {
      field.value = "";
    } else if (field.value.length < (field.maxLength > 0 ? field.maxLength : 64)) {
      field.value += pad.classList.contains("upper") ? value.toUpperCase() : value;
    }
    field.dispatchEvent(new Event("input", { bubbles: true }));
    lastField = field;
  }

  document.addEventListener("click", function (event) {
    var key = event.target.closest("[data-key]");
    if (key) {
      type(key.closest("[data-keypad]"), key.getAttribute("data-key"));
      return;
    }
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
