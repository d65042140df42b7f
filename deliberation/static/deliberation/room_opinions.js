// The live room's statements panel: the current item's next statement to vote on, and a
// compact summary of where people agree. The server renders both (`?part=vote|summary`);
// this module fetches them, votes without leaving the room, and refreshes the summary when the
// room (room.js, through the `room:message` event) hears `opinions.updated`. A refresh never
// replaces the part that has keyboard focus; the outcome is announced politely.
const panel = document.getElementById("room-opinions");

if (panel && panel.dataset.url) {
  const url = panel.dataset.url;
  let staleVote = false;

  const fetchPart = async (part) => {
    const response = await fetch(part ? `${url}?part=${part}` : url, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    if (!response.ok) throw new Error(String(response.status));
    return response.text();
  };

  const say = (text) => {
    const status = document.getElementById("room-opinions-status");
    if (status) status.textContent = text;
  };

  const replace = async (id, part) => {
    const target = document.getElementById(id);
    if (!target) return load();
    target.innerHTML = await fetchPart(part);
    return true;
  };

  const load = async () => {
    try {
      panel.innerHTML = await fetchPart("");
      staleVote = false;
    } catch {
      // Keep the plain link the page was served with.
    }
  };

  const refreshVote = async () => {
    const target = document.getElementById("room-opinions-vote");
    if (target && target.contains(document.activeElement)) {
      staleVote = true; // refreshed when focus leaves, so nothing is pulled from under a key
      return;
    }
    staleVote = false;
    await replace("room-opinions-vote", "vote");
  };

  panel.addEventListener("focusout", (event) => {
    if (!staleVote) return;
    const target = document.getElementById("room-opinions-vote");
    if (target && !target.contains(event.relatedTarget)) refreshVote();
  });

  panel.addEventListener("submit", async (event) => {
    const form = event.target.closest("form.app-room-opinions__vote");
    if (!form) return;
    event.preventDefault();
    // (form.action would be the input named "action", not the attribute.)
    const data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.set(event.submitter.name, event.submitter.value);
    }
    const buttons = form.querySelectorAll("button");
    buttons.forEach((button) => { button.disabled = true; });
    try {
      const response = await fetch(form.getAttribute("action"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      if (!response.ok) throw new Error(String(response.status));
      document.getElementById("room-opinions-heading").focus();
      staleVote = false;
      await replace("room-opinions-vote", "vote");
      say("Your vote is saved.");
    } catch {
      buttons.forEach((button) => { button.disabled = false; });
      say("Your vote was not saved. Please try again.");
    }
  });

  document.addEventListener("room:message", async (event) => {
    const message = event.detail || {};
    try {
      if (message.type === "agenda.moved") {
        await load();
      } else if (message.type === "opinions.updated") {
        if (await replace("room-opinions-summary", "summary")) {
          say("Statements summary updated.");
        }
      } else if (message.type === "statement.created" || message.type === "statement.moderated") {
        await refreshVote();
      }
    } catch {
      // The next event tries again.
    }
  });

  load();
}
