// Amounts are typed in 万元; beside each, the amount is read back in capitals (人民币…元整) as it
// is typed. The same rules as portal/money.py: the page shows the server's reading after saving.
(function () {
  "use strict";
  var DIGITS = "零壹贰叁肆伍陆柒捌玖", PLACES = ["仟", "佰", "拾", ""], SECTIONS = ["", "万", "亿"];
  var AMOUNT = /^([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?([万亿]?元?)$/;
  var YUAN_DIGITS = { "": 4, "万": 4, "万元": 4, "亿": 8, "亿元": 8, "元": 0 };  // 10^n yuan a unit

  // Fen as a BigInt, or null when the text is not an amount the portal accepts.
  function parseFen(text) {
    var folded = text.normalize("NFKC").replace(/\s/g, "").replace(/，/g, ",");
    var match = AMOUNT.exec(folded);
    if (!match) { return null; }
    var fraction = (match[2] || "").replace(/0+$/, "");
    var wanDigits = match[1].replace(/,/g, "") + fraction;
    var shift = YUAN_DIGITS[match[3]] + 2 - fraction.length;  // to fen
    if (shift < 0) { return null; }
    var fen = BigInt(wanDigits) * (10n ** BigInt(shift));
    return fen < 10n ** 14n ? fen : null;
  }

  function group(value) {
    var out = "", started = false, zero = false, text = String(value).padStart(4, "0");
    for (var i = 0; i < 4; i++) {
      var d = Number(text[i]);
      if (d === 0) { zero = started; continue; }
      if (zero) { out += "零"; zero = false; }
      out += DIGITS[d] + PLACES[i];
      started = true;
    }
    return out;
  }

  function yuanText(yuan) {
    var groups = [];
    while (yuan > 0n) { groups.push(Number(yuan % 10000n)); yuan = yuan / 10000n; }
    var out = "", zeroBetween = false;
    for (var i = groups.length - 1; i >= 0; i--) {
      if (groups[i] === 0) { zeroBetween = out !== ""; continue; }
      if (out && (zeroBetween || groups[i] < 1000)) { out += "零"; }
      out += group(groups[i]) + SECTIONS[i];
      zeroBetween = false;
    }
    return out;
  }

  function capitals(fen) {
    if (fen === 0n) { return "人民币零元整"; }
    var yuan = fen / 100n, jiao = Number((fen % 100n) / 10n), rest = Number(fen % 10n);
    var out = "人民币" + (yuan > 0n ? yuanText(yuan) + "元" : "");
    if (jiao) { out += DIGITS[jiao] + "角"; } else if (rest && yuan > 0n) { out += "零"; }
    return out + (rest ? DIGITS[rest] + "分" : "整");
  }

  function update(input) {
    var output = document.getElementById(input.id + "-capitals");
    if (!output) { return; }
    var fen = input.value.trim() ? parseFen(input.value) : null;
    output.textContent = fen === null ? "" : capitals(fen);
  }

  document.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.money) { update(event.target); }
  });
  // What was typed before this script ran (it is deferred, and a page can be typed into as
  // soon as it is drawn) is read back too.
  document.querySelectorAll("input[data-money]").forEach(update);
})();
