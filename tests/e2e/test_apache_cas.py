"""Apache httpd with mod_auth_cas (Debian's libapache2-mod-auth-cas) protects a page with
Tessera as its CAS server: a browser is sent to the login form and back, Apache validates
the ticket itself, and Tessera's single-logout request ends Apache's own session."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
import requests

import tessera_e2e as e2e
from cas_helpers import config_file
from conftest import missing

MODULES = Path("/usr/lib/apache2/modules")

HTTPD_CONF = """\
ServerName 127.0.0.1
Listen {host}:{port}
PidFile {dir}/httpd.pid
ErrorLog {dir}/error.log
LogLevel warn auth_cas:debug
{user}
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authn_core_module {modules}/mod_authn_core.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule authz_user_module {modules}/mod_authz_user.so
LoadModule auth_cas_module {modules}/mod_auth_cas.so
DocumentRoot {dir}/htdocs
<Directory />
    AllowOverride None
</Directory>
CASCookiePath {dir}/cas/
CASLoginURL {tessera}/cas/login
CASValidateURL {tessera}/cas/serviceValidate
CASSSOEnabled On
CASDebug On
<Location /protected>
    AuthType CAS
    Require valid-user
</Location>
"""


@pytest.fixture
def apache(tmp_path_factory):
    binary = e2e.require_binary("apache2", "/usr/sbin/apache2")
    if not binary or not (MODULES / "mod_auth_cas.so").exists():
        missing("apache2 with mod_auth_cas is not installed")
    groups: list[e2e.ProcessGroup] = []
    directories: list[Path] = []

    def start(tessera_url: str, port: int) -> Path:
        # Not under pytest's folder: Apache serves as www-data, which cannot enter it.
        directory = Path(tempfile.mkdtemp(prefix="tessera-apache-"))
        directories.append(directory)
        (directory / "htdocs" / "protected").mkdir(parents=True)
        (directory / "htdocs" / "protected" / "index.html").write_text("the protected page\n")
        (directory / "cas").mkdir()
        user = ""
        if os.geteuid() == 0:
            # Apache serves as www-data; its CAS cookie cache must be writable by that user.
            user = "User www-data\nGroup www-data"
            shutil.chown(directory / "cas", "www-data", "www-data")
            directory.chmod(0o755)
        conf = directory / "httpd.conf"
        conf.write_text(HTTPD_CONF.format(host=e2e.HOST, port=port, dir=directory, user=user,
                                          modules=MODULES, tessera=tessera_url))
        group = e2e.ProcessGroup([binary, "-f", str(conf), "-DFOREGROUND"], directory / "httpd.out")
        groups.append(group)
        group.start()

        def listening() -> bool:
            if not group.running:
                pytest.fail(f"apache exited\n{group.log_text()}\n{_read(directory / 'error.log')}", pytrace=False)
            try:
                with socket.create_connection((e2e.HOST, port), timeout=1):
                    return True
            except OSError:
                return False

        assert e2e.wait_for(listening, 30), _read(directory / "error.log")
        return directory

    yield start
    for group in groups:
        group.stop()
    for directory in directories:
        shutil.rmtree(directory, ignore_errors=True)


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def test_mod_auth_cas_signs_in_through_tessera_and_hears_single_logout(start_node, apache, tmp_path):
    port = e2e.free_port()
    page = f"http://{e2e.HOST}:{port}/protected/index.html"
    config = config_file(tmp_path, [{"id": "apache", "serviceUrl": f"http://{e2e.HOST}:{port}/protected",
                                     "singleLogout": True}])
    node = start_node("--config", str(config))
    directory = apache(node.url, port)
    account = e2e.new_account(node.url, "apache")
    browser = requests.Session()

    first = browser.get(page, allow_redirects=False, timeout=e2e.TIMEOUT)
    assert first.status_code == 302, first.text
    assert first.headers["Location"].startswith(f"{node.url}/cas/login?service=")
    form = browser.get(first.headers["Location"], timeout=e2e.TIMEOUT)
    assert form.status_code == 200, form.text
    csrf = form.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    service = form.text.split('name="service" value="', 1)[1].split('"', 1)[0]
    assert service == page
    signed_in = browser.post(f"{node.url}/cas/login", timeout=e2e.TIMEOUT, data={
        "username": account.username, "password": account.password, "service": service, "csrf": csrf})
    assert signed_in.status_code == 200, f"{signed_in.status_code} {signed_in.text}\n{_read(directory / 'error.log')}"
    assert signed_in.text == "the protected page\n"
    assert "MOD_AUTH_CAS" in browser.cookies
    # Apache's own session now answers without asking Tessera again.
    assert browser.get(page, allow_redirects=False, timeout=e2e.TIMEOUT).status_code == 200

    browser.get(f"{node.url}/cas/logout", timeout=e2e.TIMEOUT)

    def apache_forgot() -> bool:
        return browser.get(page, allow_redirects=False, timeout=e2e.TIMEOUT).status_code == 302

    assert e2e.wait_for(apache_forgot, 30, interval=0.5), _read(directory / "error.log")[-3000:]
