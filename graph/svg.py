"""Draw a slice payload as an SVG picture. Reads the payload alone.

Kinds differ by shape as well as colour, so the picture reads without colour
vision: researcher (large circle), people (circles), the researcher's works
(squares), nearby papers (diamonds), topics (hexagons), institutions
(triangles). Colours come from CSS classes, so dark mode applies.
"""

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

KIND_NAMES = {
    "researcher": "Researcher",
    "person": "Co-author",
    "work": "Own work",
    "nearby": "Nearby paper",
    "topic": "Topic",
    "institution": "Institution",
}
_SIZE = {"researcher": 15, "person": 8, "work": 6, "nearby": 6, "topic": 8, "institution": 8}
_LABEL_OFFSET = 6


def shape_markup(kind: str, x: float, y: float, size: float | None = None) -> str:
    """Return the SVG element of one node's shape, centred on (x, y)."""
    size = size or _SIZE[kind]
    css = f"graph-node graph-node--{kind}"
    if kind in {"researcher", "person"}:
        return f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}"/>'
    if kind == "work":
        side = 2 * size
        return f'<rect class="{css}" x="{x - size:.1f}" y="{y - size:.1f}" width="{side:.1f}" height="{side:.1f}"/>'
    if kind == "nearby":
        corners = [(x, y - size * 1.3), (x + size * 1.3, y), (x, y + size * 1.3), (x - size * 1.3, y)]
    elif kind == "topic":
        corners = [(x + size * math.cos(math.pi / 3 * i), y + size * math.sin(math.pi / 3 * i)) for i in range(6)]
    else:
        corners = [(x, y - size * 1.2), (x + size * 1.1, y + size * 0.8), (x - size * 1.1, y + size * 0.8)]
    points = " ".join(f"{px:.1f},{py:.1f}" for px, py in corners)
    return f'<polygon class="{css}" points="{points}"/>'


def legend_swatch(kind: str) -> SafeString:
    """Return a small inline SVG of one kind's shape, for the legend."""
    size = {"researcher": 8, "person": 6}.get(kind, 6)
    return mark_safe(  # noqa: S308 - built from fixed strings and numbers only
        f'<svg class="graph-swatch" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">'
        f"{shape_markup(kind, 10, 10, size)}</svg>"
    )


def render_slice_svg(payload: dict, *, title_id: str = "graph-svg-title") -> SafeString:
    """Return the SVG markup of a slice, with a title and a description for screen readers."""
    layout = payload["layout"]
    nodes = {node["id"]: node for node in payload["nodes"]}
    researcher = payload["researcher"]["name"]
    desc_id = f"{title_id}-desc"
    description = (
        f"{researcher} in the middle, linked to {len(payload['people'])} co-authors, "
        f"{len(payload['works'])} of their works, {len(payload['nearby'])} nearby papers, "
        f"{len(payload['topics'])} topics and {len(payload['institutions'])} institutions. "
        "The lists below name every node."
    )
    parts = [
        f'<svg class="graph-svg" viewBox="0 0 {layout["width"]} {layout["height"]}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{title_id}">Research graph of {escape(researcher)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        '<g class="graph-edges">',
    ]
    for edge in payload["edges"]:
        source, target = nodes.get(edge["source"]), nodes.get(edge["target"])
        if source is None or target is None:
            continue
        parts.append(
            f'<line class="graph-edge graph-edge--{escape(edge["kind"])}" '
            f'x1="{source["x"]:.1f}" y1="{source["y"]:.1f}" x2="{target["x"]:.1f}" y2="{target["y"]:.1f}"/>'
        )
    parts.append("</g>")

    # Draw the researcher last so it sits on top.
    ordered = sorted(payload["nodes"], key=lambda node: node["kind"] == "researcher")
    parts.append('<g class="graph-nodes">')
    for node in ordered:
        kind = node["kind"]
        parts.append(
            f'<g class="graph-item"><title>{escape(KIND_NAMES[kind])}: {escape(node["label"])}</title>'
            f"{shape_markup(kind, node['x'], node['y'])}</g>"
        )
    parts.append("</g>")

    parts.append('<g class="graph-labels" aria-hidden="true">')
    for node in ordered:
        if not node.get("show_label"):
            continue
        size = _SIZE[node["kind"]]
        anchor = "start" if node["x"] <= layout["width"] - 160 else "end"
        dx = size + _LABEL_OFFSET if anchor == "start" else -(size + _LABEL_OFFSET)
        parts.append(
            f'<text class="graph-label graph-label--{node["kind"]}" x="{node["x"] + dx:.1f}" y="{node["y"]:.1f}" '
            f'text-anchor="{anchor}" dominant-baseline="middle">{escape(node["short_label"])}</text>'
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text value above is escaped
