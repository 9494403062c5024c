// The topology page: cytoscape with the server's positions (preset layout: no layout
// computation in the browser, so 500+ nodes draw at once), port labels on hover, click to the
// device, "Save positions" for admins (PUT /api/v1/networks/N/topology/positions).
(function () {
  "use strict";
  var box = document.getElementById("cy");
  var elements = JSON.parse(document.getElementById("elements").textContent);
  var network = box.dataset.network;
  var at = box.dataset.at;
  var siteMap = box.dataset.siteMap === "true";
  var currentSite = box.dataset.site || "";
  var tip = document.getElementById("tip");
  var status = document.getElementById("status");
  var big = elements.nodes.length > 300;
  var cy = cytoscape({
    container: box,
    elements: elements,
    layout: { name: "preset", fit: true, padding: 30 },
    minZoom: 0.05,
    maxZoom: 4,
    wheelSensitivity: 0.3,
    textureOnViewport: big,
    hideEdgesOnViewport: big,
    pixelRatio: big ? 1 : "auto",
    style: [
      { selector: "node", style: {
        "label": "data(label)", "font-size": 11, "min-zoomed-font-size": 7,
        "text-valign": "bottom", "text-margin-y": 3, "width": 18, "height": 18,
        "background-color": "#1f5fbf" } },
      { selector: "node[?drift]", style: { "background-color": "#d97706" } },
      { selector: "node[?elsewhere]", style: { "background-color": "#9fb7e0", "color": "#5f6b7a",
        "width": 11, "height": 11, "font-size": 8, "min-zoomed-font-size": 12 } },
      { selector: "node[kind = 'external']", style: { "background-color": "#9ca3af", "shape": "diamond" } },
      { selector: "node[kind = 'segment']", style: { "background-color": "#7c3aed", "shape": "round-rectangle", "width": 26, "height": 10 } },
      { selector: "node[kind = 'group']", style: {
        "shape": "round-rectangle", "background-color": "#eef1f5", "background-opacity": 0.6,
        "border-width": 1, "border-color": "#c3ccd8", "text-valign": "top", "text-halign": "center",
        "font-size": 14, "font-weight": "bold", "color": "#5f6b7a", "min-zoomed-font-size": 4,
        "padding": 12 } },
      { selector: "node[kind = 'site']", style: { "shape": "round-rectangle", "width": 80, "height": 36, "text-valign": "center", "color": "#fff", "text-margin-y": 0 } },
      { selector: "edge", style: { "width": 1.5, "line-color": "#9fb0c8", "curve-style": big ? "haystack" : "bezier" } },
      { selector: "edge[?one_sided]", style: { "line-style": "dashed" } },
      { selector: "edge.hover", style: { "line-color": "#1d2330", "width": 3 } }
    ]
  });
  window.netsbomTopology = cy;  // for tests and the curious
  function query() { return at ? "?at=" + encodeURIComponent(at) : ""; }
  cy.on("mouseover", "edge", function (event) {
    var edge = event.target;
    edge.addClass("hover");
    tip.textContent = edge.data("ports") + (edge.data("protocols") ? " (" + edge.data("protocols") + ")" : "");
    tip.hidden = false;
  });
  cy.on("mouseover", "node[kind = 'device'], node[kind = 'external']", function (event) {
    var d = event.target.data();
    var facts = [d.site, d.role, [d.vendor, d.model, d.version].filter(Boolean).join(" ")];
    tip.textContent = d.label + (d.kind === "external" ? " (external)" : "") +
      (facts.filter(Boolean).length ? " \u2014 " + facts.filter(Boolean).join(", ") : "");
    tip.hidden = false;
  });
  cy.on("mouseout", "node", function () { tip.hidden = true; });
  cy.on("mousemove", function (event) {
    var e = event.originalEvent;
    if (e) { tip.style.left = (e.clientX + 12) + "px"; tip.style.top = (e.clientY + 12) + "px"; }
  });
  cy.on("mouseout", "edge", function (event) { event.target.removeClass("hover"); tip.hidden = true; });
  cy.on("tap", "node", function (event) {
    var node = event.target;
    var kind = node.data("kind");
    if (kind === "device") {
      window.location.href = "/networks/" + encodeURIComponent(network) + "/devices/" + encodeURIComponent(node.id()) + query();
    } else if (kind === "site" || (kind === "group" && node.data("site") !== currentSite)) {
      window.location.href = "/networks/" + encodeURIComponent(network) + "/topology?site=" + encodeURIComponent(node.data("site")) + (at ? "&at=" + encodeURIComponent(at) : "");
    }
  });
  var site = document.getElementById("site");
  if (site) { site.addEventListener("change", function () { site.form.submit(); }); }
  var save = document.getElementById("save-positions");
  if (save && !siteMap) {
    save.addEventListener("click", function () {
      var positions = {};
      cy.nodes().filter(function (n) { return !n.isParent(); }).forEach(function (n) {
        var p = n.position(); positions[n.id()] = { x: p.x, y: p.y };
      });
      fetch("/api/v1/networks/" + encodeURIComponent(network) + "/topology/positions", {
        method: "PUT", credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ positions: positions })
      }).then(function (r) { return r.json().then(function (body) { return [r.status, body]; }); })
        .then(function (result) {
          status.textContent = result[0] === 200 ? "saved " + result[1].saved + " positions" : "not saved: " + result[1].error;
        });
    });
  }
  cy.ready(function () { box.dataset.ready = "true"; });
})();
