// A running batch is issued by the workers: the page asks how far they are every two seconds
// and shows it, and reloads itself once the batch is finished. Without JavaScript the
// "Refresh" link reads the page again.
(function () {
  "use strict";
  var progress = document.getElementById("batch-progress");
  if (!progress || !progress.dataset.url || !window.fetch) { return; }
  var bar = progress.querySelector("progress");
  var done = progress.querySelector("[data-done]");
  function ask() {
    fetch(progress.dataset.url, {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.value = state.done;
        done.textContent = state.done;
        if (state.finished) { window.location.reload(); } else { window.setTimeout(ask, 2000); }
      })
      .catch(function () { window.setTimeout(ask, 5000); });
  }
  window.setTimeout(ask, 1000);
})();
