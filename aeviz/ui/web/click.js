// Hears clicks on one latent map (latent_map.js) and reports {x, y, row, seq} to Python, and rings
// the clicked spot on the map. It relies on page structure (.st-key-<key> .aeviz-latent-map and its
// __aevizMap; the panel's st.html element, .stHtml), not a public Streamlit API:
// tests/browser/test_explorer_browser.py and test_click_delivery.py cover it.
//
// data: {target: the map's key, panel: the decoded panel's key, map: changes with the map,
//        click: {x, y, seq} of the click the panel shows, or null,
//        decode: {url, token, lang} of the decode route, or null}
//
// Why it is built this way (a click must never go unanswered):
// - The map is found again on every press (a capture-phase pointerdown, before the map's own):
//   a map that remounted is hooked before its click fires, however late it appeared. A map counts
//   as hooked only while its current element carries our handler.
// - The sender is looked up at click time in a page-wide registry, so it is always the latest
//   mount's setTriggerValue.
// - Every click carries a sequence number, so two clicks are never the same event, and the panel
//   that shows the decoded image echoes the number it answers (data-aeviz-seq). A click not answered
//   within RESEND_MS is sent again (same number: the server ignores a number it has answered).
//   Streamlit can drop a rerun under load (a new run started while the previous run's last messages
//   were still queued, or a reconnect); the resend makes the answer arrive anyway.
// - The ring is drawn here, at the click, in the frame of the click; the server's answer (data.click)
//   moves it only when it answers the latest click (a ring drawn from Python would arrive with the
//   answer and cost the answer one more element to render).
// - The panel's image is asked for first from the server's decode route (data.decode, see
//   aeviz/ui/decode_route.py), which answers without a rerun, so without rendering the page; the
//   click goes to Python once that answer is painted (or after FAST_WAIT_MS), and the rerun then
//   repaints the panel with the same HTML and updates the rest. A painted fast answer is marked
//   data-aeviz-fast: only the rerun's answer counts as answered for the resend.
const RESEND_MS = 4000;
const MAX_RESENDS = 4;
const FAST_WAIT_MS = 250;
const REG = window.__aevizClick || (window.__aevizClick = { targets: {}, installed: false, sent: 0, resent: 0, fast: 0, last: 0 });

function mapOf(target) {
  const root = document.querySelector(`.st-key-${target} .aeviz-latent-map`);
  return root && root.__aevizMap ? root : null;
}

const RING = { color: '#111111', css: 'aeviz-click', label: '' };

function ring(target, at) {
  const root = mapOf(target);
  if (root) root.__aevizMap.setMark('click', at ? { ...RING, x: at[0], y: at[1] } : null);
}

function answerOf(t) {
  return t.panel ? document.querySelector(`.st-key-${t.panel} [data-aeviz-seq]`) : null;
}

function answered(t, seq) {
  const el = answerOf(t);
  return !!el && Number(el.dataset.aevizSeq) >= seq && !el.dataset.aevizFast;
}

// Ask the decode route for the panel's answer to `payload`; resolves once it is painted, or not.
function fastAnswer(t, payload) {
  const d = t.decode;
  if (!d || !d.url || !window.fetch) return Promise.resolve(false);
  const q = new URLSearchParams({ t: d.token, lang: d.lang, seq: String(payload.seq) });
  if (payload.row !== null && payload.row !== undefined) q.set('row', String(payload.row));
  else { q.set('x', String(payload.x)); q.set('y', String(payload.y)); }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), FAST_WAIT_MS);
  return fetch(`${d.url}?${q}`, { signal: abort.signal, cache: 'no-store', credentials: 'same-origin' })
    .then((r) => (r.ok ? r.text() : null))
    .then((html) => {
      const box = html && t.panel && document.querySelector(`.st-key-${t.panel} .stHtml`);
      const el = answerOf(t);
      if (!box || t.lastSeq !== payload.seq || (el && Number(el.dataset.aevizSeq) >= payload.seq)) return false;
      box.innerHTML = html; // Streamlit's st.html sets innerHTML too; its next render replaces ours
      const answer = box.querySelector('[data-aeviz-seq]');
      if (answer) answer.dataset.aevizFast = '1';
      REG.fast += 1;
      return true;
    })
    .catch(() => false)
    .finally(() => clearTimeout(timer));
}

function check(t, seq) {
  const p = t.pending;
  if (!p || p.payload.seq !== seq) return; // a newer click took over; it has its own check
  if (answered(t, seq)) { t.pending = null; return; }
  if (p.tries >= MAX_RESENDS || !t.send) { t.pending = null; return; }
  p.tries += 1;
  REG.resent += 1;
  t.send('click', p.payload);
  setTimeout(() => check(t, seq), RESEND_MS);
}

function onMapClick(target, ev) {
  const t = REG.targets[target];
  if (!t || !t.send) return;
  const { x, y, row, at } = ev;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return;
  ring(target, row !== null && row !== undefined && at ? at : [x, y]); // on a point: at its code, as Python decodes
  // Increasing within the page and unlike any number an earlier page of this session used.
  REG.last = Math.max(REG.last + 1, Date.now() * 1000);
  const payload = { x: x, y: y, row: row, seq: REG.last };
  t.pending = { payload: payload, tries: 0 };
  t.lastSeq = payload.seq;
  let sent = false;
  const send = () => {
    if (sent) return;
    sent = true;
    REG.sent += 1;
    t.send('click', payload);
    setTimeout(() => check(t, payload.seq), RESEND_MS);
  };
  // The rerun starts once the fast answer is on screen: its page renders would delay that paint.
  fastAnswer(t, payload).then(send, send);
}

function hook(target) {
  const root = mapOf(target);
  if (!root) return false;
  if (root.__aevizClickHooked) return true;
  root.__aevizClickHooked = true;
  root.__aevizMap.on('click', (ev) => onMapClick(target, ev));
  return true;
}

function install() {
  if (REG.installed) return;
  REG.installed = true;
  document.addEventListener('pointerdown', (e) => {
    for (const target of Object.keys(REG.targets)) {
      const box = e.target && e.target.closest && e.target.closest(`.st-key-${target}`);
      if (box) hook(target);
    }
  }, { capture: true });
}

export default function(component) {
  const { data, setTriggerValue } = component;
  const t = REG.targets[data.target] || (REG.targets[data.target] = { target: data.target, pending: null });
  t.panel = data.panel;
  t.send = setTriggerValue;
  t.decode = data.decode || null;
  install();
  // The ring of the click the panel shows (one restored from a link too), unless a later click is
  // on its way: its ring is drawn already.
  const shown = data.click || null;
  const ringShown = !shown || !t.lastSeq || Number(shown.seq) >= t.lastSeq;
  // Hook now if the map is there; a press hooks it at the latest.
  const attempt = (tries) => {
    const ready = hook(data.target);
    if (ready && ringShown) ring(data.target, shown ? [shown.x, shown.y] : null);
    if (!ready && tries > 0) setTimeout(() => attempt(tries - 1), 200);
  };
  attempt(50);
  // No clean-up: the sender stays valid while the element id stays, and a newer mount replaces it.
  return undefined;
}
