// Report progress by server-sent events; the block also polls by itself (hx-trigger "every 2s") wherever
// the events do not arrive (old browsers, proxies that buffer).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("job");
  if (!box || !window.EventSource) return;
  const events = new EventSource(box.dataset.events);
  events.onmessage = () => {
    const progress = document.getElementById("job-progress");
    if (progress) htmx.ajax("GET", box.dataset.poll, { target: progress, swap: "outerHTML" });
  };
  events.onerror = () => events.close();
});
