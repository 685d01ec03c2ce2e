// "Copy link to this view": copies the page's own address (Streamlit keeps the query string in
// step with the view, see aeviz/ui/url_state.py), or the same address with present=1. Where the
// Clipboard API is refused (plain http on a classroom network), the link is shown, selected, in a
// text field to copy by hand. Mounted by st.components.v2 with data = JSON of the button texts.
const CSS = `
.aeviz-copy { display: flex; flex-direction: column; gap: 0.35rem; font-family: var(--st-font, sans-serif); }
.aeviz-copy button { font: inherit; font-size: 0.9rem; padding: 0.35rem 0.6rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2)); background: var(--st-background-color, #fff);
  color: var(--st-text-color, inherit); text-align: left; }
.aeviz-copy button:hover { border-color: var(--st-primary-color, #ff4b4b); color: var(--st-primary-color, #ff4b4b); }
.aeviz-copy input { font-family: var(--st-code-font, monospace); font-size: 0.75rem; width: 100%; display: none; }
.aeviz-copy .aeviz-copy-status { font-size: 0.8rem; opacity: 0.75; min-height: 1em; }
`;

function linkFor(present) {
  const url = new URL(window.location.href);
  if (present) url.searchParams.set("present", "1");
  else url.searchParams.delete("present");
  return url.toString();
}

async function copy(root, texts, present) {
  const url = linkFor(present);
  const input = root.querySelector("input");
  const status = root.querySelector(".aeviz-copy-status");
  input.value = url;
  input.style.display = "block";
  root.dataset.link = url;
  try {
    await navigator.clipboard.writeText(url);
    status.textContent = texts.copied;
  } catch (e) {
    input.focus();
    input.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (e2) { ok = false; }
    status.textContent = ok ? texts.copied : texts.manual;
  }
}

export default function mount({ data, parentElement }) {
  const texts = typeof data === "string" ? JSON.parse(data) : data || {};
  if (!document.getElementById("aeviz-copy-style")) {
    const style = document.createElement("style");
    style.id = "aeviz-copy-style";
    style.textContent = CSS;
    document.head.appendChild(style);
  }
  let root = parentElement.querySelector(".aeviz-copy");
  if (!root) {
    root = document.createElement("div");
    root.className = "aeviz-copy";
    root.innerHTML = '<button type="button" data-present="0"></button>' +
      '<button type="button" data-present="1"></button>' +
      '<input type="text" readonly><div class="aeviz-copy-status" aria-live="polite"></div>';
    parentElement.appendChild(root);
  }
  const [plain, present] = root.querySelectorAll("button");
  plain.textContent = texts.copy;
  present.textContent = texts.copy_present;
  root.querySelector("input").setAttribute("aria-label", texts.field);
  plain.onclick = () => copy(root, texts, false);
  present.onclick = () => copy(root, texts, true);
  return undefined;
}
