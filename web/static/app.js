// verrijk's only script: live job progress, the relationship graph and a
// few conveniences. It never inserts markup: every text from the server
// goes in through textContent, so nothing scraped can become code.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  autosubmit();
  progress();
  graph();
});

// A select marked data-autosubmit submits its form on change (the button
// beside it stays for use without script).
function autosubmit() {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
}

var finalStatus = { done: true, partial: true, failed: true, skipped: true };

function setText(el, text) { if (el) { el.textContent = text; } }

// progress follows a job's server-sent events and updates the page.
function progress() {
  var box = document.getElementById("voortgang");
  if (!box || !window.EventSource || finalStatus[box.dataset.status]) { return; }
  var source = new EventSource(box.dataset.stream);
  var statusEl = document.getElementById("opdracht-status");
  var bar = document.getElementById("opdracht-voortgang");
  var pct = document.getElementById("opdracht-procent");
  var note = document.getElementById("voortgang-melding");
  source.addEventListener("taak", function (ev) {
    var t = JSON.parse(ev.data);
    var row = document.getElementById("taak-" + t.id) || newTaskRow(t.id);
    row.dataset.status = t.status;
    setText(row.querySelector(".t-bron"), t.source_name);
    setText(row.querySelector(".t-subject"), t.subject);
    var badge = row.querySelector(".t-status .badge");
    badge.className = "badge status-" + t.status;
    setText(badge, t.status_text);
    setText(row.querySelector(".t-pogingen"), String(t.attempts));
    setText(row.querySelector(".t-tekst"), t.text);
  });
  source.addEventListener("opdracht", function (ev) {
    var j = JSON.parse(ev.data);
    statusEl.dataset.status = j.status;
    setText(statusEl, j.status_text);
    bar.value = j.percent;
    setText(bar, j.percent + "%");
    setText(pct, j.percent + "%");
  });
  source.addEventListener("klaar", function (ev) {
    var j = JSON.parse(ev.data);
    source.close();
    statusEl.dataset.status = j.status;
    setText(statusEl, j.status_text);
    bar.value = 100;
    setText(pct, "100%");
    setText(note, "De verrijking is afgerond: " + j.status_text + ".");
  });
  source.addEventListener("fout", function (ev) {
    source.close();
    setText(note, JSON.parse(ev.data).text);
  });
}

function newTaskRow(id) {
  var row = document.createElement("tr");
  row.id = "taak-" + id;
  ["t-bron", "t-subject", "t-status", "t-pogingen", "t-tekst"].forEach(function (cls) {
    var td = document.createElement("td");
    td.className = cls;
    if (cls === "t-status") {
      var span = document.createElement("span");
      span.className = "badge";
      td.appendChild(span);
    }
    row.appendChild(td);
  });
  document.getElementById("taken").appendChild(row);
  return row;
}

var schemaColours = {
  Company: "#1f5fa8", Person: "#8a3ea0", Address: "#2e7d32", Vehicle: "#b35c00",
  Domain: "#00798c", Publication: "#6d5d00", Sanction: "#b00020"
};

// graph draws the signal's entities and their relations; a click (or a
// tap) on a node opens that entity.
function graph() {
  var box = document.getElementById("graaf");
  var data = document.getElementById("graaf-data");
  if (!box || !data || typeof window.cytoscape !== "function") { return; }
  var g = JSON.parse(data.textContent);
  if (!g.nodes || g.nodes.length === 0) { box.hidden = true; return; }
  var elements = [];
  g.nodes.forEach(function (n) {
    elements.push({ data: { id: n.id, label: n.caption, colour: schemaColours[n.schema] || "#555" } });
  });
  g.edges.forEach(function (e, i) {
    elements.push({ data: { id: "e" + i, source: e.source, target: e.target, label: e.label } });
  });
  var cy = window.cytoscape({
    container: box,
    elements: elements,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", "label": "data(label)", "font-size": 12,
        "text-wrap": "ellipsis", "text-max-width": 110, "color": "#1b1b1b", "text-valign": "bottom", "text-margin-y": 4,
        "width": 22, "height": 22 } },
      { selector: "edge", style: { "width": 1.5, "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1",
        "target-arrow-shape": "triangle", "curve-style": "bezier", "label": "data(label)", "font-size": 9,
        "color": "#52606d", "text-rotation": "autorotate" } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#ffbf47" } }
    ],
    // Rings by number of relations, the best connected in the middle:
    // the same picture every time, and compact.
    layout: { name: "concentric", padding: 24, minNodeSpacing: 36, animate: false,
      concentric: function (n) { return n.degree(); }, levelWidth: function () { return 1; } }
  });
  // A big graph fits only at a zoom where labels cannot be read: start
  // readable, centred; "Alles tonen" shows everything.
  if (g.nodes.length > 60 && cy.zoom() < 0.85) { cy.zoom(0.85); cy.center(); }
  cy.on("tap", "node", function (ev) {
    window.location.href = "/entiteiten/" + encodeURIComponent(ev.target.id());
  });
  document.querySelectorAll("[data-graph]").forEach(function (b) {
    b.addEventListener("click", function () {
      var centre = { x: box.clientWidth / 2, y: box.clientHeight / 2 };
      if (b.dataset.graph === "in") { cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: centre }); }
      if (b.dataset.graph === "out") { cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: centre }); }
      if (b.dataset.graph === "fit") { cy.fit(undefined, 20); }
    });
  });
  window.verrijkGraph = cy;
}
