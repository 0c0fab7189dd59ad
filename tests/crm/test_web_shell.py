"""Login, logout, the protected pages, the navigation and the language switcher."""

import pytest

from crm.roles import Role
from tests.factories import TEST_PASSWORD, make_user


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/"])
def test_protected_pages_redirect_anonymous_users_to_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
def test_login_with_the_right_password_opens_the_worklist(client, rm):
    response = client.post(
        "/accounts/login/", {"username": rm.username, "password": TEST_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/"
    assert "My worklist" in response.content.decode()
    assert "Nothing needs you today" in response.content.decode()


@pytest.mark.django_db
def test_login_with_a_wrong_password_is_refused(client, rm):
    response = client.post("/accounts/login/", {"username": rm.username, "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "correct username and password" in response.content.decode()


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(web_for, rm):
    client = web_for(rm)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_navigation_shows_admin_only_to_staff(web_for, rm, admin_user):
    rm_page = web_for(rm).get("/").content.decode()
    admin_page = web_for(admin_user).get("/").content.decode()

    assert 'href="/admin/"' not in rm_page
    assert 'href="/admin/"' in admin_page


@pytest.mark.django_db
def test_switching_to_chinese_translates_the_interface(web_for, rm):
    client = web_for(rm)

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    page = client.get("/").content.decode()

    assert 'lang="zh-hans"' in page
    assert "我的工作清单" in page
    assert "退出登录" in page


@pytest.mark.django_db
def test_pages_load_vendored_assets_and_no_cdn(web_for, rm):
    page = web_for(rm).get("/").content.decode()

    assert "/static/vendor/bootstrap-5.3.9/bootstrap.min.css" in page
    assert "/static/vendor/htmx-2.0.11/htmx.min.js" in page
    assert "https://" not in page
    assert "<script>" not in page  # no inline scripts


@pytest.mark.django_db
def test_a_user_without_a_role_can_log_in_but_has_no_data(web_for):
    nobody = make_user(None, username="intern")

    response = web_for(nobody).get("/")

    assert response.status_code == 200


def test_role_names_match_the_contract():
    assert [r.value for r in Role] == [
        "relationship_manager",
        "team_lead",
        "credit_approver",
        "risk_officer",
    ]
