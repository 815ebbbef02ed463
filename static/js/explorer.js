/* Research graph explorer: draws the neighbourhood that the page embeds as
 * JSON (#explorer-data) with Cytoscape.js, filters it by node kind and year
 * range with the page's own filter form, and adds a person's co-authors when
 * the person is clicked. The page's lists hold the same data without
 * JavaScript.
 */
(function () {
  "use strict";

  var container = document.getElementById("explorer-canvas");
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

  container.textContent = "";
  container.classList.add("explorer-canvas--ready");

  var cy = window.cytoscape({
    container: container,
    elements: data.elements,
    minZoom: 0.2,
    maxZoom: 3,
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 11,
          color: token("--color-text", "#1b1d21"),
          "text-valign": "bottom",
          "text-margin-y": 3,
          "text-wrap": "ellipsis",
          "text-max-width": 120,
          "text-outline-color": token("--color-surface", "#ffffff"),
          "text-outline-width": 2,
          // Small labels appear only once the reader zooms in, so a large
          // neighbourhood stays readable; key nodes keep a larger label.
          "min-zoomed-font-size": 13,
          width: 14,
          height: 14,
        },
      },
      { selector: "node[?key], node[kind = \"topic\"], node[kind = \"institution\"]", style: { "font-size": 16 } },
      { selector: 'node[kind = "researcher"]', style: { shape: "ellipse", width: 30, height: 30, "font-size": 14, "font-weight": "bold", "background-color": token("--graph-researcher", "#c2410c") } },
      { selector: 'node[kind = "person"]', style: { shape: "ellipse", "background-color": token("--graph-person", "#1b57a0") } },
      { selector: 'node[kind = "person"][hop = 2]', style: { width: 10, height: 10, "font-size": 9 } },
      { selector: 'node[kind = "work"]', style: { shape: "rectangle", width: 10, height: 10, label: "", "background-color": token("--graph-work", "#3f7d3a") } },
      { selector: 'node[kind = "topic"]', style: { shape: "hexagon", width: 16, height: 16, "background-color": token("--graph-topic", "#7a4fa3") } },
      { selector: 'node[kind = "institution"]', style: { shape: "triangle", width: 16, height: 16, "background-color": token("--graph-institution", "#8a6d1d") } },
      { selector: 'node[kind = "group"]', style: { shape: "round-rectangle", width: 22, height: 22, "background-color": token("--color-border-strong", "#767c84") } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": token("--color-focus", "#c2410c") } },
      { selector: "node.is-expanded", style: { "border-width": 2, "border-color": token("--color-text", "#1b1d21") } },
      {
        selector: "edge",
        style: { width: 1, "line-color": token("--color-border", "#d5d8dc"), "curve-style": "haystack", opacity: 0.9 },
      },
      { selector: 'edge[kind = "coauthor"]', style: { width: "mapData(weight, 0, 5, 1, 6)", "line-color": token("--color-border-strong", "#767c84") } },
      { selector: ".is-filtered", style: { display: "none" } },
    ],
    layout: { name: "null" },
  });
  window.bzpeerExplorer = { cy: cy, expand: expand };

  // The force-directed layout starts from positions drawn by a generator
  // seeded with the centre's id, so a neighbourhood looks the same on every
  // visit. Cytoscape's cose layout adds no randomness of its own when it
  // does not randomize the start.
  var random = seededRandom(String(data.center));
  cy.nodes().positions(function () {
    return { x: random() * 800, y: random() * 600 };
  });
  cy.layout(forceLayout()).run();

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

  // Cytoscape's force-directed layout. It always starts from the current
  // positions: the seeded ones at first, after an expansion the drawing so
  // far, which then keeps its shape.
  function forceLayout() {
    return {
      name: "cose",
      animate: false,
      randomize: false,
      fit: true,
      padding: 24,
      nodeRepulsion: function () {
        return 20000;
      },
      idealEdgeLength: function () {
        return 90;
      },
      numIter: 1500,
    };
  }

  // Filters ------------------------------------------------------------------

  function readFilters() {
    var kinds = {};
    form.querySelectorAll('input[name="kind"]').forEach(function (box) {
      kinds[box.value] = box.checked;
    });
    var from = parseInt(form.elements.from.value, 10);
    var to = parseInt(form.elements.to.value, 10);
    return { kinds: kinds, from: isNaN(from) ? null : from, to: isNaN(to) ? null : to };
  }

  function inYears(element, filters) {
    var first = element.data("first_year") || element.data("year");
    var last = element.data("last_year") || element.data("year");
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

  function applyFilters() {
    var filters = readFilters();
    cy.batch(function () {
      cy.elements().removeClass("is-filtered");
      cy.nodes().forEach(function (node) {
        var kind = node.data("kind");
        var listed = kind === "group" ? "person" : kind;
        if (kind !== "researcher" && (filters.kinds[listed] === false || !inYears(node, filters))) {
          node.addClass("is-filtered");
        }
      });
      cy.edges().forEach(function (edge) {
        if (!inYears(edge, filters)) {
          edge.addClass("is-filtered");
        }
      });
    });
    var params = new URLSearchParams(new FormData(form));
    history.replaceState(null, "", window.location.pathname + "?" + params.toString());
    var shown = cy.nodes().not(".is-filtered").length;
    statusLine.textContent = "Showing " + shown + " of " + cy.nodes().length + " nodes.";
  }

  if (form) {
    form.addEventListener("change", applyFilters);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      applyFilters();
    });
    applyFilters();
  }

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
        if (added > 0) {
          cy.layout(forceLayout()).run();
        }
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

  cy.on("tap", "node", function (event) {
    var node = event.target;
    showDetails(node);
    if (node.data("kind") === "person") {
      expand(node);
    }
  });
})();
