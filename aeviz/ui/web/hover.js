// Hover-to-decode: a copy of an MLP decoder runs here, in the browser, so the preview
// beside a latent map follows the pointer at screen rate. Python side: aeviz/ui/hover.py.
//
// Loaded by st.components.v2 (streamlit 1.67) as an ES module whose default export is called
// with {data, parentElement, setTriggerValue, ...} each time the element mounts or its data
// changes. Streamlit imports the module once per page (its URL is a hash of this text), so the
// state below is shared by every instance; it also lives on `window.aevizHover`, which is the
// test hook: aevizHover.decode(key, z) -> Array(784), decodeWith(b64, zs), info(key), stats().
//
// Two kinds of mounts, told apart by `data`:
//   * bytes (Uint8Array): one preview with its weights. The blob is made by aeviz/decoder_export.py:
//     "AEVZ", uint32 header length, JSON header (layers, offsets, meta), float32 weights.
//     header.meta = {preview: "hover_ae", map: "latent_ae", partner: "hover_vae", label: "AE",
//     report: true}; report=false: the page has its own click path (see onClick).
//   * JSON {fingerprint, meta}: one preview whose weights this page received earlier (the server
//     sends them once per model and session; if they are missing here, trigger "missing" asks again).
//   * JSON {"linked": bool}: the "same z in both" switch.
//
// PAGE STRUCTURE THIS RELIES ON (not a public API of Streamlit or plotly; covered by
// tests/browser/test_hover_browser.py, which fails loudly if an upgrade moves any of it):
//   1. Streamlit adds the class `st-key-<key>` to the container of an element created with
//      `key=<key>`: the map is found as `.st-key-<map key> .aeviz-latent-map` (the explorer's
//      canvas maps, latent_map.js: its __aevizMap gives the plot area and axes as below) or
//      `.st-key-<map key> .js-plotly-plot` (a plotly chart: only the test demo, tests/apps/hover_demo.py).
//   2. plotly.js (4.x, bundled by Streamlit) marks the chart's root div `.js-plotly-plot` (the
//      "graph div", gd), draws the plot area's drag rectangle as `.nsewdrag` (its client rect is the
//      plot area), keeps the laid-out axes on `gd._fullLayout.xaxis / .yaxis`, whose `p2l(px)` maps
//      pixels from the plot area's left/top edge to data coordinates and `l2p` back, and wraps its
//      layers in `.svg-container` (position: relative; the partner marker is placed in it).
//      gd.on("plotly_click") is plotly's public event API (used when meta.report is false).
//   3. The modebar (`.modebar`) and legends (`.legend`, `.aeviz-latent-legend`) may overlap the
//      plot area: pointer events over them are ignored.
// Events are taken at the document level (delegation), so a chart that remounts (a new figure
// gives it a new element) is found again on the next pointer move without re-registering anything.

const REG = (window.aevizHover = window.aevizHover || {
  instances: new Map(), // preview key -> instance
  models: new Map(), // fingerprint -> decoder (weights arrive once per model and session)
  linked: false,
  pending: null, // {inst, x, y, ts}: the latest pointer position not yet drawn
  rafId: 0,
  records: [], // {ev, drawn, painted}: event-to-paint timings for benchmarks/hover_fps.py
  images: 0, // new images drawn (own + partner previews) since the last stats(true)
  installed: false,
});

const PIXELS = 28 * 28;
const MAX_RECORDS = 4096;

// ---------------------------------------------------------------- the decoder

function parseBlob(bytes) {
  // `bytes` may be a view into a larger protobuf buffer at any offset: copy what we keep.
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== "AEVZ") throw new Error("aeviz hover: data is not a decoder blob");
  const n = dv.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  return { header, weightBytes: bytes.subarray(8 + n) };
}

function buildModel(header, weightBytes) {
  // A fresh, aligned Float32Array (little-endian, as every browser that runs this is).
  const w = new Float32Array(weightBytes.slice().buffer);
  if (w.length !== header.num_weights) throw new Error("aeviz hover: weight count mismatch");
  const bufs = [];
  let width = header.latent_dim;
  for (const layer of header.layers) {
    if (layer.op === "linear") {
      if (layer.in !== width) throw new Error("aeviz hover: layer sizes do not chain");
      width = layer.out;
      bufs.push(new Float32Array(width));
    } else {
      bufs.push(null); // element-wise, in place
    }
  }
  return { header, w, bufs, input: new Float32Array(header.latent_dim), out: new Float32Array(width) };
}

