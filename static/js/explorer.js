/* Research graph explorer: draws the neighbourhood that the page embeds as
 * JSON (#explorer-data) with Cytoscape.js, filters it by node kind and year
 * range with the page's own filter form, and adds a person's co-authors when
 * the person is clicked. The lists beside the drawing follow the same
 * filters: the server renders every row with its years, and this script
 * hides the rows the drawing hides. Without JavaScript the server filters
 * the lists and the drawing stays hidden.
 */
(function () {
  "use strict";

  var container = document.getElementById("explorer-canvas");
  var stage = document.getElementById("explorer-stage");
  var dataElement = document.getElementById("explorer-data");
  if (!container || !dataElement || typeof window.cytoscape !== "function") {
    return;
  }
  var data = JSON.parse(dataElement.textContent);
  var form = document.getElementById("explorer-filters");
  var statusLine = document.getElementById("explorer-status");
  var details = document.getElementById("explorer-details");
  var neighboursTemplate = container.getAttribute("data-neighbours-url-template");
  var expanded = {};
  var KIND_NAMES = {
    researcher: "Researcher",
    person: "Person",
    work: "Work",
    topic: "Topic",
    institution: "Institution",
    group: "Grouped co-authors",
  };

  // Colours follow the stylesheet's tokens, so dark mode applies here too.
  function token(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  // Reveal the drawing before Cytoscape measures its container.
  stage.hidden = false;
  document.getElementById("explorer-nojs").hidden = true;
  container.classList.add("explorer-canvas--ready");

  // Labels keep one size on screen at every zoom level. placeLabels hides
  // those that would cover another node or label.
  var LABEL_PX = 12;
  var KEY_LABEL_PX = 14;
  var LABEL_MAX_WIDTH_PX = container.clientWidth < 480 ? 100 : 140;
  // Free space kept around each label, in screen pixels.
  var LABEL_GAP_PX = 3;
  // Space between node bodies after the layout, in model units.
  var NODE_GAP = 16;
  // A small neighbourhood is drawn at this zoom at most, not blown up to
  // fill the canvas.
  var MAX_FIT_ZOOM = 1.3;
  // Up to this many nodes, the layout keeps every label clear of the others.
  var SMALL_NEIGHBOURHOOD = 15;
  // Space between the canvas's edge and the nearest node or label, in pixels.
  var FIT_PADDING = 16;

  function buildStyle(zoom) {
    var scale = 1 / zoom;
    return [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": LABEL_PX * scale,
          color: token("--color-text", "#1b1d21"),
          "text-valign": "bottom",
          "text-margin-y": 3 * scale,
          "text-wrap": "ellipsis",
          "text-max-width": LABEL_MAX_WIDTH_PX * scale,
          "text-outline-color": token("--color-surface", "#ffffff"),
          "text-outline-width": 2 * scale,
          width: 14,
          height: 14,
        },
      },
      { selector: "node[?key], node[kind = \"topic\"], node[kind = \"institution\"]", style: { "font-size": KEY_LABEL_PX * scale } },
      { selector: 'node[kind = "researcher"]', style: { shape: "ellipse", width: 30, height: 30, "font-size": KEY_LABEL_PX * scale, "font-weight": "bold", "background-color": token("--graph-researcher", "#c2410c") } },
      {
        // The centre's label is always drawn, on a plate that keeps it
        // readable above the edges of a crowded neighbourhood.
        selector: "node.is-centre",
        style: {
          "text-background-color": token("--color-surface", "#ffffff"),
          "text-background-opacity": 0.9,
          "text-background-padding": 2 * scale,
          "text-background-shape": "round-rectangle",
          "text-max-width": 2 * LABEL_MAX_WIDTH_PX * scale,
          "z-index": 10,
        },
      },
      { selector: 'node[kind = "person"]', style: { shape: "ellipse", "background-color": token("--graph-person", "#1b57a0") } },
      { selector: 'node[kind = "person"][hop = 2]', style: { width: 10, height: 10 } },
      { selector: 'node[kind = "work"]', style: { shape: "rectangle", width: 10, height: 10, label: "", "background-color": token("--graph-work", "#3f7d3a") } },
      { selector: 'node[kind = "topic"]', style: { shape: "hexagon", width: 16, height: 16, "background-color": token("--graph-topic", "#7a4fa3") } },
      { selector: 'node[kind = "institution"]', style: { shape: "triangle", width: 16, height: 16, "background-color": token("--graph-institution", "#8a6d1d") } },
      { selector: 'node[kind = "group"]', style: { shape: "round-rectangle", width: 22, height: 22, "background-color": token("--color-border-strong", "#767c84") } },
      { selector: "node.label-hidden", style: { label: "" } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": token("--color-focus", "#c2410c") } },
      { selector: "node.is-expanded", style: { "border-width": 2, "border-color": token("--color-text", "#1b1d21") } },
      {
        selector: "edge",
        style: { width: 1, "line-color": token("--color-border", "#d5d8dc"), "curve-style": "haystack", opacity: 0.9 },
      },
      { selector: 'edge[kind = "coauthor"]', style: { width: "mapData(weight, 0, 5, 1, 6)", "line-color": token("--color-border-strong", "#767c84") } },
      { selector: ".is-filtered", style: { display: "none" } },
    ];
  }

  var cy = window.cytoscape({
    container: container,
    elements: data.elements,
    minZoom: 0.1,
    maxZoom: 4,
    style: buildStyle(1),
    layout: { name: "null" },
  });
  window.bzpeerExplorer = { cy: cy, expand: expand, ready: false };
  cy.getElementById(data.center).addClass("is-centre");

  // Layout ------------------------------------------------------------------

  // The force-directed layout starts from rings around the centre, one per
  // kind of node, turned by a generator seeded with the centre's id, so a
  // neighbourhood looks the same on every visit. Cytoscape's cose layout
  // adds no randomness of its own when it does not randomize the start.
  var RINGS = [
    { radius: 130, test: function (node) { return node.data("hop") === 1; } },
    { radius: 210, test: function (node) { return node.data("kind") === "work"; } },
    { radius: 290, test: function (node) { return node.data("kind") === "topic" || node.data("kind") === "institution"; } },
    { radius: 370, test: function () { return true; } },
  ];
  // Length of arc each node gets on its ring, in model units.
  var RING_SPACING = 60;

  function seedPositions() {
    var random = seededRandom(String(data.center));
    var centre = cy.getElementById(data.center);
    var placed = centre;
    centre.position({ x: 0, y: 0 });
    RINGS.forEach(function (ring) {
      var members = cy.nodes().difference(placed).filter(ring.test);
      placed = placed.union(members);
      var radius = Math.max(ring.radius, (members.length * RING_SPACING) / (2 * Math.PI));
      var turn = random() * 2 * Math.PI;
      members.forEach(function (node, index) {
        var angle = turn + (2 * Math.PI * index) / members.length;
        node.position({ x: radius * Math.cos(angle), y: radius * Math.sin(angle) });
      });
    });
  }

  // Mulberry32, a 32-bit pseudo-random generator, seeded with a string hash.
  function seededRandom(text) {
    var state = 0;
    for (var index = 0; index < text.length; index++) {
      state = (Math.imul(state, 31) + text.charCodeAt(index)) | 0;
    }
    return function () {
      state = (state + 0x6d2b79f5) | 0;
      var mixed = Math.imul(state ^ (state >>> 15), 1 | state);
      mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
      return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
    };
  }

  // Cytoscape's force-directed layout, with edges longer and repulsion
  // stronger for a small neighbourhood, which has room to spread out. It
  // always starts from the current positions: the seeded ones at first,
  // after an expansion the drawing so far, which then keeps its shape.
  // Edge length and node repulsion by neighbourhood size, chosen by
  // measuring the closest pair of nodes after the layout: about 140 units
  // apart for 6 nodes, 50 for 130 nodes.
  var LAYOUT_BY_SIZE = [
    { upTo: SMALL_NEIGHBOURHOOD, edgeLength: 150, repulsion: 2000000 },
    { upTo: 60, edgeLength: 110, repulsion: 1000000 },
    { upTo: Infinity, edgeLength: 80, repulsion: 400000 },
  ];

  function forceLayout() {
    var count = cy.nodes().length;
    var size = LAYOUT_BY_SIZE.filter(function (step) {
      return count <= step.upTo;
    })[0];
    var edgeLength = size.edgeLength;
    var repulsion = size.repulsion;
    var centre = cy.getElementById(data.center);
    var centreEdgeLength = Math.max(edgeLength, 25 * Math.sqrt(centre.degree()));
    return {
      name: "cose",
      animate: false,
      randomize: false,
      fit: false,
      nodeRepulsion: function () {
        return repulsion;
      },
      // Edges at the centre are longer in a large neighbourhood, so its
      // crowded first ring gets room for labels.
      idealEdgeLength: function (edge) {
        return edge.connectedNodes().contains(centre) ? centreEdgeLength : edgeLength;
      },
      nodeOverlap: 40,
      componentSpacing: 2 * edgeLength,
      gravity: 0.5,
      numIter: 1500,
    };
  }

  function runLayout() {
    var layout = cy.layout(forceLayout());
    var done = layout.promiseOn("layoutstop").then(function () {
      separateNodes(false);
      fillCanvas();
      fitView();
      // A small neighbourhood has room for every label: make it, refitting
      // since more room lowers the zoom, which widens labels in model units.
      for (var round = 0; round < 3 && cy.nodes().length <= SMALL_NEIGHBOURHOOD; round++) {
        cy.nodes().removeClass("label-hidden");
        if (!separateNodes(true)) {
          break;
        }
        fitView();
      }
    });
    layout.run();
    return done;
  }

  // Push apart any nodes the force layout left overlapping, so nodes never
  // cover each other whatever the zoom. With `withLabels`, each node's box
  // includes its label at the current zoom. Nodes move along the axis where
  // they overlap least; a fixed number of passes keeps it bounded. Returns
  // whether any node moved.
  function separateNodes(withLabels) {
    var nodes = cy.nodes().toArray();
    // Each box relative to its node's position, which moving leaves alone.
    var extents = nodes.map(function (node) {
      var box = node.boundingBox({ includeLabels: withLabels, includeOverlays: false });
      var position = node.position();
      return { left: position.x - box.x1, right: box.x2 - position.x, up: position.y - box.y1, down: box.y2 - position.y };
    });
    var movedAny = false;
    for (var pass = 0; pass < 30; pass++) {
      var moved = false;
      for (var i = 0; i < nodes.length; i++) {
        for (var j = i + 1; j < nodes.length; j++) {
          var a = nodes[i].position();
          var b = nodes[j].position();
          var overlapX = Math.min(a.x + extents[i].right - (b.x - extents[j].left), b.x + extents[j].right - (a.x - extents[i].left)) + NODE_GAP;
          var overlapY = Math.min(a.y + extents[i].down - (b.y - extents[j].up), b.y + extents[j].down - (a.y - extents[i].up)) + NODE_GAP;
          if (overlapX <= 0 || overlapY <= 0) {
            continue;
          }
          moved = true;
          if (overlapX < overlapY) {
            var shiftX = ((b.x < a.x ? -1 : 1) * overlapX) / 2;
            nodes[i].position({ x: a.x - shiftX, y: a.y });
            nodes[j].position({ x: b.x + shiftX, y: b.y });
          } else {
            var shiftY = ((b.y < a.y ? -1 : 1) * overlapY) / 2;
            nodes[i].position({ x: a.x, y: a.y - shiftY });
            nodes[j].position({ x: b.x, y: b.y + shiftY });
          }
        }
      }
      movedAny = movedAny || moved;
      if (!moved) {
        break;
      }
    }
    return movedAny;
  }

  // Stretch the drawing along one axis towards the canvas's shape (a tall
  // phone canvas, a wide desktop one), so the fit leaves no empty band.
  // Stretching only lengthens distances, so no nodes come to overlap.
  function fillCanvas() {
    var box = cy.nodes().boundingBox({ includeLabels: false });
    if (box.w <= 0 || box.h <= 0) {
      return;
    }
    var canvasRatio = container.clientHeight / container.clientWidth;
    var drawingRatio = box.h / box.w;
    var centre = cy.getElementById(data.center).position();
    var stretchY = Math.min(Math.max(canvasRatio / drawingRatio, 1), 2);
    var stretchX = Math.min(Math.max(drawingRatio / canvasRatio, 1), 2);
    cy.nodes().positions(function (node) {
      var position = node.position();
      return {
        x: centre.x + (position.x - centre.x) * stretchX,
        y: centre.y + (position.y - centre.y) * stretchY,
      };
    });
  }

  // Fit the node bodies to the canvas, leaving margins for the labels below
  // and beside them. Cytoscape's own fit would count the labels at their
  // size for the old zoom, since labels keep their size on screen.
  function fitView() {
    var visible = cy.nodes().not(".is-filtered");
    var box = visible.boundingBox({ includeLabels: false, includeOverlays: false });
    var side = LABEL_MAX_WIDTH_PX / 2 + FIT_PADDING / 2;
    var top = FIT_PADDING;
    var bottom = FIT_PADDING + 2 * KEY_LABEL_PX;
    var width = Math.max(container.clientWidth - 2 * side, 1);
    var height = Math.max(container.clientHeight - top - bottom, 1);
    var zoom = Math.min(MAX_FIT_ZOOM, width / Math.max(box.w, 1), height / Math.max(box.h, 1));
    zoom = Math.max(zoom, cy.minZoom());
    cy.viewport({
      zoom: zoom,
      pan: {
        x: side + (width - box.w * zoom) / 2 - box.x1 * zoom,
        y: top + (height - box.h * zoom) / 2 - box.y1 * zoom,
      },
    });
    updateLabels();
  }

  // Labels ------------------------------------------------------------------

  // Lower numbers claim their label's place first.
  function labelPriority(node) {
    var kind = node.data("kind");
    if (node.hasClass("is-centre")) {
      return 0;
    }
    if (node.data("key")) {
      return 1;
    }
    if (kind === "topic" || kind === "institution") {
      return 2;
    }
    if (kind === "group") {
      return 3;
    }
    return node.data("hop") === 1 ? 4 : 5;
  }

  function overlaps(a, b) {
    return (
      a.x1 < b.x2 + LABEL_GAP_PX && b.x1 < a.x2 + LABEL_GAP_PX && a.y1 < b.y2 + LABEL_GAP_PX && b.y1 < a.y2 + LABEL_GAP_PX
    );
  }

  // Show the labels that fit at the current zoom: in order of priority, a
  // label is hidden when it would cover a node or a label shown before it,
  // or reach past the canvas's edge.
  function placeLabels() {
    cy.nodes().removeClass("label-hidden");
    var visible = cy.nodes().not(".is-filtered");
    var bodies = visible.map(function (node) {
      return { id: node.id(), box: node.renderedBoundingBox({ includeLabels: false, includeOverlays: false }) };
    });
    var candidates = visible.filter(function (node) {
      return node.data("kind") !== "work" && node.data("label");
    });
    var ranked = candidates.toArray().map(function (node, index) {
      return { node: node, priority: labelPriority(node), index: index };
    });
    ranked.sort(function (a, b) {
      return a.priority - b.priority || a.index - b.index;
    });
    var shown = [];
    var hidden = [];
    ranked.forEach(function (item) {
      var node = item.node;
      var label = node.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false });
      if (node.hasClass("is-centre")) {
        shown.push(label);
        return;
      }
      var outside = label.x1 < 0 || label.y1 < 0 || label.x2 > container.clientWidth || label.y2 > container.clientHeight;
      var covers = outside || bodies.some(function (body) {
        return body.id !== node.id() && overlaps(label, body.box);
      });
      if (covers || shown.some(function (box) { return overlaps(label, box); })) {
        hidden.push(node);
      } else {
        shown.push(label);
      }
    });
    cy.batch(function () {
      hidden.forEach(function (node) {
        node.addClass("label-hidden");
      });
    });
  }

  var labelsPending = false;
  function updateLabels() {
    cy.style().fromJson(buildStyle(cy.zoom())).update();
    placeLabels();
  }
  // Zooming restyles and places labels once per animation frame at most.
  cy.on("zoom", function () {
    if (labelsPending) {
      return;
    }
    labelsPending = true;
    window.requestAnimationFrame(function () {
      labelsPending = false;
      updateLabels();
    });
  });

  // Filters ------------------------------------------------------------------

  var yearFields = form ? form.querySelector(".explorer-years") : null;
  var yearError = document.getElementById("explorer-years-error");
  var YEAR_LABELS = { from: "From", to: "To" };
  // Maximum length of a rejected value repeated in its error message.
  var MAX_ECHOED_CHARS = 20;

  // The same checks and messages as the server's read_explorer_filters.
  function readYear(name) {
    var earliest = Number(form.getAttribute("data-earliest-year"));
    var latest = Number(form.getAttribute("data-latest-year"));
    var raw = form.elements[name].value.trim();
    var label = YEAR_LABELS[name];
    var echo = raw.length <= MAX_ECHOED_CHARS ? raw : raw.slice(0, MAX_ECHOED_CHARS) + "…";
    if (raw === "") {
      return { year: null };
    }
    if (!/^[0-9]+$/.test(raw)) {
      return { year: null, error: label + " (" + echo + ") is not a year. Enter a year such as 2015, or leave the box empty." };
    }
    var year = parseInt(raw, 10);
    if (year < earliest || year > latest) {
      return {
        year: null,
        error: label + " (" + echo + ") is not between " + earliest + " and " + latest + ". Enter a year in that range, or leave the box empty.",
      };
    }
    return { year: year };
  }

  function readFilters() {
    var kinds = {};
    var anyChecked = false;
    form.querySelectorAll('input[name="kind"]').forEach(function (box) {
      kinds[box.value] = box.checked;
      anyChecked = anyChecked || box.checked;
    });
    // Like the server: no kind chosen shows every kind.
    if (!anyChecked) {
      Object.keys(kinds).forEach(function (kind) {
        kinds[kind] = true;
      });
    }
    var from = readYear("from");
    var to = readYear("to");
    var errors = [from.error, to.error].filter(Boolean);
    if (from.year !== null && to.year !== null && from.year > to.year) {
      errors.push("From (" + from.year + ") is after To (" + to.year + "). Swap the years or clear one of them.");
    }
    return { kinds: kinds, from: from.year, to: to.year, errors: errors, anyChecked: anyChecked };
  }

  function showYearErrors(errors) {
    yearError.textContent = "";
    errors.forEach(function (message) {
      var line = document.createElement("p");
      line.textContent = message;
      yearError.appendChild(line);
    });
    yearError.hidden = errors.length === 0;
    yearFields.classList.toggle("form-field-invalid", errors.length > 0);
    ["from", "to"].forEach(function (name) {
      if (errors.length) {
        form.elements[name].setAttribute("aria-invalid", "true");
      } else {
        form.elements[name].removeAttribute("aria-invalid");
      }
    });
  }

  function spanInYears(first, last, filters) {
    if (!first && !last) {
      return true;
    }
    first = first || last;
    last = last || first;
    if (filters.from !== null && last < filters.from) {
      return false;
    }
    return !(filters.to !== null && first > filters.to);
  }

  function inYears(element, filters) {
    var first = element.data("first_year") || element.data("year");
    var last = element.data("last_year") || element.data("year");
    return spanInYears(first, last, filters);
  }

  // Hide the list rows the drawing hides, and update each list's count.
  function filterLists(filters) {
    document.querySelectorAll("[data-explorer-list]").forEach(function (section) {
      section.hidden = !filters.kinds[section.getAttribute("data-explorer-list")];
      var rows = section.querySelectorAll("[data-list-row]");
      var shown = 0;
      rows.forEach(function (row) {
        var first = parseInt(row.getAttribute("data-first-year"), 10) || null;
        var last = parseInt(row.getAttribute("data-last-year"), 10) || null;
        row.hidden = !spanInYears(first, last, filters);
        shown += row.hidden ? 0 : 1;
      });
      var count = section.querySelector("[data-list-count]");
      var items = section.querySelector("[data-list-items]");
      var empty = section.querySelector("[data-list-empty]");
      if (count) {
        count.textContent = "Showing " + shown + " of " + rows.length + ".";
      }
      if (items) {
        items.hidden = shown === 0;
      }
      if (empty) {
        empty.hidden = shown > 0;
      }
    });
  }

  function filterDrawing(filters) {
    cy.batch(function () {
      cy.elements().removeClass("is-filtered");
      cy.nodes().forEach(function (node) {
        var kind = node.data("kind");
        var listed = kind === "group" ? "person" : kind;
        if (kind !== "researcher" && (!filters.kinds[listed] || !inYears(node, filters))) {
          node.addClass("is-filtered");
        }
      });
      cy.edges().forEach(function (edge) {
        if (!inYears(edge, filters)) {
          edge.addClass("is-filtered");
        }
      });
    });
  }

  // The address reproduces the filters when opened, as the form without
  // JavaScript would submit them.
  function filterAddress() {
    var params = new URLSearchParams();
    form.querySelectorAll('input[name="kind"]:checked').forEach(function (box) {
      params.append("kind", box.value);
    });
    ["from", "to"].forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) {
        params.append(name, value);
      }
    });
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  // Set the form from the address, when Back or Forward returns to an
  // earlier filter. An address without kinds shows every kind, as on the server.
  function setFormFromAddress() {
    var params = new URLSearchParams(window.location.search);
    var kinds = params.getAll("kind");
    form.querySelectorAll('input[name="kind"]').forEach(function (box) {
      box.checked = kinds.length === 0 || kinds.indexOf(box.value) !== -1;
    });
    form.elements.from.value = params.get("from") || "";
    form.elements.to.value = params.get("to") || "";
  }

  // Apply the form to the drawing and the lists. An invalid year range shows
  // its message and changes nothing else, but when the page opens with one
  // (`from` is "address"), the years are left out, as the server left them
  // out of the lists. Each new filter adds a history entry, so Back returns
  // to the previous one.
  function applyFilters(from) {
    var fromAddress = from === "address";
    var filters = readFilters();
    showYearErrors(filters.errors);
    if (filters.errors.length) {
      if (!fromAddress) {
        return;
      }
      filters.from = null;
      filters.to = null;
    }
    filterDrawing(filters);
    filterLists(filters);
    var address = filterAddress();
    if (!fromAddress && address !== window.location.pathname + window.location.search) {
      history.pushState(null, "", address);
    }
    var shown = cy.nodes().not(".is-filtered").length;
    statusLine.textContent =
      "Showing " + shown + " of " + cy.nodes().length + " nodes." + (filters.anyChecked ? "" : " No kind is ticked, so every kind is shown.");
    fitView();
  }

  seedPositions();
  runLayout().then(function () {
    if (form) {
      // A ticked or cleared kind applies at once; years apply with the
      // button or Enter, so a half-typed range adds no history entry.
      form.addEventListener("change", function (event) {
        if (event.target.name === "kind") {
          applyFilters();
        }
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        applyFilters();
      });
      window.addEventListener("popstate", function () {
        setFormFromAddress();
        applyFilters("address");
      });
      applyFilters("address");
    }
    window.bzpeerExplorer.ready = true;
  });

  // Details and expansion --------------------------------------------------------

  function showDetails(node) {
    details.hidden = false;
    details.textContent = "";
    var heading = document.createElement("p");
    heading.className = "explorer-details-kind";
    heading.textContent = KIND_NAMES[node.data("kind")] || "Node";
    var name = document.createElement("p");
    name.className = "explorer-details-name";
    if (node.data("url")) {
      var link = document.createElement("a");
      link.href = node.data("url");
      link.textContent = node.data("label");
      name.appendChild(link);
    } else {
      name.textContent = node.data("label");
    }
    details.appendChild(heading);
    details.appendChild(name);
  }

  function expand(node) {
    var id = node.id();
    if (expanded[id]) {
      statusLine.textContent = node.data("label") + " is already expanded.";
      return Promise.resolve(0);
    }
    expanded[id] = true;
    statusLine.textContent = "Loading the co-authors of " + node.data("label") + "…";
    var url = neighboursTemplate.replace("/0/", "/" + id.split(":")[1] + "/");
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (result) {
        var origin = node.position();
        var added = 0;
        var fresh = result.elements.nodes.filter(function (item) {
          return cy.getElementById(item.data.id).empty();
        });
        fresh.forEach(function (item, index) {
          var angle = (2 * Math.PI * index) / Math.max(fresh.length, 1);
          item.position = { x: origin.x + 90 * Math.cos(angle), y: origin.y + 90 * Math.sin(angle) };
        });
        cy.batch(function () {
          added = cy.add(fresh).length;
          result.elements.edges.forEach(function (item) {
            if (cy.getElementById(item.data.id).empty()) {
              cy.add(item);
            }
          });
        });
        node.addClass("is-expanded");
        addPeopleRows(node, fresh, result.elements.edges);
        return (added > 0 ? runLayout() : Promise.resolve()).then(function () {
          return { added: added, result: result };
        });
      })
      .then(function (outcome) {
        var added = outcome.added;
        var result = outcome.result;
        if (form) {
          applyFilters();
        }
        var more = result.coauthors_total - result.coauthors_shown;
        statusLine.textContent =
          "Expanded " + node.data("label") + ": " + added + " new " + (added === 1 ? "person" : "people") +
          (more > 0 ? " (" + more + " weaker co-authors not drawn)." : ".");
        return added;
      })
      .catch(function (error) {
        expanded[id] = false;
        statusLine.textContent = "Could not load the co-authors of " + node.data("label") + " (" + error.message + "). Try again.";
        return 0;
      });
  }

  // Add the people an expansion drew to the People table, so the table
  // keeps listing what the drawing shows.
  function addPeopleRows(source, freshNodes, edges) {
    var body = document.querySelector('[data-explorer-list="person"] tbody');
    if (!body) {
      return;
    }
    var shared = {};
    edges.forEach(function (edge) {
      shared[edge.data.target] = edge.data.shared;
    });
    freshNodes.forEach(function (item) {
      var person = item.data;
      var row = document.createElement("tr");
      row.setAttribute("data-list-row", "");
      row.setAttribute("data-first-year", person.first_year || "");
      row.setAttribute("data-last-year", person.last_year || "");
      var nameCell = document.createElement("td");
      var link = document.createElement("a");
      link.href = person.url;
      link.textContent = person.label;
      var note = document.createElement("span");
      note.className = "muted";
      note.textContent = "(co-author of " + source.data("label") + ")";
      nameCell.append(link, " ", note);
      var sharedCell = document.createElement("td");
      sharedCell.textContent = shared[person.id] === undefined ? "" : shared[person.id];
      var yearsCell = document.createElement("td");
      yearsCell.textContent = yearSpan(person.first_year, person.last_year);
      row.append(nameCell, sharedCell, yearsCell);
      body.appendChild(row);
    });
  }

  // "2014–2016", "2014" when both years are equal, "" when none is known,
  // as the server writes the years in the People table.
  function yearSpan(first, last) {
    if (!first) {
      return "";
    }
    if (last && last !== first) {
      return first + "–" + last;
    }
    return String(first);
  }

  cy.on("tap", "node", function (event) {
    var node = event.target;
    showDetails(node);
    if (node.data("kind") === "person") {
      expand(node);
    }
  });
})();
