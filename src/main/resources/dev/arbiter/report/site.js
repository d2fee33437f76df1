// Arbiter's report: sortable tables, filters, and on problem pages math typeset by KaTeX and completions
// rendered from Markdown. Completions are a model's output, so no HTML of theirs is ever rendered as HTML.
"use strict";

function sortTable(table, th) {
  var key = th.getAttribute("data-key");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var cellOf = function (row) { return row.querySelector('td[data-key="' + CSS.escape(key) + '"]'); };
  var values = rows.map(function (r) { var c = cellOf(r); return c ? c.getAttribute("data-value") : ""; });
  var numeric = values.every(function (v) { return v === "" || v === null || !isNaN(parseFloat(v)); });
  var wasDesc = th.classList.contains("sorted-desc");
  var wasAsc = th.classList.contains("sorted-asc");
  // numbers first go high to low, text first goes a to z; a second click turns the order round
  var desc = wasDesc ? false : wasAsc ? true : numeric;
  table.querySelectorAll("th[data-key]").forEach(function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
  th.classList.add(desc ? "sorted-desc" : "sorted-asc");
  var order = rows.map(function (r, i) { return { row: r, value: values[i], i: i }; });
  order.sort(function (a, b) {
    var ea = a.value === "" || a.value === null, eb = b.value === "" || b.value === null;
    if (ea || eb) { return ea === eb ? a.i - b.i : ea ? 1 : -1; } // rows without a value stay last either way
    var c = numeric ? parseFloat(a.value) - parseFloat(b.value) : String(a.value).localeCompare(String(b.value));
    return (desc ? -c : c) || a.i - b.i;
  });
  order.forEach(function (o) { body.appendChild(o.row); });
}

function escapeHtml(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

var MATH_DELIMITERS = [
  { left: "$$", right: "$$", display: true }, { left: "\\[", right: "\\]", display: true },
  { left: "\\(", right: "\\)", display: false }, { left: "$", right: "$", display: false }
];

function typeset(element) {
  if (window.renderMathInElement) {
    window.renderMathInElement(element, { delimiters: MATH_DELIMITERS, throwOnError: false, strict: "ignore", trust: false, maxSize: 20, maxExpand: 200 });
  }
}

// Markdown without any HTML of the model's: raw HTML shows as text, links as their text and address, images as their alt text.
function renderMarkdown(text) {
  var math = [];
  // math is set aside before Markdown sees it, so that its _ and * are not read as emphasis
  var held = text.replace(/\$\$[\s\S]+?\$\$|\\\[[\s\S]+?\\\]|\\\([\s\S]+?\\\)|\$[^$\n]+?\$/g, function (m) {
    math.push(m);
    return "\u0000" + (math.length - 1) + "\u0000";
  });
  var renderer = new window.marked.Renderer();
  renderer.html = function (html) { return escapeHtml(html); };
  renderer.link = function (href, title, label) { return label + " (" + escapeHtml(href || "") + ")"; };
  renderer.image = function (href, title, alt) { return escapeHtml(alt || ""); };
  var html = window.marked.parse(held, { renderer: renderer, mangle: false, headerIds: false, gfm: true, breaks: false });
  return html.replace(/\u0000(\d+)\u0000/g, function (m, i) { return escapeHtml(math[Number(i)]); });
}

function openSample(details) {
  if (details.getAttribute("data-rendered") === "true") { return; }
  details.setAttribute("data-rendered", "true");
  var pre = details.querySelector("pre.completion");
  if (!pre || !window.marked) { return; }
  var div = document.createElement("div");
  div.className = "rendered";
  div.innerHTML = renderMarkdown(pre.textContent);
  typeset(div);
  pre.hidden = true;
  var toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "raw-toggle";
  toggle.textContent = "show the raw text";
  toggle.addEventListener("click", function () {
    pre.hidden = !pre.hidden;
    div.hidden = !div.hidden;
    toggle.textContent = pre.hidden ? "show the raw text" : "show it rendered";
  });
  pre.parentNode.insertBefore(toggle, pre);
  pre.parentNode.insertBefore(div, pre);
}

function applyFilters() {
  var onlyWrong = document.getElementById("only-wrong").checked;
  var onlyDisagree = document.getElementById("only-disagree").checked;
  var onlyTruncated = document.getElementById("only-truncated").checked;
  var box = document.querySelector(".samples");
  var majority = box ? box.getAttribute("data-majority") : "";
  document.querySelectorAll("details.sample").forEach(function (s) {
    var outcome = s.getAttribute("data-outcome");
    var judged = outcome !== "missing" && outcome !== "not_graded";
    var show = true;
    if (onlyWrong && !(judged && outcome !== "correct")) { show = false; }
    if (onlyDisagree && !(judged && s.getAttribute("data-answer") !== majority)) { show = false; }
    if (onlyTruncated && s.getAttribute("data-truncated") !== "true") { show = false; }
    s.hidden = !show;
  });
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th[data-key]").forEach(function (th) {
      th.addEventListener("click", function () { sortTable(table, th); });
    });
  });
  document.querySelectorAll(".tex").forEach(typeset);
  document.querySelectorAll("details.sample").forEach(function (d) {
    d.addEventListener("toggle", function () { if (d.open) { openSample(d); } });
  });
  ["only-wrong", "only-disagree", "only-truncated"].forEach(function (id) {
    var box = document.getElementById(id);
    if (box) { box.addEventListener("change", applyFilters); }
  });
});
