"""The pages people use, in a real headless Chromium and with plain HTTP posts: register,
verify by the link from the dev outbox, log in, see the devices, revoke one from a second
browser; the password form without script; code login with script; `next` refusing other
origins; forms without their token refused; both languages."""

from __future__ import annotations

import re
import secrets

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

import tessera_e2e as e2e


def outbox(node, to):
    answer = requests.get(f"{node.url}/dev/outbox", params={"to": to}, timeout=30)
    assert answer.status_code == 200
    return answer.json()["messages"]


def wait_until(driver, condition, timeout=30):
    return WebDriverWait(driver, timeout).until(condition)


def submit(driver, form_css, **fields):
    form = driver.find_element(By.CSS_SELECTOR, form_css)
    for name, value in fields.items():
        field = form.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def login_in_browser(driver, node, login, password):
    driver.get(f"{node.url}/login")
    submit(driver, "#password-form", login=login, password=password)
    wait_until(driver, EC.url_to_be(f"{node.url}/account"))


def form_token(session, url):
    page = session.get(url, timeout=30)
    assert page.status_code == 200
    return re.search(r'name="csrf" value="([0-9a-z]{32})"', page.text).group(1)


def test_register_verify_login_and_revoke_from_another_browser(node, browser):
    tag = secrets.token_hex(4)
    username, email, password = f"ada_{tag}", f"ada_{tag}@example.test", e2e.strong_password()
    first = browser()
    first.get(f"{node.url}/register")
    submit(first, "form[action='/register']", username=username, email=email, password=password)
    wait_until(first, EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Check your e-mail"))

    [message] = outbox(node, email)
    link = re.search(r"https?://\S+/verify-email\?token=[A-Za-z0-9_-]+", message["text"]).group(0)
    first.get(link)
    assert first.find_element(By.TAG_NAME, "h1").text == "E-mail address verified"
    assert email in first.find_element(By.TAG_NAME, "main").text

    login_in_browser(first, node, username, password)
    assert first.find_element(By.ID, "profile-username").text == username
    profile = first.find_element(By.CSS_SELECTOR, ".profile").text
    assert f"{email} (verified)" in profile and "nil" not in profile
    assert len(first.find_elements(By.CSS_SELECTOR, "#devices .device")) == 1

    second = browser()
    login_in_browser(second, node, email, password)
    devices = second.find_elements(By.CSS_SELECTOR, "#devices .device")
    assert len(devices) == 2
    [other] = [d for d in devices if not d.find_elements(By.CSS_SELECTOR, ".badge")]
    other.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until(second, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".notice"), "That device is signed out."))
    assert len(second.find_elements(By.CSS_SELECTOR, "#devices .device")) == 1

    first.get(f"{node.url}/account")
    wait_until(first, EC.url_contains("/login?"))
    assert "next=%2Faccount" in first.current_url
    assert first.find_element(By.CSS_SELECTOR, ".notice").text == "You were signed out from another device."


def test_email_code_tab_logs_in_with_script(node, browser, cli):
    tag = secrets.token_hex(4)
    email = f"bo_{tag}@example.test"
    # Created by the operator command, so no verification message holds the address's send limit.
    created = cli(node, "create", "--username", f"bo_{tag}", "--password", e2e.strong_password(), "--email", email)
    assert created.returncode == 0, created.stderr
    driver = browser()
    driver.get(f"{node.url}/login?next=/account")
    driver.find_element(By.ID, "tab-email").click()
    panel = driver.find_element(By.ID, "panel-email")
    assert panel.is_displayed() and not driver.find_element(By.ID, "panel-password").is_displayed()
    panel.find_element(By.NAME, "to").send_keys(email)
    send = panel.find_element(By.CSS_SELECTOR, ".send-code")
    send.click()
    wait_until(driver, lambda d: not send.is_enabled() and "Send again in" in send.text)
    wait_until(driver, lambda d: [m for m in outbox(node, email) if m["kind"] == "login-code"])
    [code_message] = [m for m in outbox(node, email) if m["kind"] == "login-code"]
    code = re.search(r"\b[0-9]{6}\b", code_message["text"]).group(0)
    panel.find_element(By.NAME, "code").send_keys(code)
    panel.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until(driver, EC.url_to_be(f"{node.url}/account"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "#devices .device")) == 1


