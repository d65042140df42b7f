// Points allocation: show a running total while people type. Progressive enhancement: the
// form works without it, and the server checks the total whatever this says.
function updateTotal(group) {
  const total = Number(group.dataset.pointsTotal);
  let used = 0;
  for (const input of group.querySelectorAll("input[type=number]")) {
    const value = Number.parseInt(input.value, 10);
    if (!Number.isNaN(value) && value > 0) used += value;
  }
  const output = group.querySelector("[data-points-output]");
  output.querySelector("[data-points-used]").textContent = String(used);
  output.classList.toggle("coproduce-points__total--over", used > total);
  output.classList.toggle("coproduce-points__total--done", used === total);
}

for (const group of document.querySelectorAll("[data-points-total]")) {
  const output = group.querySelector("[data-points-output]");
  if (!output) continue;
  output.hidden = false;
  group.addEventListener("input", () => updateTotal(group));
  updateTotal(group);
}
