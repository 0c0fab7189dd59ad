"""Every URL pattern of the project has an access policy: a row in the matrix or a reasoned
exclusion. A new endpoint without a policy fails here, naming the pattern."""

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.security.matrix import EXCLUDED, ROWS


def walk(resolver=None, prefix="", namespace=""):
    """(route, URL name, HTTP methods or None) for every pattern, through includes and routers.

    For DRF viewset routes the methods are the ones the router maps to actions, so each
    method of an API route needs its own row; Django views are covered by any row."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern, prefix + str(pattern.pattern), inner)
            continue
        assert isinstance(pattern, URLPattern)
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
        route = prefix + str(pattern.pattern)
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        methods = None
        if actions:
            # DRF adds "head" to a viewset's action map once a request has been served (so
            # after the permission matrix ran in the same process); HEAD goes with GET.
            methods = {method.upper() for method in actions if method not in {"head", "options"}}
        elif getattr(callback, "cls", None) is not None:
            # An APIView: the HTTP methods it implements (OPTIONS/HEAD come with DRF).
            methods = {
                method.upper()
                for method in callback.cls.http_method_names
                if method not in {"options", "head", "trace"} and hasattr(callback.cls, method)
            }
        yield route, name or route, methods


def excluded(route: str, name: str) -> bool:
    return name in EXCLUDED or any(
        key.endswith("*") and (route.startswith(key[:-1]) or name.startswith(key[:-1]))
        for key in EXCLUDED
    )


def test_every_url_pattern_has_a_policy_row():
    covered: dict[str, set[str]] = {}
    for row in ROWS:
        covered.setdefault(row.name, set()).add(row.method)
    missing = []
    for route, name, methods in walk():
        if excluded(route, name):
            continue
        if name not in covered:
            missing.append(f"{name!r} (route {route!r}): no row in tests/security/matrix.py")
            continue
        for method in sorted((methods or set()) - covered[name]):
            missing.append(f"{name!r} (route {route!r}): no row for {method}")
    assert not missing, (
        "URL patterns without an access policy; add a Row(...) to tests/security/matrix.py "
        "(or a reasoned entry to EXCLUDED):\n  " + "\n  ".join(sorted(set(missing)))
    )


def test_every_row_names_the_pattern_its_path_resolves_to():
    wrong = []
    for row in ROWS:
        path = row.path.split("?")[0].format_map(_AnyId())
        view_name = resolve(path).view_name
        if view_name != row.name:
            wrong.append(
                f"{row.method} {row.path}: resolves to {view_name!r}, row says {row.name!r}"
            )
    assert not wrong, "\n".join(wrong)


def test_exclusions_still_exist():
    patterns = [(route, name) for route, name, _methods in walk()]

    def in_use(key):
        if key.endswith("*"):
            prefix = key[:-1]
            return any(
                route.startswith(prefix) or name.startswith(prefix) for route, name in patterns
            )
        return any(name == key for _route, name in patterns)

    stale = [key for key in EXCLUDED if not in_use(key)]
    assert not stale, f"EXCLUDED lists patterns that no longer exist: {stale}"


class _AnyId(dict):
    """Fills every `{placeholder}` of a path with an id-shaped number (or a date)."""

    def __missing__(self, key):
        return "2026-01-05" if key == "today" else "7"
