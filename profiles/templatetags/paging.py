"""Template filters for paginated lists."""

from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def elided_pages(page: Page) -> list[int | str]:
    """List the page numbers to link around `page`, with gaps as the paginator's ellipsis.

    Long lists stay short: "1 2 3 4 5 … 25" on page 3 of 25.
    """
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