// The forward pass of LatentModel.decode for a flat Linear/activation stack: float64
// accumulation, float32 activations between layers (as torch stores them).
function forward(model, z) {
  const { w, bufs, header } = model;
  let x = model.input;
  for (let i = 0; i < x.length; i++) x[i] = z[i];
  const layers = header.layers;
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l];
    switch (layer.op) {
      case "linear": {
        const y = bufs[l], nIn = layer.in, nOut = layer.out, wo = layer.weight, bo = layer.bias;
        for (let o = 0; o < nOut; o++) {
          let s = w[bo + o];
          const row = wo + o * nIn;
          for (let i = 0; i < nIn; i++) s += w[row + i] * x[i];
          y[o] = s;
        }
        x = y;
        break;
      }
      case "relu":
        for (let i = 0; i < x.length; i++) if (x[i] < 0) x[i] = 0;
        break;
      case "leaky_relu":
        for (let i = 0; i < x.length; i++) if (x[i] < 0) x[i] *= layer.slope;
        break;
      case "sigmoid":
        for (let i = 0; i < x.length; i++) x[i] = 1 / (1 + Math.exp(-x[i]));
        break;
      case "tanh":
        for (let i = 0; i < x.length; i++) x[i] = Math.tanh(x[i]);
        break;
      default:
        throw new Error(`aeviz hover: unknown layer ${layer.op}`);
    }
  }
  const out = model.out;
  if (header.output === "sigmoid") for (let i = 0; i < PIXELS; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
  else for (let i = 0; i < PIXELS; i++) out[i] = Math.min(1, Math.max(0, x[i]));
  return out;
}

// ---------------------------------------------------------------- one preview

const CSS = `
.aeviz-hover { contain: content; display: flex; flex-wrap: wrap; gap: 0.5rem 0.75rem; align-items: center; font-family: var(--st-font, sans-serif);
  color: var(--st-text-color, inherit); font-size: 0.9rem; min-height: 148px; }
.aeviz-hover canvas { width: 140px; height: 140px; image-rendering: pixelated; background: #000;
  border: 1px solid var(--st-border-color, #ccc); border-radius: 4px; flex: none; }
/* Before its first image (draw() sets data-z) the canvas is an empty dashed square, as the decoded
   panel's is: a black square read as a black image the decoder had made. */
.aeviz-hover canvas:not([data-z]) { background: transparent; border-style: dashed; border-color: #bbbbbb; }
.aeviz-hover .aeviz-hover-z { font-family: var(--st-code-font, monospace); }
.aeviz-hover .aeviz-hover-note { opacity: 0.7; font-size: 0.8rem; }
/* plotly's CSS resets margin and border of every div inside .plotly: the marker is centred by
   its transform (set per frame) and drawn with box-shadows */
.aeviz-hover-marker { position: absolute; left: 0; top: 0; box-sizing: border-box; width: 18px; height: 18px;
  border-radius: 50%; box-shadow: inset 0 0 0 3px #222, 0 0 0 2px #fff; pointer-events: none;
  z-index: 1000; display: none; }
`;

function ensureStyle() {
  if (document.getElementById("aeviz-hover-style")) return;
  const style = document.createElement("style");
  style.id = "aeviz-hover-style";
  style.textContent = CSS;
  document.head.appendChild(style);
}

function buildDom(inst, parentElement) {
  const root = document.createElement("div");
  root.className = "aeviz-hover";
  root.dataset.preview = inst.key;
  const canvas = document.createElement("canvas");
  canvas.width = 28;
  canvas.height = 28;
  const text = document.createElement("div");
  const title = document.createElement("div");
  const zText = document.createElement("div");
  zText.className = "aeviz-hover-z";
  const note = document.createElement("div");
  note.className = "aeviz-hover-note";
  text.append(title, zText, note);
  root.append(canvas, text);
  parentElement.appendChild(root);
  const ctx = canvas.getContext("2d");
  Object.assign(inst, { root, canvas, ctx, title, zText, note, image: ctx.createImageData(28, 28) });
  setTexts(inst);
  zText.textContent = "z = ( · , · )";
}

