// The challenge form works without JavaScript; with it, the rubric shows its running total.
(function () {
  "use strict";
  var total = document.getElementById("weights-total");
  if (!total) { return; }
  var template = total.getAttribute("data-template");
  function update() {
    var sum = 0;
    document.querySelectorAll("input[name^='criteria-'][name$='-weight']").forEach(function (input) {
      var value = parseInt(input.value, 10);
      if (!isNaN(value)) { sum += value; }
    });
    total.textContent = template.replace("__SUM__", String(sum));
    total.classList.toggle("error", sum !== 100);
  }
  document.addEventListener("input", function (event) {
    if (event.target.name && /^criteria-\d+-weight$/.test(event.target.name)) { update(); }
  });
  update();
})();
