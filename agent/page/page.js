// The status page, once loaded: the HTML is rendered by the agent and is whole without this
// script. Here it stays live: every status event re-reads the page and swaps <main>, the
// token's countdown ticks, the hubs are probed, and the buttons post without a reload. When the
// agent restarts, the stream fails; the page is then fetched again, which also brings a new
// page session cookie.
"use strict";

const texts = JSON.parse(document.getElementById("texts").textContent);

function countdown() {
  const expiry = document.getElementById("token-expiry");
  const left = document.getElementById("expires-in");
  if (!expiry || !left || !expiry.dataset.expires) return;
  const seconds = Math.round((Date.parse(expiry.dataset.expires) - Date.now()) / 1000);
  if (seconds <= 0) {
    left.textContent = texts.expired;
    return;
  }
  const minutes = Math.floor(seconds / 60);
  left.textContent = texts.expires_in.replace("{minutes}", String(minutes)).replace("{seconds}", String(seconds % 60));
}

async function refresh() {
  const answer = await fetch("/", { credentials: "same-origin", cache: "no-store" });
  if (!answer.ok) throw new Error("status page: HTTP " + answer.status);
  const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
  document.querySelector("main").replaceWith(fresh.querySelector("main"));
  wireButtons();
  countdown();
  probeHubs();
}

async function probeHubs() {
  const cells = document.querySelectorAll("[data-hub]");
  if (cells.length === 0) return;
  try {
    const answer = await fetch("/page/v1/hubs", { credentials: "same-origin", cache: "no-store" });
    const hubs = await answer.json();
    for (const cell of document.querySelectorAll("[data-hub]")) {
      const hub = hubs[cell.dataset.hub];
      if (!hub) continue;
      cell.textContent = hub.answers ? texts.hub_answers : texts.hub_silent + " " + hub.detail;
      cell.className = hub.answers ? "ok" : "fail";
    }
  } catch (e) {
    // the next refresh tries again
  }
}

function wireButtons() {
  for (const form of document.querySelectorAll("form[data-action]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button");
      button.disabled = true;
      if (form.dataset.action === "login") button.textContent = texts.waiting_for_pin;
      const notice = document.getElementById("notice");
      try {
        const answer = await fetch(form.action, {
          // A refusal's detail comes back in the page's language, not the browser's.
          method: "POST", credentials: "same-origin",
          headers: { "X-Ehagent-Page": "fetch", "Accept-Language": document.documentElement.lang },
        });
        notice.textContent = answer.ok ? "" : (await answer.json()).detail;
      } catch (e) {
        notice.textContent = texts.agent_unreachable;
      }
      await refresh().catch(() => {});
    });
  }
}

function listen() {
  const stream = new EventSource("/page/v1/events");
  for (const name of ["status.readers", "status.practitioner", "status.session", "session.login_failed"]) {
    stream.addEventListener(name, () => refresh().catch(() => {}));
  }
  stream.onerror = () => {
    if (stream.readyState !== EventSource.CLOSED) return;  // it reconnects by itself
    // Refused (a restarted agent does not know this page's cookie): load the page again.
    setTimeout(() => refresh().then(listen, () => setTimeout(listen, 2000)), 1000);
  };
}

wireButtons();
countdown();
probeHubs();
setInterval(countdown, 1000);
setInterval(probeHubs, 60000);
listen();
