"""The context of the profile page's "Research graph" section, built by the graph app."""

from graph import services
from graph.presenting import present_payload
from graph.state import describe


def graph_section_context(researcher_id: int) -> dict:
    """Return the slice state for the profile, enqueueing a build when one is due.

    A ready slice is rendered in the page itself, so visitors without
    JavaScript see it too. Any other state renders the same fragment that
    htmx polls until the build finishes.
    """
    state = describe(services.ensure_slice(researcher_id))
    shows_picture = state.kind in {"ready", "refreshing"}
    return {"state": state, "slice": present_payload(state.payload) if shows_picture else None}
