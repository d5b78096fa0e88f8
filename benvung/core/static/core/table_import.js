// Progress of a table import: polls the job and reloads the page when it has finished.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-import-progress]");
    if (!box) {
      return;
    }
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-import-percent]");
    var state = box.getAttribute("data-state");
    function poll() {
      fetch(box.getAttribute("data-import-progress"), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (bar) { bar.value = job.progress; }
          if (text) { text.textContent = job.progress + " %"; }
          if (job.finished || job.state !== state) {
            window.location.reload();
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
