// Self-service terminal (kiosk mode, queueing/views.py start_kiosk): nobody's session or
// answers outlive them. After data-idle-seconds without a touch, a signed-in session is
// ended (the header's sign-out form, which returns to the kiosk's start page) and any
// other page goes back to the start page, with its fields emptied. The on-screen keypad
// types digits into its target field, so no keyboard is needed; [data-print] prints.
(function () {
  "use strict";

  var root = document.documentElement;
  var home = root.getAttribute("data-kiosk-home");
  var idle = parseInt(root.getAttribute("data-idle-seconds"), 10) * 1000;
  var timer = null;

  function wipe() {
    document.querySelectorAll("form").forEach(function (form) { form.reset(); });
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

  document.addEventListener("click", function (event) {
    var key = event.target.closest("[data-key]");
    if (key) {
      var field = document.getElementById(key.closest("[data-keypad]").getAttribute("data-keypad"));
      var value = key.getAttribute("data-key");
      if (value === "back") {
        field.value = field.value.slice(0, -1);
      } else if (value === "clear") {
        field.value = "";
      } else if (field.value.length < (field.maxLength > 0 ? field.maxLength : 64)) {
        field.value += value;
      }
      return;
    }
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
