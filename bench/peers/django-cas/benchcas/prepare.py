"""Before the server starts: creates the database, the bench user and the service pattern.
Once it runs: signs the user in through the CAS login form and prints the session cookie
(name=value). The password comes from BENCH_PASSWORD.

    python -m benchcas.prepare setup SERVICE_REGEX
    python -m benchcas.prepare sign-in BASE_URL
"""
import os
import re
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchcas.settings")


def setup(pattern):
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from cas_server.models import ServicePattern

    call_command("migrate", verbosity=0, interactive=False)
    User.objects.create_user("bench", password=os.environ["BENCH_PASSWORD"])
    ServicePattern.objects.create(pos=0, name="bench", pattern=pattern)


def sign_in(base):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/cas/login", timeout=30).read().decode()
    fields = {name: re.search(r'name="%s" value="([^"]*)"' % name, page).group(1)
              for name in ("csrfmiddlewaretoken", "lt")}
    fields.update(username="bench", password=os.environ["BENCH_PASSWORD"])
    answer = opener.open(urllib.request.Request(
        base + "/cas/login", data=urllib.parse.urlencode(fields).encode(),
        headers={"Referer": base + "/cas/login"}), timeout=30).read().decode()
    session = next((cookie for cookie in jar if cookie.name == "sessionid"), None)
    if session is None or 'name="password"' in answer:
        sys.exit("signing in through /cas/login failed")
    return f"{session.name}={session.value}"


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(sys.argv[2])
    else:
        print(sign_in(sys.argv[2]))
