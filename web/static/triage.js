// The triage queue: one box in the header ticks or clears every row of the page.
document.addEventListener("DOMContentLoaded", () => {
  for (const all of document.querySelectorAll("input.select-all")) {
    const boxes = () => all.closest("table").querySelectorAll("tbody input[name=listing_id]");
    all.addEventListener("change", () => {
      for (const box of boxes()) box.checked = all.checked;
    });
  }
});
