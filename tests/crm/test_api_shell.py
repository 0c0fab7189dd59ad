"""The API shell: 401 without credentials, the token endpoint, the schema and its docs."""

import pytest
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD


@pytest.mark.django_db
def test_api_answers_401_without_credentials():
    response = APIClient().get("/api/v1/schema/")

    assert response.status_code == 401


@pytest.mark.django_db
def test_token_endpoint_gives_a_token_that_authenticates(rm):
    client = APIClient()

    response = client.post(
        "/api/v1/auth/token/", {"username": rm.username, "password": TEST_PASSWORD}, format="json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/schema/").status_code == 200


@pytest.mark.django_db
def test_token_endpoint_refuses_a_wrong_password_with_a_400(rm):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": rm.username, "password": "nope"}, format="json"
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


@pytest.mark.django_db
def test_token_endpoint_is_throttled(rm, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token": "3/min",
        },
    }
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    client = APIClient()
    statuses = [
        client.post("/api/v1/auth/token/", {"username": rm.username, "password": "x"}).status_code
        for _ in range(4)
    ]

    assert statuses == [400, 400, 400, 429]


@pytest.mark.django_db
def test_schema_is_openapi_3_and_docs_use_no_cdn(api_for, rm):
    client = api_for(rm)

    schema = client.get("/api/v1/schema/?format=json")
    docs = client.get("/api/v1/docs/")

    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()
    assert "/static/drf_spectacular_sidecar/" in docs.content.decode()


@pytest.mark.django_db
def test_api_path_matching_no_route_is_a_json_404(rm):
    # given: an id that no route accepts (found by the API fuzzer: Django's HTML 404 page)
    client = APIClient()
    client.force_authenticate(user=rm)
    # when
    response = client.get("/api/v1/customers/-1/contacts/")
    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_page_path_matching_no_route_keeps_the_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
