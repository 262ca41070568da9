// DAR's only script. Pages work without it; it follows a certificate batch's progress
// so the bar moves without reloading the page, and shows the ZIP link when it is done.
"use strict";
(function () {
  var box = document.getElementById("batch");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("batch-progress");
  var done = box.querySelector(".done");
  var total = box.querySelector(".total");
  var format = new Intl.NumberFormat(document.documentElement.lang + "-BE");
  var refresh = box.querySelector(".refresh");
  if (refresh) refresh.hidden = true;
  function show(s) {
    bar.max = Math.max(s.total, 1);
    bar.value = s.done;
    bar.textContent = s.done + " / " + s.total;
    done.textContent = format.format(s.done);
    total.textContent = format.format(s.total);
    box.querySelectorAll("[data-state]").forEach(function (el) {
      el.hidden = el.getAttribute("data-state") !== s.status;
    });
    box.querySelector(".zip").hidden = s.status !== "done";
    return s.status === "done" || s.status === "failed";
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) { if (!show(s)) setTimeout(poll, 700); })
      .catch(function () { if (refresh) refresh.hidden = false; });
  }
  poll();
})();
