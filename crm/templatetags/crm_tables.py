"""Table helpers shared by every list page: sortable column headers.

`{% sort_header "amount" _("Amount") %}` renders a `<th>` whose link toggles `?sort=amount` /
`?sort=-amount`, keeps the other query parameters (filters), drops `page` (a new order starts on
the first page) and carries `aria-sort`. Which fields may be sorted is decided by the page's
FilterSet (an `OrderingFilter`, named `sort`; FilterSets whose API parameter is `ordering`
pass `param="ordering"`), so the page and the API share one definition. Views pass the query
through `crm.tables.valid_sort` first, so an unknown sort key falls back to the default order.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

SORT_PARAM = "sort"


@register.simple_tag(takes_context=True)
def sort_header(
    context, field: str, label, *, default: str = "", css: str = "", param: str = SORT_PARAM
) -> str:
    """A sortable column header for `field`; `default` is the list's order without `?sort=`."""
    request = context["request"]
    current = request.GET.get(param) or default
    if current == field:
        state, target, arrow = "ascending", f"-{field}", "▲"
    elif current == f"-{field}":
        state, target, arrow = "descending", field, "▼"
    else:
        state, target, arrow = "none", field, ""
    query = request.GET.copy()
    query.pop("page", None)
    query[param] = target
    hint = _("sorted ascending") if state == "ascending" else _("sorted descending")
    return format_html(
        # position-relative keeps the visually hidden hint inside the scrolling table on phones
        # (an absolutely positioned span would otherwise widen the whole page).
        '<th scope="col" class="{}" aria-sort="{}"><a class="sort-link position-relative '
        'link-body-emphasis text-decoration-none" href="?{}">{}{}</a></th>',
        css,
        state,
        query.urlencode(),
        label,
        format_html(
            ' <span aria-hidden="true">{}</span><span class="visually-hidden">({})</span>',
            arrow,
            hint,
        )
        if arrow
        else "",
    )
