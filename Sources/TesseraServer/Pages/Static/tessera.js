// The pages' only script: login tabs, and logging in with an SMS or e-mail code through
// the JSON API (/api/codes, then /api/login). Everything else works without it.
"use strict";

(function () {
  const tablist = document.querySelector("[role=tablist]");
  if (!tablist) return;
  const tabs = Array.from(tablist.querySelectorAll("[role=tab]"));
  tablist.hidden = false;

  function select(tab) {
    for (const other of tabs) {
      const chosen = other === tab;
      other.setAttribute("aria-selected", String(chosen));
      other.tabIndex = chosen ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !chosen;
    }
    tab.focus();
  }

  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) select(tabs[(index + step + tabs.length) % tabs.length]);
    });
  });

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const text = await response.text();
    return { ok: response.ok, data: text ? JSON.parse(text) : {} };
  }

  function countdown(button, form, seconds) {
    const label = button.textContent;
    button.disabled = true;
    const tick = () => {
      if (seconds <= 0) {
        button.disabled = false;
        button.textContent = label;
        return;
      }
      button.textContent = form.dataset.resend.replace("{s}", String(seconds));
      seconds -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  }

  for (const form of document.querySelectorAll(".code-form")) {
    const channel = form.dataset.channel;
    const status = form.querySelector(".status");
    const send = form.querySelector(".send-code");

    send.addEventListener("click", async () => {
      const to = form.elements.to.value.trim();
      if (!to) { form.elements.to.focus(); return; }
      const result = await post("/api/codes", { channel, to, purpose: "login" });
      if (result.ok) {
        status.textContent = form.dataset.sent;
        countdown(send, form, result.data.resendAfter || 60);
        form.elements.code.focus();
      } else {
        status.textContent = result.data.error ? result.data.error.message : "";
      }
    });

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { method: channel, code: form.elements.code.value.trim(), device: "web" };
      body[channel === "sms" ? "phone" : "email"] = form.elements.to.value.trim();
      const result = await post("/api/login", body);
      if (result.ok) {
        window.location.assign(form.dataset.next);
      } else {
        status.textContent = result.data.error ? result.data.error.message : "";
      }
    });
  }
})();
