// The page's language, for the browser and for screen readers. Streamlit's page says <html lang="en">
// whatever it shows, so a screen reader reads a Vietnamese page with an English voice; and Streamlit
// names its own buttons in English ("Help for Tốc độ học", "Main menu", "Remove notes.pdf"), says in
// English why a file was refused, and writes its menu ("Print") and its status ("Stop") in English.
// This sets the document's language and puts the catalogue's words in place of Streamlit's own
// (aeviz/locales/*/streamlit.toml).
//
// It watches the page (a MutationObserver) and translates what Streamlit adds or changes in the same
// task, before it is painted or reaches the accessibility tree, so an alert is never announced in
// English first. Each record is looked at once, and only the added subtree or the changed attribute,
// so a click's update costs little (window.__aevizPageLanguage.spentMs adds up the time it took).
// What it rewrote is remembered on the node, so a switch back to English restores Streamlit's words,
// and a label React writes anew is translated anew.
//
// Mounted by st.components.v2 on every run (aeviz/ui/page_language.py) with data = {lang, rules},
// rules being [Streamlit's English template, the page's template] pairs with {name} placeholders.
const ATTRIBUTES = ["aria-label", "placeholder"];
const ATTRIBUTE_SELECTOR = "[aria-label], [placeholder]";
// Where Streamlit writes words of its own: why a file was refused (the chip's alert and its tooltip),
// tooltips, its menu, its running and connection status. Only exact matches of its English change, so
// the page's own words in a tooltip are left alone.
const TEXT_SELECTOR = ['[data-testid="stFileChip"] [role="alert"]', '[data-testid="stTooltipErrorContent"]',
  '[data-testid="stTooltipContent"]', '[data-testid="stMainMenuPopover"]', '[data-testid="stStatusWidget"]',
  '[data-testid="stConnectionStatus"]'].join(", ");

const state = window.__aevizPageLanguage
  || (window.__aevizPageLanguage = { rules: [], observer: null, spentMs: 0, batches: 0 });

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compile(pairs) {
  return pairs.map(([english, shown]) => {
    const names = [];
    const source = english.split(/(\{[a-z_]+\})/).map((part) => {
      const m = /^\{([a-z_]+)\}$/.exec(part);
      if (!m) return escapeRegExp(part);
      names.push(m[1]);
      return "(.+)";
    }).join("");
    return { re: new RegExp(`^${source}$`, "s"), names, shown };
  });
}

function translate(english) {
  for (const rule of state.rules) {
    const m = rule.re.exec(english);
    if (m) return rule.shown.replace(/\{([a-z_]+)\}/g, (_, name) => m[1 + rule.names.indexOf(name)] ?? "");
  }
  return english;
}

// value: what the node holds now; memo: what we last wrote there and the English it came from. A
// value other than the one we wrote is Streamlit's own (new) English.
function rewrite(memo, key, value, write) {
  const last = memo[key];
  const english = last && last.shown === value ? last.english : value;
  const shown = translate(english);
  memo[key] = { english, shown };
  if (shown !== value) write(shown);
}

function fixElement(el) {
  const memo = el.__aevizLanguage || (el.__aevizLanguage = {});
  for (const attr of ATTRIBUTES) {
    const value = el.getAttribute(attr);
    if (value) rewrite(memo, attr, value, (shown) => el.setAttribute(attr, shown));
  }
}

function fixText(node) {
  const memo = node.__aevizLanguage || (node.__aevizLanguage = {});
  // The node itself, not a new one: React keeps writing to the text node it made.
  rewrite(memo, "text", node.nodeValue, (shown) => { node.nodeValue = shown; });
}

function fixTexts(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) if (node.nodeValue.trim()) fixText(node);
}

function fixTree(root) {
  if (root.nodeType === Node.TEXT_NODE) {
    if (root.parentElement && root.parentElement.closest(TEXT_SELECTOR)) fixText(root);
    return;
  }
  if (root.nodeType !== Node.ELEMENT_NODE) return;
  if (root.matches(ATTRIBUTE_SELECTOR)) fixElement(root);
  for (const el of root.querySelectorAll(ATTRIBUTE_SELECTOR)) fixElement(el);
  if (root.closest(TEXT_SELECTOR)) fixTexts(root);
  else for (const el of root.querySelectorAll(TEXT_SELECTOR)) fixTexts(el);
}

function onMutations(records) {
  const t0 = performance.now();
  for (const record of records) {
    if (record.type === "attributes") fixElement(record.target);
    else if (record.type === "characterData") fixTree(record.target);
    else for (const node of record.addedNodes) fixTree(node);
  }
  state.spentMs += performance.now() - t0;
  state.batches += 1;
}

export default function mount({ data }) {
  const { lang, rules } = typeof data === "string" ? JSON.parse(data) : data || {};
  if (!document.getElementById("aeviz-page-language-style")) {
    // It draws nothing: its slot in the sidebar would still take a gap.
    const style = document.createElement("style");
    style.id = "aeviz-page-language-style";
    style.textContent = ".st-key-aeviz_page_language { display: none; }";
    document.head.appendChild(style);
  }
  if (lang && document.documentElement.lang !== lang) document.documentElement.lang = lang;
  const key = JSON.stringify(rules || []);
  if (state.key !== key) {
    state.key = key;
    state.rules = compile(rules || []);
    fixTree(document.body);  // what is on the page already, in the new language (or back in English)
  }
  if (!state.observer) {
    state.observer = new MutationObserver(onMutations);
    state.observer.observe(document.body, { subtree: true, childList: true, characterData: true,
                                            attributes: true, attributeFilter: ATTRIBUTES });
  }
  return undefined;  // the observer stays for the page's life: every page and every run needs it
}