// The words come from the page's catalogue (meta.texts, aeviz/ui/hover.py); English if absent.
function texts(inst) {
  const label = inst.meta.label || "";
  return Object.assign({ title: `${label} decoder, in your browser`, note: "Move the pointer over the map; click to pin z.",
                         pinned: "pinned", partner: `${label}'s` }, inst.meta.texts || {});
}

function setTexts(inst) {
  if (!inst.title) return;
  const tx = texts(inst);
  inst.title.textContent = tx.title;
  inst.note.textContent = tx.note;
}

function draw(inst, z, how) {
  const pix = forward(inst.model, z);
  const d = inst.image.data;
  for (let i = 0, j = 0; i < PIXELS; i++, j += 4) {
    const v = Math.round(pix[i] * 255);
    d[j] = d[j + 1] = d[j + 2] = v;
    d[j + 3] = 255;
  }
  inst.ctx.putImageData(inst.image, 0, 0);
  inst.z = [z[0], z[1]];
  inst.zText.textContent = `${how} z = (${z[0].toFixed(2)}, ${z[1].toFixed(2)})`;
  inst.canvas.dataset.z = `${z[0]},${z[1]}`;
  REG.images++;
}

function showRest(inst) {
  // Pointer elsewhere: the pinned z if there is one; the canvas otherwise keeps its last image.
  if (inst.pinned && inst.model) draw(inst, inst.pinned, inst.pinnedBy ? texts(inst.pinnedBy).partner : texts(inst).pinned);
}

// ---------------------------------------------------------------- the chart (page structure)

function plotArea(mapKey) {
  const map = document.querySelector(`.st-key-${mapKey} .aeviz-latent-map`);
  if (map && map.__aevizMap && map.__aevizMap.xa) {
    const m = map.__aevizMap;
    return { gd: m.area.parentElement, drag: m.area, xa: m.xa, ya: m.ya, map: m, rect: m.area.getBoundingClientRect() };
  }
  const gd = document.querySelector(`.st-key-${mapKey} .js-plotly-plot`);
  const drag = gd && gd.querySelector(".nsewdrag");
  const fl = gd && gd._fullLayout;
  if (!drag || !fl || !fl.xaxis || !fl.yaxis) return null;
  return { gd, drag, xa: fl.xaxis, ya: fl.yaxis, rect: drag.getBoundingClientRect() };
}

// touch-action: none on the plot area of every map with a preview (and no other chart), so a
// finger's drag there is not taken by the browser as a scroll.
function touchStyle() {
  let style = document.getElementById("aeviz-hover-touch");
  if (!style) {
    style = document.createElement("style");
    style.id = "aeviz-hover-touch";
    document.head.appendChild(style);
  }
  const maps = [...new Set([...REG.instances.values()].map((i) => i.mapKey).filter(Boolean))];
  const css = maps.length ? `${maps.map((m) => `.st-key-${m} .nsewdrag, .st-key-${m} .aeviz-map-area`).join(", ")} { touch-action: none; }` : "";
  if (style.textContent !== css) style.textContent = css;
}

function instanceAt(target) {
  if (!target || !target.closest || target.closest(".modebar, .legend, .aeviz-latent-legend")) return null;
  for (const inst of REG.instances.values()) {
    if (inst.model && inst.mapKey && target.closest(`.st-key-${inst.mapKey}`)) return inst;
  }
  return null;
}

function dataAt(inst, clientX, clientY) {
  const area = plotArea(inst.mapKey);
  if (!area) return null;
  const { rect, xa, ya } = area;
  const px = clientX - rect.left, py = clientY - rect.top;
  if (px < 0 || py < 0 || px > rect.width || py > rect.height) return null;
  return [xa.p2l(px), ya.p2l(py)];
}

// Where the marker for z goes on inst's map: reads layout only (call it before any write in the
// frame, so the browser never has to lay the page out twice in one frame).
function markerSpot(inst, z) {
  const area = z && plotArea(inst.mapKey);
  if (!area) return null;
  const host = area.gd.querySelector(".svg-container") || area.gd;
  const hostRect = host.getBoundingClientRect();
  const px = area.xa.l2p(z[0]), py = area.ya.l2p(z[1]);
  return { host, x: area.rect.left - hostRect.left + px, y: area.rect.top - hostRect.top + py,
           inside: px >= 0 && py >= 0 && px <= area.rect.width && py <= area.rect.height };
}

