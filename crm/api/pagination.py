"""Page-number pagination of API.md: `?page=` and `?page_size=` (at most 200)."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}` pages."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
