"""Access-log entries for API reads of customer data: one per request, not per row."""

from ..models import AccessLog
from ..services import access_log_record

LOGGED_ACTIONS = ("list", "retrieve")


class AccessLoggedReadMixin:
    """A successful GET of a list or a detail appends one access-log entry.

    The entry names the customers whose data was returned: the one customer for a detail or a
    list under `/customers/{customer_pk}/...` (its `customer` field), or the ids of every
    customer on the page for a list (`customer_ids`), with the request's path and query and
    the row count in `detail`. Denied, failed and empty-handed requests log nothing they did
    not read (a 404 reads nothing).
    """

    access_log_category: str = AccessLog.Category.BASIC
    # The attribute of a returned row that holds its customer's id.
    access_log_customer_attr: str = "customer_id"
    # The URL keyword that names the customer of a nested list (`/customers/{id}/...`).
    access_log_parent_kwarg: str = "customer_pk"

    def get_serializer(self, *args, **kwargs):
        # list() and retrieve() hand exactly what they return to the serializer: the page's
        # rows or the one object. (A queryset is evaluated here once and reused by the
        # serializer, so this costs no query.)
        if args and getattr(self, "action", None) in LOGGED_ACTIONS:
            instance = args[0]
            self._access_log_rows = list(instance) if kwargs.get("many") else [instance]
        return super().get_serializer(*args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        rows = getattr(self, "_access_log_rows", None)
        if (
            request.method == "GET"
            and getattr(self, "action", None) in LOGGED_ACTIONS
            and rows is not None
            and 200 <= response.status_code < 300
        ):
            self._access_log_write(request, rows)
        return response

    def _access_log_write(self, request, rows):
        ids = {getattr(row, self.access_log_customer_attr) for row in rows}
        parent = self.kwargs.get(self.access_log_parent_kwarg)
        if parent is not None:
            ids.add(int(parent))
        ids.discard(None)
        customer = None
        if len(ids) == 1 and (self.action != "list" or parent is not None):
            customer = AccessLog.customer.field.related_model(pk=next(iter(ids)))
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            category=self.access_log_category,
            customer=customer,
            customer_ids=ids,
            request=request,
            detail=f"API {self.action} {request.get_full_path()[:500]} ({len(rows)} rows)",
        )
