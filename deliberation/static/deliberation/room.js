// The live room (protocol: docs/protocol.md, version 3). The page is already readable without
// this module: it adds live updates, the compose box, hands, polls and facilitator controls.
// New contributions go into the stream, a polite live region (role="log"), and focus never
// moves unless the person asked for it. After a dropped connection it reconnects with
// ?since=<last seq seen>, so nothing is missed and nothing is shown twice.

const root = document.getElementById("room");
if (root && root.dataset.status === "live") {
  startRoom(root);
}

function startRoom(root) {
  const text = document.getElementById("room-strings").dataset;
  const sessionId = root.dataset.session;
  const el = (id) => document.getElementById(id);
  const stream = el("room-stream");
  const announcer = el("room-announcer");
  const connection = el("room-connection");

  let lastSeq = Number(root.dataset.lastSeq || 0);
  let role = root.dataset.role;
  let you = null;
  let socket = null;
  let attempts = 0;
  let ended = false;
  // Messages sent but not yet acknowledged, resent after a reconnect with the same client_id
  // (the server recognises the retry and does not act twice).
  const pending = new Map();
  const present = new Map();
  const muted = new Set();
  let hands = [];
  const polls = new Map();

  // The reader's Easy Read choice as the page was rendered (coproduce/easy_read.py).
  const easyRead = root.dataset.easyRead === "on";
  const canTakePart = role === "member" || role === "facilitator";
  const isFacilitator = () => role === "facilitator";

  function clientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
  }

  function announce(message) {
    announcer.textContent = "";
    window.setTimeout(() => {
      announcer.textContent = message;
    }, 50);
  }

  function setConnection(message) {
    if (connection) connection.textContent = message;
  }

  function send(type, fields = {}, { withId = false } = {}) {
    const message = { type, ...fields };
    if (withId) {
      message.client_id = clientId();
      pending.set(message.client_id, message);
    }
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
    }
    return message.client_id;
  }

  // --- Connection ------------------------------------------------------------------------

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(
      `${scheme}://${window.location.host}/ws/rooms/${sessionId}/?since=${lastSeq}`,
    );
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      handle(message);
    });
    socket.addEventListener("close", () => {
      if (ended) return;
      setConnection(text.reconnecting);
      attempts += 1;
      const delay = Math.min(15000, 1000 * 2 ** Math.min(attempts - 1, 4));
      window.setTimeout(connect, delay + Math.random() * 500);
    });
  }

  function handle(message) {
    // Other modules of the room page (room_opinions.js) listen for the room's messages here.
    document.dispatchEvent(new CustomEvent("room:message", { detail: message }));
    switch (message.type) {
      case "welcome":
        return welcome(message);
      case "ack":
        return acknowledged(message);
      case "error":
        return failed(message);
      case "presence.joined":
      case "presence.left":
        // Protocol 3: presence is not logged (no seq); a batch of people who came or went.
        // An old session's log may still hold logged ones (with a seq): history, not now.
        if (Array.isArray(message.users)) return presenceChanged(message);
        if (typeof message.seq === "number" && message.seq > lastSeq) lastSeq = message.seq;
        return undefined;
      default:
        if (typeof message.seq !== "number" || message.seq <= lastSeq) return undefined;
        lastSeq = message.seq;
        return apply(message);
    }
  }

  function welcome(message) {
    attempts = 0;
    you = message.you;
    role = you.role;
    setConnection(text.connected);
    const state = message.state;
    for (const item of state.agenda || []) showItemTitle(item);
    setCurrentItem(state.current_item);
    present.clear();
    for (const person of state.present) present.set(person.id, person.name);
    muted.clear();
    for (const id of state.muted) muted.add(id);
    hands = state.hands.map((hand) => ({ id: hand.id, name: hand.name }));
    for (const poll of state.polls) ensurePoll(poll);
    renderPresent();
    renderHands();
    renderMuteButtons();
    showCalled(false);
    for (const item of stream.querySelectorAll("li[data-seq]")) addRemoveButton(item);
    showControls();
    for (const retry of pending.values()) socket.send(JSON.stringify(retry));
  }

  function acknowledged(message) {
    const sent = pending.get(message.client_id);
    pending.delete(message.client_id);
    if (sent && sent.type === "contribution.create") {
      const box = el("compose-text");
      if (box && box.value.trim() === sent.text) box.value = "";
      showComposeError("");
    }
  }

  function failed(message) {
    const sent = message.client_id ? pending.get(message.client_id) : null;
    if (message.client_id) pending.delete(message.client_id);
    if (sent && sent.type === "contribution.create") {
      showComposeError(message.message);
    } else {
      announce(message.message);
    }
  }

  // --- Events ----------------------------------------------------------------------------

  function presenceChanged(message) {
    for (const person of message.users) {
      if (message.type === "presence.joined") present.set(person.id, person.name);
      else present.delete(person.id);
    }
    renderPresent();
    renderMuteButtons();
  }

  function apply(event) {
    switch (event.type) {
      case "contribution.created":
        addContribution(event);
        break;
      case "contribution.removed":
        markRemoved(event.target);
        break;
      case "hand.raised":
        if (!hands.some((hand) => hand.id === event.user.id)) hands.push(event.user);
        renderHands();
        break;
      case "hand.lowered":
      case "hand.called":
        hands = hands.filter((hand) => hand.id !== event.user.id);
        renderHands();
        if (event.type === "hand.called") {
          const mine = Boolean(you && event.user.id === you.id);
          showCalled(mine);
          announce(mine ? text.yourTurn : `${text.called} ${event.user.name}`);
        } else if (you && event.user.id === you.id) {
          showCalled(false);
        }
        break;
      case "agenda.moved":
      case "session.started":
        if (event.item) {
          showItemTitle(event.item);
          setCurrentItem(event.item.id);
          announce(`${text.agendaNow}: ${itemTitle(event.item)}`);
        }
        break;
      case "poll.opened":
        ensurePoll({
          id: event.poll,
          question: event.question,
          choices: event.choices,
          // Results stay hidden until the poll closes unless the facilitator chose "live".
          counts: event.show_results === "live" ? event.choices.map(() => 0) : null,
          total: 0,
          open: true,
        });
        announce(`${text.pollOpened}: ${event.question}`);
        break;
      case "poll.tally":
      case "poll.closed": {
        const poll = polls.get(event.poll);
        if (poll) {
          if (Array.isArray(event.counts)) poll.counts = event.counts;
          if (typeof event.total === "number") poll.total = event.total;
          if (event.type === "poll.closed") poll.open = false;
          ensurePoll(poll);
        }
        break;
      }
      case "participant.muted":
      case "participant.unmuted":
        if (event.type === "participant.muted") muted.add(event.user.id);
        else muted.delete(event.user.id);
        hands = hands.filter((hand) => !muted.has(hand.id));
        renderHands();
        renderMuteButtons();
        if (you && event.user.id === you.id) {
          announce(event.type === "participant.muted" ? text.muted : text.unmuted);
          showControls();
        }
        break;
      case "session.ended":
        endRoom();
        break;
      default:
        break;
    }
  }

  // --- Rendering -------------------------------------------------------------------------

  function addContribution(event) {
    if (stream.querySelector(`li[data-seq="${event.seq}"]`)) return;
    const item = el("contribution-template").content.firstElementChild.cloneNode(true);
    item.dataset.seq = String(event.seq);
    item.id = `contribution-${event.seq}`;
    item.querySelector("strong").textContent = event.actor ? event.actor.name : "";
    const time = item.querySelector("time");
    time.dateTime = event.at;
    time.textContent = new Date(event.at).toLocaleTimeString("en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      timeZone: "Europe/London",
    });
    const body = item.querySelector(".coproduce-contribution__text");
    if (event.removed) {
      body.className = "coproduce-contribution__removed";
      body.textContent = text.removed;
    } else {
      // Made safe on the server (escaped, links with rel="nofollow noopener"; docs/protocol.md).
      body.innerHTML = event.html;
    }
    if (you && event.actor && event.actor.id === you.id) {
      item.classList.add("coproduce-contribution--mine");
    }
    stream.appendChild(item);
    el("stream-empty").hidden = true;
    addRemoveButton(item);
  }

  function markRemoved(seq) {
    const item = stream.querySelector(`li[data-seq="${seq}"]`);
    if (!item) return;
    const body = item.querySelector(".coproduce-contribution__text");
    if (body) {
      body.className = "coproduce-contribution__removed";
      body.textContent = text.removed;
    }
    for (const control of item.querySelectorAll(".coproduce-remove, .coproduce-remove-form")) {
      control.remove();
    }
  }

  function addRemoveButton(item) {
    if (!isFacilitator() || ended) return;
    if (item.querySelector(".coproduce-remove, .coproduce-contribution__removed")) return;
    const name = item.querySelector("strong").textContent;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small coproduce-remove";
    button.textContent = text.remove;
    const hidden = document.createElement("span");
    hidden.className = "nhsuk-u-visually-hidden";
    hidden.textContent = ` ${name} ${item.querySelector("time").textContent}`;
    button.appendChild(hidden);
    button.addEventListener("click", () => openRemoveForm(item, button));
    item.appendChild(button);
  }

  function openRemoveForm(item, button) {
    const seq = Number(item.dataset.seq);
    const form = document.createElement("form");
    form.className = "coproduce-remove-form";
    form.noValidate = true;
    const id = `remove-reason-${seq}`;
    const label = document.createElement("label");
    label.className = "nhsuk-label";
    label.htmlFor = id;
    label.textContent = text.removeReason;
    const input = document.createElement("input");
    input.className = "nhsuk-input";
    input.id = id;
    input.type = "text";
    input.maxLength = 500;
    input.required = true;
    const submit = document.createElement("button");
    submit.type = "submit";
    submit.className = "nhsuk-button nhsuk-button--warning nhsuk-button--small";
    submit.textContent = text.removeConfirm;
    form.append(label, input, submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const reason = input.value.trim();
      if (!reason) {
        input.focus();
        return;
      }
      send("contribution.remove", { seq, reason });
    });
    button.replaceWith(form);
    input.focus();
  }

  // An agenda item's title in the version this reader chose. Events logged before the Easy
  // Read title was sent have no `easy_read_title`: they show the standard one.
  function itemTitle(item) {
    return easyRead && item.easy_read_title ? item.easy_read_title : item.title;
  }

  function showItemTitle(item) {
    const title = el("room-agenda").querySelector(
      `li[data-item="${Number(item.id)}"] .coproduce-agenda__title`,
    );
    // An event logged before both titles were sent cannot say which to show: leave the page's.
    if (title && item.title && "easy_read_title" in item) title.textContent = itemTitle(item);
  }

  function setCurrentItem(itemId) {
    for (const item of el("room-agenda").querySelectorAll("li[data-item]")) {
      const current = Number(item.dataset.item) === itemId;
      item.classList.toggle("coproduce-agenda__current", current);
      if (current) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
      const tag = item.querySelector(".coproduce-agenda__now");
      if (current && !tag) {
        const now = document.createElement("strong");
        now.className = "nhsuk-tag nhsuk-tag--green coproduce-agenda__now";
        now.textContent = text.agendaNow;
        item.appendChild(now);
      } else if (!current && tag) {
        tag.remove();
      }
    }
  }

  function renderPresent() {
    const list = el("room-present");
    list.replaceChildren(
      ...[...present.entries()].map(([id, name]) => {
        const item = document.createElement("li");
        item.dataset.user = String(id);
        item.textContent = name;
        return item;
      }),
    );
  }

  function renderHands() {
    const list = el("room-hands");
    list.replaceChildren(
      ...hands.map((hand) => {
        const item = document.createElement("li");
        item.dataset.user = String(hand.id);
        item.textContent = hand.name;
        if (isFacilitator() && !ended) {
          const call = document.createElement("button");
          call.type = "button";
          call.className =
            "nhsuk-button nhsuk-button--secondary nhsuk-button--small coproduce-inline-button";
          call.textContent = `${text.call} ${hand.name}`;
          call.addEventListener("click", () => send("hand.call", { user: hand.id }));
          item.appendChild(call);
        }
        return item;
      }),
    );
    el("hands-empty").hidden = hands.length > 0;
    const toggle = el("hand-toggle");
    if (toggle && you) {
      toggle.textContent = hands.some((hand) => hand.id === you.id) ? text.lower : text.raise;
    }
  }

  function renderMuteButtons() {
    // Only people in the room (and anyone still muted, so they can be unmuted after leaving).
    let offered = 0;
    for (const button of document.querySelectorAll(".coproduce-mute")) {
      const id = Number(button.dataset.user);
      button.textContent = `${muted.has(id) ? text.unmute : text.mute} ${button.dataset.name}`;
      button.setAttribute("aria-pressed", muted.has(id) ? "true" : "false");
      const offer = (present.has(id) || muted.has(id)) && !(you && id === you.id);
      button.closest("li").hidden = !offer;
      if (offer) offered += 1;
    }
    const empty = el("mute-empty");
    if (empty) empty.hidden = offered > 0;
  }

  function showCalled(called) {
    const box = el("room-you-called");
    if (box) box.hidden = !called || ended;
  }

  function pollElement(poll) {
    let box = el(`poll-${poll.id}`);
    if (!box) {
      box = document.createElement("div");
      box.className = "coproduce-poll";
      box.id = `poll-${poll.id}`;
      box.dataset.poll = String(poll.id);
      const empty = el("polls-empty");
      if (empty) empty.remove();
      el("room-polls").appendChild(box);
    }
    return box;
  }

  function ensurePoll(poll) {
    polls.set(poll.id, poll);
    const box = pollElement(poll);
    const hidden = !Array.isArray(poll.counts);
    let note = box.querySelector(".coproduce-poll__hidden");
    let heading = box.querySelector(".coproduce-poll__question");
    if (hidden) {
      box.querySelector("table")?.remove();
      if (!heading) {
        heading = document.createElement("h3");
        heading.className = "nhsuk-heading-s coproduce-poll__question";
        box.prepend(heading);
      }
      heading.textContent = `${poll.question} (${poll.open ? text.open : text.closed})`;
      if (!note) {
        note = document.createElement("p");
        note.className = "nhsuk-body-s coproduce-poll__hidden";
        heading.after(note);
      }
      note.textContent = `${text.resultsLater} ${text.votesSoFar} ${poll.total || 0}`;
    } else {
      heading?.remove();
      note?.remove();
    }
    let table = box.querySelector("table");
    if (!table && !hidden) {
      table = document.createElement("table");
      table.className = "nhsuk-table coproduce-poll__results";
      box.appendChild(table);
    }
    const caption = document.createElement("caption");
    caption.className = "nhsuk-table__caption nhsuk-table__caption--s";
    caption.textContent = `${poll.question} (${poll.open ? text.open : text.closed})`;
    const head = document.createElement("thead");
    head.className = "nhsuk-table__head";
    head.innerHTML =
      '<tr class="nhsuk-table__row"><th scope="col" class="nhsuk-table__header"></th>' +
      '<th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric"></th></tr>';
    head.querySelectorAll("th")[0].textContent = text.choice;
    head.querySelectorAll("th")[1].textContent = text.votes;
    const body = document.createElement("tbody");
    body.className = "nhsuk-table__body";
    poll.choices.forEach((choice, index) => {
      const row = document.createElement("tr");
      row.className = "nhsuk-table__row";
      const name = document.createElement("td");
      name.className = "nhsuk-table__cell";
      name.textContent = choice;
      const count = document.createElement("td");
      count.className = "nhsuk-table__cell nhsuk-table__cell--numeric";
      count.textContent = String((poll.counts && poll.counts[index]) || 0);
      row.append(name, count);
      body.appendChild(row);
    });
    if (table) table.replaceChildren(caption, head, body);

    const form = box.querySelector("form.coproduce-vote");
    if (poll.open && canTakePart && !ended && !form) {
      box.appendChild(voteForm(poll));
    } else if ((!poll.open || ended) && form) {
      form.remove();
    }
    const close = box.querySelector(".coproduce-poll-close");
    if (poll.open && isFacilitator() && !ended && !close) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small coproduce-poll-close";
      button.textContent = text.closePoll;
      button.addEventListener("click", () => send("poll.close", { poll: poll.id }));
      box.appendChild(button);
    } else if ((!poll.open || ended) && close) {
      close.remove();
    }
  }

  function voteForm(poll) {
    const form = document.createElement("form");
    form.className = "coproduce-vote";
    form.noValidate = true;
    const fieldset = document.createElement("fieldset");
    fieldset.className = "nhsuk-fieldset";
    const legend = document.createElement("legend");
    legend.className = "nhsuk-fieldset__legend nhsuk-fieldset__legend--s";
    legend.textContent = poll.question;
    const radios = document.createElement("div");
    radios.className = "nhsuk-radios nhsuk-radios--small";
    poll.choices.forEach((choice, index) => {
      const id = `poll-${poll.id}-choice-${index}`;
      const item = document.createElement("div");
      item.className = "nhsuk-radios__item";
      const input = document.createElement("input");
      input.className = "nhsuk-radios__input";
      input.type = "radio";
      input.id = id;
      input.name = `poll-${poll.id}`;
      input.value = String(index);
      const label = document.createElement("label");
      label.className = "nhsuk-label nhsuk-radios__label";
      label.htmlFor = id;
      label.textContent = choice;
      item.append(input, label);
      radios.appendChild(item);
    });
    const submit = document.createElement("button");
    submit.type = "submit";
    submit.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small";
    submit.textContent = text.vote;
    fieldset.append(legend, radios);
    form.append(fieldset, submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const chosen = form.querySelector("input:checked");
      if (!chosen) return;
      send("poll.vote", { poll: poll.id, choice: Number(chosen.value) }, { withId: true });
    });
    return form;
  }

  function showComposeError(message) {
    const error = el("compose-text-error");
    const group = el("compose-group");
    const box = el("compose-text");
    if (!error || !box) return;
    error.hidden = !message;
    error.textContent = message ? message : "";
    group.classList.toggle("nhsuk-form-group--error", Boolean(message));
    box.classList.toggle("nhsuk-textarea--error", Boolean(message));
    box.setAttribute(
      "aria-describedby",
      message ? "compose-text-hint compose-text-error" : "compose-text-hint",
    );
  }

  function showControls() {
    const amMuted = Boolean(you && muted.has(you.id));
    const compose = el("compose");
    if (compose) compose.hidden = ended || !canTakePart;
    const mutedBox = el("room-you-muted");
    if (mutedBox) mutedBox.hidden = ended || !amMuted;
    const box = el("compose-text");
    const sendButton = el("compose-send");
    const mutedHint = el("compose-muted-hint");
    if (box && sendButton && mutedHint) {
      // Say why before anyone types, not after.
      box.disabled = amMuted;
      sendButton.disabled = amMuted;
      mutedHint.hidden = !amMuted;
      box.setAttribute(
        "aria-describedby",
        amMuted ? "compose-text-hint compose-muted-hint" : "compose-text-hint",
      );
      if (amMuted) sendButton.setAttribute("aria-describedby", "compose-muted-hint");
      else sendButton.removeAttribute("aria-describedby");
    }
    if (amMuted) showCalled(false);
    const toggle = el("hand-toggle");
    if (toggle) toggle.hidden = ended || !canTakePart || amMuted;
    const controls = el("facilitator-controls");
    if (controls) controls.hidden = ended || !isFacilitator();
  }

  function endRoom() {
    ended = true;
    showControls();
    showCalled(false);
    const status = el("session-status");
    if (status) {
      const tag = document.createElement("strong");
      tag.className = "nhsuk-tag nhsuk-tag--grey";
      tag.textContent = text.statusEnded;
      status.replaceChildren(tag);
    }
    for (const poll of polls.values()) {
      poll.open = false;
      ensurePoll(poll);
    }
    for (const control of document.querySelectorAll(
      ".coproduce-remove, .coproduce-remove-form, #room-hands button",
    )) {
      control.remove();
    }
    if (connection) {
      connection.textContent = `${text.ended} `;
      const link = document.createElement("a");
      link.href = text.transcriptUrl;
      link.textContent = text.transcript;
      connection.appendChild(link);
    }
    announce(text.ended);
    if (socket) socket.close();
  }

  // --- Controls --------------------------------------------------------------------------

  const compose = el("compose");
  if (compose) {
    const box = el("compose-text");
    compose.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = box.value.trim();
      if (!value) {
        showComposeError(box.dataset.emptyMessage || "Write something first.");
        box.focus();
        return;
      }
      send("contribution.create", { text: value }, { withId: true });
    });
    box.addEventListener("keydown", (event) => {
      // Ctrl+Enter (or Cmd+Enter) sends; Enter alone is a new line.
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        compose.requestSubmit();
      }
    });
  }

  const toggle = el("hand-toggle");
  if (toggle) {
    toggle.addEventListener("click", () => {
      const raised = you && hands.some((hand) => hand.id === you.id);
      send(raised ? "hand.lower" : "hand.raise");
    });
  }

  const next = el("agenda-next");
  if (next) next.addEventListener("click", () => send("agenda.next"));

  const callNext = el("hand-call-next");
  if (callNext) {
    callNext.addEventListener("click", () => {
      if (hands.length) send("hand.call", { user: hands[0].id });
    });
  }

  const pollOpen = el("poll-open");
  if (pollOpen) {
    pollOpen.addEventListener("submit", (event) => {
      event.preventDefault();
      const question = el("poll-question").value.trim();
      const choices = el("poll-choices")
        .value.split("\n")
        .map((line) => line.trim())
        .filter(Boolean);
      const shown = pollOpen.querySelector('input[name="show_results"]:checked');
      const showResults = shown ? shown.value : "after_closing";
      send("poll.open", { question, choices, show_results: showResults }, { withId: true });
      el("poll-question").value = "";
      el("poll-choices").value = "";
    });
  }

  for (const button of document.querySelectorAll(".coproduce-mute")) {
    button.addEventListener("click", () => {
      const id = Number(button.dataset.user);
      send(muted.has(id) ? "participant.unmute" : "participant.mute", { user: id });
    });
  }

  const end = el("session-end");
  if (end) {
    const confirm = el("session-end-confirm");
    end.addEventListener("click", () => {
      confirm.hidden = false;
      el("session-end-no").focus();
    });
    el("session-end-no").addEventListener("click", () => {
      confirm.hidden = true;
      end.focus();
    });
    el("session-end-yes").addEventListener("click", () => send("session.end", {}, { withId: true }));
  }

  connect();
}
