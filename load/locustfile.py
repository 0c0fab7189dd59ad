"""Load scenario: 50 bank staff working at once (docs/benchmarks.md, "Load").

Run by `bash scripts/load_test.sh`; stand-alone:
    locust -f load/locustfile.py --headless -u 50 -r 10 -t 2m --host http://127.0.0.1:8000

Each simulated user logs in through the real login form (CSRF token and session cookie) as one
of the demo users of `seed_demo` (password LOAD_PASSWORD, default the demo password) and then
works like the role does: relationship managers open the worklist, search and page the customer
list, open customer and loan pages, read the API; approvers read the application queue; risk
officers the alert queue. Think time 1-3 s. Any status other than the expected one is a failure.
Only 127.0.0.1 is contacted.
"""

import os
import random
import re

from locust import HttpUser, between, task
from requests.cookies import RequestsCookieJar

PASSWORD = os.environ.get("LOAD_PASSWORD", "demo-pass-2026")
RMS = os.environ.get("LOAD_RMS", "rm1,rm2,rm3,lead1").split(",")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ID_LINK = {
    "customer": re.compile(r'href="/customers/(\d+)/"'),
    "loan": re.compile(r'href="/loans/(\d+)/"'),
}
SEARCHES = ["Co", "科技", "Machinery", "有限", "Trading"]


class BehindTlsProxyJar(RequestsCookieJar):
    """Send Secure cookies over loopback HTTP: we play the TLS-terminating proxy here.

    Production mode marks the session and CSRF cookies Secure; the proxy in front of gunicorn
    speaks HTTPS to browsers and sets X-Forwarded-Proto, which every request below sends.
    """

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class Staff(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self):
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.client.cookies = BehindTlsProxyJar()
        https_host = self.host.replace("http://", "https://", 1)
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF.search(page.text)
        with self.client.post(
            "/accounts/login/",
            {
                "username": self.pick_username(),
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{https_host}/accounts/login/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login failed: {response.status_code}")
        self.customers: list[str] = []
        self.loans: list[str] = []

    def pick_username(self) -> str:
        return self.username

    def remember(self, html: str) -> None:
        self.customers = ID_LINK["customer"].findall(html)[:50] or self.customers
        loans = ID_LINK["loan"].findall(html)
        if loans:
            self.loans = loans[:50]


class RelationshipManager(Staff):
    weight = 8

    def pick_username(self) -> str:
        return random.choice(RMS)

    @task(4)
    def worklist(self):
        self.remember(self.client.get("/", name="worklist").text)

    @task(3)
    def customer_list(self):
        page = random.choice(["1", "1", "2", "3"])
        self.remember(self.client.get(f"/customers/?page={page}", name="customer list").text)

    @task(2)
    def customer_search(self):
        term = random.choice(SEARCHES)
        self.client.get(f"/customers/?q={term}", name="customer search")

    @task(4)
    def customer_page(self):
        if self.customers:
            response = self.client.get(
                f"/customers/{random.choice(self.customers)}/", name="customer page"
            )
            self.remember(response.text)

    @task(2)
    def loan_page(self):
        if self.loans:
            self.client.get(f"/loans/{random.choice(self.loans)}/", name="loan page")

    @task(2)
    def api_customers(self):
        self.client.get("/api/v1/customers/?page_size=50", name="api customers")

    @task(1)
    def api_loans(self):
        self.client.get("/api/v1/loans/?page_size=50", name="api loans")

    @task(1)
    def interactions(self):
        self.client.get("/interactions/", name="interactions")

    @task(1)
    def dashboard(self):
        with self.client.get("/dashboard/", name="dashboard", catch_response=True) as response:
            if response.status_code == 404:
                response.success()  # the dashboard is optional in older releases


class CreditApprover(Staff):
    weight = 1
    username = "approver1"

    @task(3)
    def queue(self):
        self.client.get("/loans/applications/", name="applications")

    @task(1)
    def api_applications(self):
        self.client.get("/api/v1/loan-applications/?page_size=50", name="api applications")


class RiskOfficer(Staff):
    weight = 1
    username = "risk1"

    @task(3)
    def alerts(self):
        self.client.get("/risk/alerts/", name="alert queue")

    @task(1)
    def api_alerts(self):
        self.client.get("/api/v1/alerts/?status=open&page_size=50", name="api alerts")