def test_password_form_works_without_script(node):
    tag = secrets.token_hex(4)
    password = e2e.strong_password()
    assert requests.post(f"{node.url}/api/accounts", json={"username": f"cy_{tag}", "password": password},
                         timeout=30).status_code == 201
    session = requests.Session()
    csrf = form_token(session, f"{node.url}/login?next=/account%3Ftab%3D1")
    page = session.get(f"{node.url}/login", timeout=30)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert page.headers["Referrer-Policy"] == "same-origin", "no-referrer would make browsers send Origin: null"
    wrong = session.post(f"{node.url}/login", data={"csrf": csrf, "login": f"cy_{tag}", "password": "nope-nope",
                                                    "next": "/account"}, allow_redirects=False, timeout=30)
    assert wrong.status_code == 401 and "The login or the password is wrong." in wrong.text
    assert f'value="cy_{tag}"' in wrong.text
    answer = session.post(f"{node.url}/login", data={"csrf": csrf, "login": f"cy_{tag}", "password": password,
                                                     "next": "/account?tab=1"}, allow_redirects=False, timeout=30)
    assert answer.status_code == 303 and answer.headers["Location"] == "/account?tab=1"
    assert "tessera_session" in session.cookies
    assert session.get(f"{node.url}/api/session", timeout=30).json()["user"]["username"] == f"cy_{tag}"
    # A live session opening /login goes straight on to next.
    again = session.get(f"{node.url}/login", params={"next": "/account"}, allow_redirects=False, timeout=30)
    assert again.status_code == 302 and again.headers["Location"] == "/account"

    logout = session.post(f"{node.url}/logout", data={"csrf": csrf}, allow_redirects=False, timeout=30)
    assert logout.status_code == 303 and '"cookies"' in logout.headers["Clear-Site-Data"]
    assert session.get(f"{node.url}/api/session", timeout=30).json()["error"]["code"] in ("LOGGED_OUT", "NOT_LOGGED_IN")


def test_next_never_leaves_the_site(node):
    tag = secrets.token_hex(4)
    password = e2e.strong_password()
    requests.post(f"{node.url}/api/accounts", json={"username": f"di_{tag}", "password": password}, timeout=30)
    hostile = ["//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
               "/%2F%2Fevil.example", "/%5Cevil.example", "%2F%2Fevil.example", "/\t/evil.example",
               " //evil.example", "evil.example", "/%252F%252Fevil.example"]
    for target in hostile:
        page = requests.get(f"{node.url}/login", params={"next": target}, timeout=30)
        assert 'name="next" value="/account"' in page.text, target
    session = requests.Session()
    csrf = form_token(session, f"{node.url}/login")
    for target in hostile:
        answer = session.post(f"{node.url}/login", data={"csrf": csrf, "login": f"di_{tag}", "password": password,
                                                         "next": target}, allow_redirects=False, timeout=30)
        assert answer.status_code == 303 and answer.headers["Location"] == "/account", target
        live = session.get(f"{node.url}/login", params={"next": target}, allow_redirects=False, timeout=30)
        assert live.status_code == 302 and live.headers["Location"] == "/account", target


def test_forms_without_their_token_are_refused(node):
    tag = secrets.token_hex(4)
    password = e2e.strong_password()
    requests.post(f"{node.url}/api/accounts", json={"username": f"ed_{tag}", "password": password}, timeout=30)
    stranger = requests.Session()
    refused = stranger.post(f"{node.url}/login", data={"login": f"ed_{tag}", "password": password},
                            allow_redirects=False, timeout=30)
    assert refused.status_code == 403 and "tessera_session" not in refused.cookies
    forged = stranger.post(f"{node.url}/register", data={"csrf": "a" * 32, "username": f"eve_{tag}",
                                                         "password": password}, allow_redirects=False, timeout=30)
    assert forged.status_code == 403
    assert requests.post(f"{node.url}/api/login", json={"method": "password", "login": f"eve_{tag}",
                                                        "password": password}, timeout=30).status_code == 401

    session = requests.Session()
    csrf = form_token(session, f"{node.url}/login")
    session.post(f"{node.url}/login", data={"csrf": csrf, "login": f"ed_{tag}", "password": password}, timeout=30)
    other = requests.post(f"{node.url}/api/login", json={"method": "password", "login": f"ed_{tag}",
                                                         "password": password}, timeout=30).json()["session"]["id"]
    no_token = session.post(f"{node.url}/account/sessions/{other}/revoke", data={}, allow_redirects=False, timeout=30)
    assert no_token.status_code == 403
    cross_site = session.post(f"{node.url}/account/sessions/{other}/revoke", data={"csrf": csrf},
                              headers={"Origin": "https://evil.example"}, allow_redirects=False, timeout=30)
    assert cross_site.status_code == 403
    assert len(session.get(f"{node.url}/api/sessions", timeout=30).json()["sessions"]) == 2
    done = session.post(f"{node.url}/account/sessions/{other}/revoke", data={"csrf": csrf}, allow_redirects=False,
                        timeout=30)
    assert done.status_code == 303
    assert len(session.get(f"{node.url}/api/sessions", timeout=30).json()["sessions"]) == 1


