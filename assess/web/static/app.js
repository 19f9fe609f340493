// Two things htmx does not do by itself.
//
// 1. Nothing typed is lost offline: an answer whose save could not be sent (no network) is kept in this
//    browser (localStorage) and sent when the network returns or the page is opened again. A save is a PUT
//    of the whole value, so sending it again never counts twice.
// 2. Report progress by server-sent events; the progress block also polls by itself (hx-trigger "every 2s")
//    wherever the events do not arrive (old browsers, proxies that buffer).
const PENDING = "assess-pending-answers";

function pending() {
  try { return JSON.parse(localStorage.getItem(PENDING) || "{}"); } catch (e) { return {}; }
}

function csrfToken() {
  try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"]; } catch (e) { return null; }
}

function showStatus(form, text, kind) {
  const status = form && form.querySelector(".status");
  if (status) { status.textContent = text; status.className = "status " + kind; }
}

async function sendPending() {
  const kept = pending();
  const token = csrfToken();
  if (!token || !navigator.onLine) return;
  for (const [url, body] of Object.entries(kept)) {
    try {
      const response = await fetch(url, { method: "PUT", body, credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": token, "HX-Request": "true" } });
      if (response.status >= 500) continue;  // try again later
      delete kept[url];
      const form = document.querySelector(`form[hx-put="${url}"]`);
      if (form) {
        const status = form.querySelector(".status");
        if (status) status.innerHTML = await response.text();
      }
    } catch (e) { /* still offline: keep it */ }
  }
  localStorage.setItem(PENDING, JSON.stringify(kept));
}

document.addEventListener("htmx:sendError", (event) => {
  const form = event.detail.elt.closest("form.question");
  if (!form) return;
  const kept = pending();
  kept[form.getAttribute("hx-put")] = new URLSearchParams(new FormData(form)).toString();
  localStorage.setItem(PENDING, JSON.stringify(kept));
  showStatus(form, document.documentElement.lang === "en"
    ? "Offline: kept in this browser, saved when the network returns"
    : "未联网：已暂存在本机，联网后自动保存", "offline");
});

window.addEventListener("online", sendPending);

document.addEventListener("DOMContentLoaded", () => {
  sendPending();
  const box = document.getElementById("job");
  if (!box || !window.EventSource) return;
  const events = new EventSource(box.dataset.events);
  events.onmessage = () => {
    const progress = document.getElementById("job-progress");
    if (progress) htmx.ajax("GET", box.dataset.poll, { target: progress, swap: "outerHTML" });
  };
  events.onerror = () => events.close();
});
