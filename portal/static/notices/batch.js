// A running batch of notices issues itself step by step, showing its progress; without
// JavaScript the "Continue" button does one step at a time.
(function () {
  "use strict";
  var form = document.getElementById("batch-step");
  if (!form || !window.fetch) { return; }
  var bar = document.querySelector("#batch-progress progress");
  var done = document.querySelector("#batch-progress [data-done]");
  var button = form.querySelector("button");
  button.disabled = true;
  function step() {
    fetch(form.action, {method: "POST", body: new FormData(form), headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.error) { window.location.reload(); return; }
        bar.value = state.done;
        done.textContent = state.done;
        if (state.finished) { window.location.reload(); } else { step(); }
      })
      .catch(function () { button.disabled = false; });
  }
  step();
})();