function placeMarker(inst, spot) {
  if (!spot || !spot.inside) {
    if (inst.marker) inst.marker.style.display = "none";
    return;
  }
  if (!inst.marker || inst.marker.parentNode !== spot.host) {
    inst.marker?.remove();
    inst.marker = document.createElement("div");
    inst.marker.className = "aeviz-hover-marker";
    inst.marker.dataset.map = inst.mapKey;
    spot.host.appendChild(inst.marker);
  }
  // A transform moves it without a layout pass.
  inst.marker.style.transform = `translate(${spot.x}px, ${spot.y}px) translate(-50%, -50%)`;
  inst.marker.style.display = "block";
}

function partnerOf(inst) {
  const p = inst.meta.partner && REG.instances.get(inst.meta.partner);
  if (p) return p.model ? p : null;
  for (const other of REG.instances.values()) if (other !== inst && other.model) return other;
  return null;
}

// ---------------------------------------------------------------- events

function frame() {
  REG.rafId = 0;
  const p = REG.pending;
  REG.pending = null;
  if (!p) return;
  const { inst, z } = p;
  if (z) {
    const partner = REG.linked ? partnerOf(inst) : null;
    const spot = partner && markerSpot(partner, z);
    draw(inst, z, "");
    if (partner) {
      draw(partner, z, texts(inst).partner);
      placeMarker(partner, spot);
    }
  } else {
    showRest(inst);
    const partner = partnerOf(inst);
    if (partner) {
      showRest(partner);
      // A pin made through "same z in both" stays marked on the partner's map.
      placeMarker(partner, REG.linked && partner.pinnedBy === inst ? markerSpot(partner, partner.pinned) : null);
    }
  }
  const drawn = performance.now();
  const rec = { ev: p.ts, drawn, painted: NaN };
  // A task queued from inside the animation frame runs after that frame is painted.
  const ch = new MessageChannel();
  ch.port1.onmessage = () => { rec.painted = performance.now(); };
  ch.port2.postMessage(0);
  REG.records.push(rec);
  if (REG.records.length > MAX_RECORDS) REG.records.splice(0, REG.records.length - MAX_RECORDS);
}

function request(inst, z, ts) {
  REG.pending = { inst, z, ts };
  if (!REG.rafId) REG.rafId = requestAnimationFrame(frame);
}

let hovered = null; // the instance whose map the pointer was last over
let down = null; // where the last pointerdown on a map happened

// The mouse (and a pen) through pointer events; a finger through touch events, because Chromium
// cancels a touch's pointer events (pointercancel) as soon as it moves over plotly's drag area,
// while its touchmove events keep coming. A finger dragged over a map decodes as the mouse
// pointer does: touch-action is off there (touchStyle), so the browser does not scroll, and the
// touch does not reach plotly (which would pan the map instead).
function onMove(e) {
  if (e.pointerType === "touch") return; // handled by onTouchMove
  moveTo(e.target, e.clientX, e.clientY, e.timeStamp);
}

function moveTo(target, clientX, clientY, timeStamp) {
  const inst = instanceAt(target);
  const z = inst && dataAt(inst, clientX, clientY);
  if (z) {
    if (hovered !== inst) hookPlotly(inst.mapKey);
    hovered = inst;
    request(inst, z, timeStamp);
  } else if (hovered) {
    request(hovered, null, timeStamp);
    hovered = null;
  }
}

function onDown(e) {
  if (e.pointerType === "touch") return; // handled by onTouchStart
  down = { x: e.clientX, y: e.clientY, touch: false };
}

function onTouchStart(e) {
  const t = e.touches && e.touches[0];
  if (!t || e.touches.length > 1) { // two fingers: a pinch, not ours
    if (down) down.touch = false;
    return;
  }
  const onMap = !!instanceAt(e.target) && !!e.target.closest(".nsewdrag, .aeviz-map-area");
  down = { x: t.clientX, y: t.clientY, touch: onMap };
  if (!onMap) return;
  // Keep the touch away from plotly's own touch handlers (pan); a tap still reaches plotly as the
  // mouse events the browser makes from it, so plotly's click (and the page's click path) works.
  e.stopPropagation();
  moveTo(e.target, t.clientX, t.clientY, e.timeStamp); // the finger's first position decodes at once
}