def test_both_languages_render(node, browser):
    english = requests.get(f"{node.url}/login", headers={"Accept-Language": "en-US,en;q=0.9"}, timeout=30)
    assert '<html lang="en">' in english.text and "<h1>Log in</h1>" in english.text
    chinese = requests.get(f"{node.url}/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}, timeout=30)
    assert '<html lang="zh-Hans">' in chinese.text and "<h1>登录</h1>" in chinese.text
    switched = requests.Session()
    assert "<h1>创建账户</h1>" in switched.get(f"{node.url}/register", params={"lang": "zh-Hans"}, timeout=30).text
    assert "<h1>登录</h1>" in switched.get(f"{node.url}/login", timeout=30).text, "the switch is remembered"
    error = requests.post(f"{node.url}/api/login", json={"method": "password", "login": "nobody", "password": "x" * 9},
                          headers={"Accept-Language": "zh-CN"}, timeout=30).json()["error"]
    assert error == {"code": "BAD_CREDENTIALS", "message": "账号或密码错误。"}

    driver = browser(language="zh-CN")
    driver.get(f"{node.url}/login")
    assert driver.find_element(By.TAG_NAME, "h1").text == "登录"
    driver.find_element(By.CSS_SELECTOR, "a.lang").click()
    wait_until(driver, EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Log in"))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"


def test_admin_page_finds_kicks_out_disables_and_sets_roles(node, api):
    admin_name, admin_password = api.make_admin(node)
    tag = secrets.token_hex(4)
    password = e2e.strong_password()
    created = requests.post(f"{node.url}/api/accounts", json={"username": f"fay_{tag}", "password": password},
                            timeout=30).json()["user"]
    target = requests.post(f"{node.url}/api/login", json={"method": "password", "login": f"fay_{tag}",
                                                          "password": password}, timeout=30).json()["token"]

    def login(name, secret):
        session = requests.Session()
        csrf = form_token(session, f"{node.url}/login")
        session.post(f"{node.url}/login", data={"csrf": csrf, "login": name, "password": secret}, timeout=30)
        return session, csrf

    plain, _ = login(f"fay_{tag}", password)
    assert plain.get(f"{node.url}/admin", timeout=30).status_code == 403

    admin, csrf = login(admin_name, admin_password)
    page = admin.get(f"{node.url}/admin", params={"query": f"fay_{tag}", "user": created["id"]}, timeout=30)
    assert page.status_code == 200 and f"fay_{tag}" in page.text and "python-requests" in page.text

    def act(action, **fields):
        return admin.post(f"{node.url}/admin/users/{created['id']}/{action}", data={"csrf": csrf, **fields},
                          allow_redirects=False, timeout=30)

    assert act("kickout").status_code == 303
    refused = requests.get(f"{node.url}/api/session", headers={"Authorization": f"Bearer {target}"}, timeout=30)
    assert refused.json()["error"]["code"] == "KICKED_OUT"
    assert act("disable").status_code == 303
    assert requests.post(f"{node.url}/api/login", json={"method": "password", "login": f"fay_{tag}",
                                                        "password": password}, timeout=30).status_code == 403
    assert act("enable").status_code == 303
    assert act("roles", roles="editor, support").status_code == 303
    [found] = admin.get(f"{node.url}/api/admin/users", params={"query": f"fay_{tag}"}, timeout=30).json()["users"]
    assert sorted(found["roles"]) == ["editor", "support"]
    assert admin.post(f"{node.url}/admin/users/{created['id']}/disable", data={}, allow_redirects=False,
                      timeout=30).status_code == 403
