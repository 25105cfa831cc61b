"""Fixtures of the end-to-end suites: real `tessera serve` processes, redis-server, nginx.

scripts/test sets TESSERA_BIN, TESSERA_TEST_REDIS_URL, TESSERA_TEST_DATABASE_URL and
TESSERA_REQUIRE_SERVERS=1. Run by hand without them, tests that need them are skipped with
a message; under scripts/test or CI a missing one is a failure.

Fixtures:
- `tessera_bin`: path of the tessera binary.
- `start_node(*extra_args, data_dir=None, env=None, port=None) -> Node`: `tessera serve`
  on a free port with `--dev`, its own data folder and log file; stopped at teardown.
- `node`: `start_node()` with defaults (memory sessions, SQLite in its data folder).
- `redis_url`, `redis_sentinel_url`, `database_url`: the shared servers started by scripts/test.
- `redis_server(*extra_args) -> RedisServer`: a redis-server owned by the test.
- `nginx(upstreams, site=None, port=None) -> Nginx`: round-robin nginx in front of nodes or
  URLs, or nginx serving the given `site` (upstream and server blocks).
- `cli(node_or_data_dir, *args, env=None, database_url=None)`: `tessera user …`.
- `api`: `register`, `login`, `bearer`, `make_admin`, `new_account`, `login_token`, …
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import tessera_e2e as e2e

TEST_TIMEOUT = int(os.environ.get("TESSERA_E2E_TEST_TIMEOUT", "300"))


def _truthy(value: str | None) -> bool:
    return bool(value) and value.strip().lower() not in ("0", "false", "no", "off")


def servers_required() -> bool:
    return _truthy(os.environ.get("TESSERA_REQUIRE_SERVERS")) or _truthy(os.environ.get("CI"))


def missing(what: str) -> None:
    """Fails when scripts/test or CI runs the suite, skips with a message by hand."""
    if servers_required():
        pytest.fail(f"{what} (TESSERA_REQUIRE_SERVERS/CI is set)", pytrace=False)
    pytest.skip(f"{what}; run scripts/test to get it")


# --- reporting and safety nets ----------------------------------------------------------


def _terminated(signum, frame):
    # As for Ctrl-C: unwind, so teardown and the exit handler stop every server we started.
    raise KeyboardInterrupt(f"signal {signum}")


signal.signal(signal.SIGTERM, _terminated)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _failed(request) -> bool:
    return any(getattr(getattr(request.node, f"report_{when}", None), "failed", False)
               for when in ("setup", "call"))


@pytest.fixture(autouse=True)
def _test_timeout():
    """Ends a test that hangs, so one stuck request cannot eat a CI run."""
    if TEST_TIMEOUT <= 0 or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(signum, frame):
        pytest.fail(f"test took longer than {TEST_TIMEOUT} s (TESSERA_E2E_TEST_TIMEOUT)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(TEST_TIMEOUT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- binaries and shared servers --------------------------------------------------------


@pytest.fixture(scope="session")
def tessera_bin() -> str:
    path = os.environ.get("TESSERA_BIN")
    if not path:
        missing("TESSERA_BIN is not set")
    if not os.access(path, os.X_OK):
        missing(f"TESSERA_BIN={path} is not an executable file")
    return path


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("TESSERA_TEST_REDIS_URL")
    if not url:
        missing("TESSERA_TEST_REDIS_URL is not set")
    return url


@pytest.fixture(scope="session")
def redis_sentinel_url() -> str:
    url = os.environ.get("TESSERA_TEST_REDIS_SENTINEL_URL")
    if not url:
        missing("TESSERA_TEST_REDIS_SENTINEL_URL is not set")
    return url


@pytest.fixture(scope="session")
def database_url() -> str:
    url = os.environ.get("TESSERA_TEST_DATABASE_URL")
    if not url:
        missing("TESSERA_TEST_DATABASE_URL is not set")
    return url


# --- processes owned by a test ----------------------------------------------------------


@pytest.fixture
def start_node(request, tessera_bin, tmp_path_factory):
    nodes: list[e2e.Node] = []

    def start(*extra_args: str, data_dir: str | Path | None = None,
              env: dict[str, str] | None = None, port: int | None = None) -> e2e.Node:
        base = tmp_path_factory.mktemp("node")
        node = e2e.Node(tessera_bin, [str(a) for a in extra_args],
                        data_dir=Path(data_dir) if data_dir else base / "data",
                        log_path=base / "tessera.log", port=port, env=env)
        nodes.append(node)
        return node.start()

    yield start
    failed = _failed(request)
    for node in nodes:
        node.stop()
        if failed:
            sys.stdout.write(f"\n--- log of {node!r} ({node.log_path}) ---\n{node.log_tail(80)}\n")


@pytest.fixture
def node(start_node) -> e2e.Node:
    return start_node()


@pytest.fixture
def redis_server(tmp_path_factory):
    binary = e2e.require_binary("redis-server", "/usr/bin/redis-server")
    if not binary:
        missing("redis-server is not installed")
    cli_binary = e2e.require_binary("redis-cli", "/usr/bin/redis-cli")
    servers: list[e2e.RedisServer] = []

    def start(*extra_args: str) -> e2e.RedisServer:
        server = e2e.RedisServer(binary, cli_binary, tmp_path_factory.mktemp("redis"), extra_args)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def nginx(request, tmp_path_factory):
    binary = e2e.require_binary("nginx", "/usr/sbin/nginx")
    if not binary:
        missing("nginx is not installed")
    proxies: list[e2e.Nginx] = []

    def start(upstreams, site: str | None = None, port: int | None = None) -> e2e.Nginx:
        proxy = e2e.Nginx(binary, tmp_path_factory.mktemp("nginx"), upstreams, site=site, port=port)
        proxies.append(proxy)
        return proxy.start()

    yield start
    failed = _failed(request)
    for proxy in proxies:
        proxy.stop()
        if failed:
            sys.stdout.write(f"\n--- nginx error log ---\n{proxy.error_log()[-4000:]}\n")


# --- the operator CLI and the HTTP API --------------------------------------------------


@pytest.fixture
def cli(tessera_bin):
    def run(node_or_data_dir: Any, *args: str, env: dict[str, str] | None = None,
            database_url: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        """`tessera user ARGS --data-dir D [--database-url U] [--config F]`; a Node brings
        its own data folder, database URL and config file."""
        if isinstance(node_or_data_dir, e2e.Node):
            data_dir = node_or_data_dir.data_dir
            database_url = database_url or node_or_data_dir.database_url
            config = node_or_data_dir.config
        else:
            data_dir, config = Path(node_or_data_dir), None
        argv = [tessera_bin, "user", *[str(a) for a in args], "--data-dir", str(data_dir)]
        if database_url:
            argv += ["--database-url", database_url]
        if config:
            argv += ["--config", config]
        return subprocess.run(argv, capture_output=True, text=True, env=e2e.clean_env(env),
                              timeout=timeout, stdin=subprocess.DEVNULL)

    return run


@pytest.fixture
def api(cli):
    def make_admin(node_or_data_dir: Any, database_url: str | None = None) -> tuple[str, str]:
        """Creates a user with role admin through the CLI; returns (username, password)."""
        username, password = e2e.unique_name("admin"), e2e.strong_password()
        done = cli(node_or_data_dir, "create", "--username", username, "--password", password,
                   "--role", "admin", database_url=database_url)
        assert done.returncode == 0, (
            f"tessera user create --role admin failed ({done.returncode}):\n"
            f"{done.stdout}\n{done.stderr}")
        return username, password

    return SimpleNamespace(
        register=e2e.register,
        login=e2e.login,
        bearer=e2e.bearer,
        make_admin=make_admin,
        new_account=e2e.new_account,
        login_token=e2e.login_token,
        get_session=e2e.get_session,
        unique_name=e2e.unique_name,
        strong_password=e2e.strong_password,
        json_body=e2e.json_body,
        assert_error=e2e.assert_error,
        assert_refused=e2e.assert_refused,
    )


# --- browsers -----------------------------------------------------------------------------


@pytest.fixture
def browser():
    """`browser(width=1280, height=900, language="en")` -> a headless Chromium (selenium
    WebDriver) with its own profile, so two of them are two devices; quit at teardown."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing("selenium is not installed")
    chromium = e2e.require_binary("chromium", "/usr/bin/chromium-browser")
    driver_path = e2e.require_binary("chromedriver")
    if not chromium or not driver_path:
        missing("chromium and chromedriver are not installed")
    drivers = []

    def start(width: int = 1280, height: int = 900, language: str = "en"):
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}", f"--lang={language}"):
            options.add_argument(flag)
        options.add_experimental_option("prefs", {"intl.accept_languages": language})
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        driver.set_page_load_timeout(60)
        drivers.append(driver)
        return driver

    yield start
    for driver in drivers:
        driver.quit()