function onTouchMove(e) {
  const t = e.touches && e.touches[0];
  if (!t || !down || !down.touch) return;
  e.stopPropagation();
  // A touch keeps its first target: find the element under the finger.
  moveTo(document.elementFromPoint(t.clientX, t.clientY), t.clientX, t.clientY, e.timeStamp);
}

function onTouchEnd() {
  if (down) down.touch = false; // the preview keeps the last image the finger decoded
}

// Pin z on inst's preview; with "same z in both" on, the partner's preview is pinned to the same
// z (and its map marked), so both previews show the clicked z, not an earlier hover's.
function pin(inst, z) {
  // A pointer position still waiting for its frame is older than this click (a tap's touchstart):
  // drop it, or it would redraw both previews away from the pinned z.
  REG.pending = null;
  inst.pinned = z;
  inst.pinnedBy = null;
  draw(inst, z, texts(inst).pinned);
  placeMarker(inst, null); // a mark left on this map by the partner's pointer is stale now
  const partner = REG.linked ? partnerOf(inst) : null;
  if (partner) {
    const spot = markerSpot(partner, z);
    partner.pinned = z;
    partner.pinnedBy = inst;
    draw(partner, z, texts(inst).partner);
    placeMarker(partner, spot);
  }
}

function onClick(e) {
  // plotly pans on drag; only a press and release within a few pixels is a click.
  if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4) return;
  const inst = instanceAt(e.target);
  const z = inst && dataAt(inst, e.clientX, e.clientY);
  if (!z) return;
  if (inst.meta.report === false) {
    // The page has its own click path (st.plotly_chart's selection). If plotly reported a point
    // for this click (hookPlotly), the preview already shows the z the server received.
    if (performance.now() - (inst.plotlyClickAt || -1e9) < 1000) return;
    pin(inst, z);
    return;
  }
  pin(inst, z);
  if (inst.setTriggerValue) inst.setTriggerValue("click", z);
}

// plotly's own click event (public plotly.js API: gd.on("plotly_click")) carries the point that
// st.plotly_chart's selection sends to Python (a data point or a node of an invisible pick grid):
// a page that uses that selection as its click path gets the same z pinned here.
function hookPlotly(mapKey) {
  const area = plotArea(mapKey);
  if (area && area.map) return hookLatentMap(mapKey, area.map);
  const gd = area && area.gd;
  if (!gd || typeof gd.on !== "function" || !gd._ev) return;
  // Hooked only while the chart's current event emitter carries our handler: a re-plot (plotly's
  // purge) replaces gd._ev and drops its listeners, and a flag on gd would outlive that.
  if (gd.__aevizHoverEv === gd._ev) return;
  gd.__aevizHoverEv = gd._ev;
  gd.on("plotly_click", (ev) => {
    const inst = [...REG.instances.values()].find((i) => i.mapKey === mapKey);
    const pt = ev && ev.points && ev.points[0];
    if (!inst || !inst.model || inst.meta.report !== false || !pt) return;
    if (typeof pt.x !== "number" || typeof pt.y !== "number") return;
    inst.plotlyClickAt = performance.now();
    pin(inst, [pt.x, pt.y]);
  });
}

// The same for a canvas latent map (latent_map.js): a click on a dot pins that dot's z.
function hookLatentMap(mapKey, map) {
  if (map.__aevizHoverHooked) return;
  map.__aevizHoverHooked = true;
  map.on("click", (ev) => {
    const inst = [...REG.instances.values()].find((i) => i.mapKey === mapKey);
    if (!inst || !inst.model || inst.meta.report !== false) return;
    inst.plotlyClickAt = performance.now();
    pin(inst, ev.at || [ev.x, ev.y]); // on a dot, its code: the z the click panel decodes
  });
}

function install() {
  if (REG.installed) return;
  REG.installed = true;
  const opts = { capture: true, passive: true };
  document.addEventListener("pointermove", onMove, opts);
  document.addEventListener("pointerdown", onDown, opts);
  document.addEventListener("touchstart", onTouchStart, opts);
  document.addEventListener("touchmove", onTouchMove, opts);
  document.addEventListener("touchend", onTouchEnd, opts);
  document.addEventListener("touchcancel", onTouchEnd, opts);
  document.addEventListener("click", onClick, opts);
  document.addEventListener("mouseleave", (e) => moveTo(null, 0, 0, e.timeStamp), opts);
}

// ---------------------------------------------------------------- test and benchmark hooks

