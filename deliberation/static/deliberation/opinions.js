// Keeps a statements activity's results page current while its session is live: listens to
// the room's log for `opinions.updated` (and moderation) events about this activity and
// reloads the results from the server, which renders the map, the summary and the tables.
const results = document.getElementById("opinion-results");
const status = document.getElementById("opinion-live-status");

if (results && results.dataset.session) {
  const activity = Number(results.dataset.activity);
  let lastSeq = Number(results.dataset.lastSeq || 0);
  let retry = 1000;

  const refresh = async () => {
    const response = await fetch(results.dataset.fragment, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    if (!response.ok) return;
    results.innerHTML = await response.text();
    status.textContent = "Results updated.";
  };

  const connect = () => {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(
      `${scheme}://${window.location.host}/ws/rooms/${results.dataset.session}/?since=${lastSeq}`,
    );
    socket.addEventListener("open", () => {
      retry = 1000;
      status.textContent = "These results update as people vote.";
    });
    socket.addEventListener("message", (frame) => {
      let message;
      try {
        message = JSON.parse(frame.data);
      } catch {
        return;
      }
      if (typeof message.seq === "number") lastSeq = Math.max(lastSeq, message.seq);
      const ours = message.activity === activity;
      if (ours && (message.type === "opinions.updated" || message.type === "statement.moderated")) {
        refresh();
      }
    });
    socket.addEventListener("close", (event) => {
      if (event.code === 4403 || event.code === 4404) return;
      status.textContent = "Live updates paused; reconnecting.";
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  };

  connect();
}
