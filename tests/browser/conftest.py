"""A real browser against the running site: Debian's chromium, driven by Playwright, on
the live test server with a real Celery worker. Screenshots of every step are kept under
test-artifacts/browser/ (BROWSER_ARTIFACTS), whether the test passes or fails."""

import os
import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from tests.conftest import REPO_ROOT
from tests.integration.conftest import start_worker  # noqa: F401 (a fixture, used by `site`)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", REPO_ROOT / "test-artifacts" / "browser"))
# Without the background-networking flags chromium keeps calling Google's hosts, which this closed network refuses.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 860}}
# A slow mobile connection: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
SLOW = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
# axe-core impacts that fail a page.
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (scripts/apt-packages.txt)")
    # Playwright's sync API keeps an event loop in this thread; Django's ORM calls here stay synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def site(live_server, start_worker):  # noqa: F811
    """The live site with a real worker processing what is uploaded."""
    start_worker()
    return live_server


class Screen:
    """A browser window on the site that keeps a numbered screenshot of each step."""

    def __init__(self, browser, base_url: str, folder: Path, device: dict, slow: bool):
        self.context = browser.new_context(
            **device, base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True
        )
        self.page = self.context.new_page()
        self.folder = folder
        self.steps = 0
        if slow:
            cdp = self.context.new_cdp_session(self.page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW)

    def shot(self, name: str) -> None:
        self.steps += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.folder / f"{self.steps:02d}-{name}.png"), full_page=True)

    def check_accessible(self, name: str) -> None:
        """Run axe-core on the page as it is; serious and critical violations fail the test,
        and so does a page wider than the screen (sideways scrolling on a phone)."""
        self.shot(name)
        overflow = self.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than the screen"
        violations = Axe().run(self.page).response["violations"]
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in violations
            if v["impact"] in BLOCKING
        ]
        assert blocking == [], f"{name}: {blocking}"


def sign_in(screen: Screen, username: str, password: str = "correct horse 42") -> None:
    screen.page.goto("/accounts/login/")
    screen.page.fill("#id_username", username)
    screen.page.fill("#id_password", password)
    screen.page.click("button.primary")
    screen.page.wait_for_url("**/")


@pytest.fixture
def screens(browser, request):
    """Open browser windows for a test: screens(device=PHONE|DESKTOP, slow=True, base_url=...)."""
    opened = []
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)

    def open_screen(base_url: str, device: dict = PHONE, slow: bool = False, name: str = "") -> Screen:
        screen = Screen(browser, base_url, folder / name if name else folder, device, slow)
        opened.append(screen)
        return screen

    yield open_screen
    call = getattr(request.node, "rep_call", None)
    for screen in opened:
        if call is not None and call.failed:
            screen.shot("failed")
        screen.context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keeps each phase's report on the test item, so `screens` can take a last screenshot of a failure.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def step(page, direction: str):
    """Go back or forward one page, as the phone's button does (commit: a page from the back-forward
    cache fires no load event). A page restored from that cache reloads itself; chromium swaps the
    page's frame while it does, and a history call made at that moment fails with "Not attached to
    an active page" (seen in a CI run) while reading the history, before going anywhere: wait for
    the swap and press again."""
    for attempt in range(3):
        try:
            return page.go_back(wait_until="commit") if direction == "back" else page.go_forward(wait_until="commit")
        except PlaywrightError as exc:
            detached = "getNavigationHistory" in str(exc) and "Not attached to an active page" in str(exc)
            if not detached or attempt == 2:
                raise
            page.wait_for_timeout(500)
    return None
