/* The theme's sidebar toggles are icon-only <summary> elements: give each a name
 * that screen readers can announce ("Show pages under Resources"). */
document.addEventListener("DOMContentLoaded", () => {
  for (const summary of document.querySelectorAll("summary")) {
    if (summary.textContent.trim() || summary.hasAttribute("aria-label")) continue;
    const entry = summary.parentElement?.parentElement?.querySelector(":scope > a");
    const name = entry ? entry.textContent.trim() : "this section";
    summary.setAttribute("aria-label", `Show or hide the pages under ${name}`);
  }
});
