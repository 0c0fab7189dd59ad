"""List pages: an unknown sort key falls back to the list's default order.

django-filter makes a FilterSet invalid when `?sort=` names a field its `OrderingFilter` does
not list, and an invalid FilterSet would empty the page. A typo or an old bookmark should
show the list in its default order instead, so views pass their query through `valid_sort`.
The whitelist is the OrderingFilter's own (one definition for the page and the API).
"""

from django.http import QueryDict
from django_filters import OrderingFilter


def valid_sort(data: QueryDict, filterset_class) -> QueryDict:
    """A copy of `data` without sort values the FilterSet's OrderingFilter does not allow."""
    data = data.copy()
    for name, declared in filterset_class.base_filters.items():
        if not isinstance(declared, OrderingFilter) or name not in data:
            continue
        allowed = set(declared.param_map)
        wanted = [v.strip() for v in data.get(name, "").split(",") if v.strip()]
        if not wanted or any(v.removeprefix("-") not in allowed for v in wanted):
            data.pop(name)
    return data