function find(key) {
  return REG.instances.get(key) || [...REG.instances.values()].find((i) => i.mapKey === key);
}

REG.decode = (key, z) => {
  const inst = find(key);
  if (!inst || !inst.model) throw new Error(`aeviz hover: no decoder for ${key}`);
  return Array.from(forward(inst.model, z));
};
// Decode with a blob given directly (base64 of aeviz/decoder_export.py's bytes): the tests run
// the same forward pass over every shipped decoder, shown on the page or not.
REG.decodeWith = (b64, zs) => {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const { header, weightBytes } = parseBlob(bytes);
  const model = buildModel(header, weightBytes);
  return zs.map((z) => Array.from(forward(model, z)));
};
REG.info = (key) => {
  const inst = find(key);
  return inst && inst.model
    ? { fingerprint: inst.fingerprint, map: inst.mapKey, z: inst.z || null, pinned: inst.pinned || null,
        linked: REG.linked, pinnedBy: inst.pinnedBy ? inst.pinnedBy.key : null }
    : null;
};
REG.stats = (reset) => {
  const out = { records: REG.records.slice(), images: REG.images };
  if (reset) {
    REG.records = [];
    REG.images = 0;
  }
  return out;
};

// ---------------------------------------------------------------- the mount

export default function mount(component) {
  const t0 = performance.now();
  try {
    return mountInner(component);
  } finally {
    REG.mountMs = (REG.mountMs || 0) + performance.now() - t0; // page-load cost, for the benchmark
  }
}

function mountInner(component) {
  const { data, parentElement, setTriggerValue } = component;
  install();
  if (!(data instanceof Uint8Array) && (!data || "linked" in data)) {
    // The "same z in both" switch.
    REG.linked = !!(data && data.linked);
    if (!REG.linked) for (const inst of REG.instances.values()) placeMarker(inst, null);
    return undefined;
  }
  ensureStyle();
  let meta, fingerprint;
  if (data instanceof Uint8Array) {
    // The weights (first run of a session, or a new model): parse and keep them by fingerprint.
    const { header, weightBytes } = parseBlob(data);
    meta = header.meta || {};
    fingerprint = header.fingerprint;
    if (!REG.models.has(fingerprint)) REG.models.set(fingerprint, buildModel(header, weightBytes));
  } else {
    // A reference to weights sent earlier in this session.
    meta = data.meta || {};
    fingerprint = data.fingerprint;
  }
  let inst = REG.instances.get(meta.preview);
  if (!inst) {
    inst = { key: meta.preview };
    REG.instances.set(meta.preview, inst);
  }
  inst.meta = meta;
  inst.mapKey = meta.map;
  inst.setTriggerValue = setTriggerValue;
  const model = REG.models.get(fingerprint);
  if (!model) {
    // The server believes this page has the weights and it does not: ask for them again.
    inst.model = null;
    // A trigger can be lost when it lands while another run is starting (e.g. right after a page
    // switch): ask again every 2 s, a few times, until the weights arrive (mount runs again then).
    const ask = (tries) => {
      if (inst.model || REG.instances.get(inst.key) !== inst || REG.models.has(fingerprint)) return;
      REG.asked = (REG.asked || 0) + 1;
      setTriggerValue("missing", fingerprint);
      if (tries > 1) setTimeout(() => ask(tries - 1), 2000);
    };
    ask(5);
    return undefined;
  }
  let redraw = false;
  if (inst.fingerprint !== fingerprint || inst.model !== model) {
    inst.model = model;
    inst.fingerprint = fingerprint;
    inst.pinned = null;
    redraw = true;
  }
  if (inst.parent !== parentElement || !inst.root || !inst.root.isConnected) {
    inst.root?.remove();
    inst.parent = parentElement;
    buildDom(inst, parentElement);
    redraw = true;
  }
  setTexts(inst);
  touchStyle();
  if (redraw && inst.z) draw(inst, inst.z, inst.pinned ? texts(inst.pinnedBy || inst)[inst.pinnedBy ? "partner" : "pinned"] : "");
  inst.root.dataset.fingerprint = fingerprint;
  return () => {
    // Unmount (the page changed): forget this preview unless a newer mount has replaced it. The
    // weights stay in REG.models: the server sends them once per session.
    if (inst.parent === parentElement) {
      inst.root?.remove();
      inst.marker?.remove();
      REG.instances.delete(inst.key);
    }
  };
}
