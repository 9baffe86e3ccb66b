// newsspan review page: highlight a span's text and its links, keep tooltips on screen, sort tables.
(function () {
  "use strict";
  function each(selector, fn, root) { Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn); }
  function attr(value) { return '"' + String(value).replace(/["\\]/g, "\\$&") + '"'; }

  // Hovering or focusing a span's chip tints its text and the text of the spans it links to.
  function mark(chip, on) {
    var side = chip.closest("[data-side]");
    each(".seg[data-a~=" + attr(chip.dataset.key) + "]", function (seg) { seg.classList.toggle("on", on); }, side);
    (chip.dataset.rel || "").split(" ").filter(Boolean).forEach(function (key) {
      each(".seg[data-a~=" + attr(key) + "]", function (seg) { seg.classList.toggle("rel", on); }, side);
      each(".ann[data-key=" + attr(key) + "]", function (other) { other.classList.toggle("on", on); }, side);
    });
    var tip = chip.querySelector(".tip");
    if (on && tip) place(tip);
  }
  // Keep a tooltip inside the viewport (it opens below the chip, left-aligned with it).
  function place(tip) {
    tip.style.left = "0px";
    var rect = tip.getBoundingClientRect(), width = document.documentElement.clientWidth, shift = 0;
    if (rect.right > width - 4) shift = width - 4 - rect.right;
    if (rect.left + shift < 4) shift = 4 - rect.left;
    tip.style.left = shift + "px";
  }
  each(".ann", function (chip) {
    ["mouseenter", "focus"].forEach(function (type) { chip.addEventListener(type, function () { mark(chip, true); }); });
    ["mouseleave", "blur"].forEach(function (type) { chip.addEventListener(type, function () { mark(chip, false); }); });
    chip.addEventListener("keydown", function (event) { if (event.key === "Escape") chip.blur(); });
  });

  // Sortable tables: a button in each header; numbers and ids (e2 < e10) sort naturally.
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  function key(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }
  each("table.sortable", function (table) {
    each("thead th", function (th, index) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        each("thead th", function (other) { other.removeAttribute("aria-sort"); }, table);
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) { return (ascending ? 1 : -1) * collator.compare(key(a, index), key(b, index)); });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    }, table);
  });
})();
