// The explorer's latent maps, drawn on a canvas: class-coloured codes, an optional overlay under
// them, zoom (wheel), pan (drag), reset (double-click), a class legend that hides and shows classes,
// a tooltip on the point under the pointer, and clicks anywhere reported at exact data coordinates.
//
// Why not plotly here: on a first visit plotly's 4.7 MB bundle and the WebGL contexts of two maps
// kept the maps off screen for ~2 s after the page had arrived, and each plotly chart on the page
// made every later click's re-render slower. This draws a few thousand dots in a millisecond or two.
//
// data: {kind: "latent", id, height (the most; mapHeight), range: [x0, x1, y0, y1], xlabel, ylabel, size,
//        alpha, classes: [{name, color, xs, ys, rows}], grid: a plot_draw.js grid layer or null,
//        note, legend and tooltip: false to leave the class legend / the dot's tooltip out}
//
// Other scripts reach a map through ``root.__aevizMap`` (root: `.st-key-<key> .aeviz-latent-map`):
//   area          the element over the plot area (its client rect is the plot area)
//   xa, ya        {p2l(px), l2p(value), _offset, _length}: pixels in the plot area <-> data
//   view()        the shown [x0, x1, y0, y1]
//   on(type, fn)  "click" ({x, y, row, at}: row is the test image under the pointer, or null, and
//                 at its code), "view"
//   setMark(name, {x, y, color, label, css} | null)   a ring at data coordinates
// click.js, mark.js and hover.js use it; tests/browser/test_explorer_browser.py covers it.
// (Helpers: plot_draw.js, prepended by aeviz/ui/explorer_panes.py.)

const LATENT_MARGIN = { l: 50, r: 10, t: 8, b: 45 };
const CLICK_SLOP_PX = 4; // a press and release further apart than this is a pan, not a click
const HIT_PX = 6; // a click or hover this close to a dot's centre is on that dot
const MIN_MAP_PX = 240; // the shortest a map gets, however narrow the screen
const DOUBLE_MS = 350; // a second press this soon at the same spot is a double-click (reset), not a click

function visibleNearest(st, px, py) {
  // The dot nearest the pixel (px, py) of the plot area, within HIT_PX; null if none.
  let best = null, bestD = HIT_PX * HIT_PX;
  st.data.classes.forEach((c, k) => {
    if (st.hidden.has(k)) return;
    for (let i = 0; i < c.xs.length; i++) {
      const dx = st.xa.l2p(c.xs[i]) - px, dy = st.ya.l2p(c.ys[i]) - py;
      const d = dx * dx + dy * dy;
      if (d <= bestD) { bestD = d; best = { cls: k, i }; }
    }
  });
  return best;
}

function mapHeight(width, wanted) {
  // The height asked for, but a plot area no taller than it is wide: in a phone's width, or in one
  // of two columns on a 1024-px projector, a 600-px map stood twice as tall as wide and pushed the
  // decoded image (or a student's answer) below the screen.
  const m = LATENT_MARGIN;
  return Math.min(wanted, Math.max(MIN_MAP_PX, width - m.l - m.r + m.t + m.b));
}

function axes(st) {
  const [x0, x1, y0, y1] = st.view;
  const m = LATENT_MARGIN;
  const w = st.width - m.l - m.r, h = st.height - m.t - m.b;
  st.xa = { _offset: m.l, _length: w, p2l: (p) => x0 + (p / w) * (x1 - x0), l2p: (v) => ((v - x0) / (x1 - x0)) * w };
  st.ya = { _offset: m.t, _length: h, p2l: (p) => y1 - (p / h) * (y1 - y0), l2p: (v) => ((y1 - v) / (y1 - y0)) * h };
  Object.assign(st.area.style, { left: `${m.l}px`, top: `${m.t}px`, width: `${w}px`, height: `${h}px` });
}

function draw(st) {
  const d = st.data;
  st.width = st.root.clientWidth || 500;
  st.height = mapHeight(st.width, d.height);
  axes(st);
  const ctx = sizeCanvas(st.canvas, st.width, st.height);
  const { px, py, done } = frame(ctx, 0, st.width, st.height, st.view, d, LATENT_MARGIN);
  if (d.grid) drawGrid(ctx, d.grid, px, py);
  const r = (d.size || 5) / 2;
  let drawn = 0;
  ctx.globalAlpha = d.alpha || 0.8;
  d.classes.forEach((c, k) => {
    if (st.hidden.has(k)) return;
    // One path per class: a fill per dot would cost ~10x more with thousands of dots.
    ctx.fillStyle = c.color;
    ctx.beginPath();
    for (let i = 0; i < c.xs.length; i++) {
      const x = px(c.xs[i]), y = py(c.ys[i]);
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
    ctx.fill();
    drawn += c.xs.length;
  });
  ctx.globalAlpha = 1;
  done();
  st.canvas.dataset.points = String(drawn);
  st.canvas.dataset.grid = d.grid ? d.grid.name || 'overlay' : '';
  st.outer.dataset.view = JSON.stringify(st.view.map((v) => Math.round(v * 1e4) / 1e4));
  placeMarks(st);
}

function placeMarks(st) {
  for (const [name, mk] of Object.entries(st.marks)) {
    let el = st.root.querySelector(`[data-aeviz-mark="${name}"]`);
    if (!el) {
      el = document.createElement('div');
      el.dataset.aevizMark = name;
      el.className = mk.css || '';
      el.style.cssText = 'position:absolute;pointer-events:none;z-index:3;width:26px;height:26px;'
        + `margin:-13px 0 0 -13px;border:4px solid ${mk.color};border-radius:50%;box-shadow:0 0 0 2px #fff;box-sizing:border-box`;
      const tag = document.createElement('span');
      tag.style.cssText = `position:absolute;left:26px;top:-8px;font:bold 14px sans-serif;color:${mk.color};`
        + 'background:rgba(255,255,255,.85);padding:0 3px;border-radius:3px;white-space:nowrap;';
      el.appendChild(tag);
      st.root.appendChild(el);
    }
    el.firstChild.textContent = mk.label || '';
    const x = st.xa.l2p(mk.x), y = st.ya.l2p(mk.y);
    const inside = x >= 0 && y >= 0 && x <= st.xa._length && y <= st.ya._length;
    el.style.left = `${st.xa._offset + x}px`;
    el.style.top = `${st.ya._offset + y}px`;
    el.style.display = inside ? 'block' : 'none';
  }
}

function redrawSoon(st) {
  if (st.frameRequested) return;
  st.frameRequested = true;
  requestAnimationFrame(() => { st.frameRequested = false; draw(st); });
}

function emit(st, type, payload) {
  for (const fn of st.listeners[type] || []) {
    try { fn(payload); } catch (err) { console.error(err); }
  }
}

function setView(st, view) {
  st.view = view;
  redrawSoon(st);
  emit(st, 'view', view);
}

function legend(st) {
  st.legend.innerHTML = st.data.classes.map((c, k) => `<button type="button" data-class="${k}" aria-pressed="${!st.hidden.has(k)}"`
    + ' style="all:unset;cursor:pointer;display:inline-flex;align-items:center;gap:5px;margin:0 12px 2px 0;'
    + `opacity:${st.hidden.has(k) ? 0.35 : 1}"><span style="width:10px;height:10px;border-radius:50%;`
    + `background:${escape(c.color)}"></span>${escape(c.name)}</button>`).join('');
}

function tooltip(st, e) {
  const rect = st.area.getBoundingClientRect();
  const hit = visibleNearest(st, e.clientX - rect.left, e.clientY - rect.top);
  if (!hit) { st.tip.style.display = 'none'; return; }
  const c = st.data.classes[hit.cls];
  st.tip.textContent = `${c.name} · z = (${c.xs[hit.i].toFixed(2)}, ${c.ys[hit.i].toFixed(2)})`;
  st.tip.style.display = 'block';
  st.tip.style.left = `${st.xa._offset + st.xa.l2p(c.xs[hit.i]) + 10}px`;
  st.tip.style.top = `${st.ya._offset + st.ya.l2p(c.ys[hit.i]) - 28}px`;
}

function listen(st) {
  const area = st.area;
  area.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    st.down = { x: e.clientX, y: e.clientY, view: st.view.slice(), touch: e.pointerType === 'touch', moved: false };
    if (!st.down.touch) area.setPointerCapture(e.pointerId);
  });
  area.addEventListener('pointermove', (e) => {
    const down = st.down;
    if (!down) {
      if (e.pointerType !== 'touch' && st.data.tooltip !== false) tooltip(st, e);
      return;
    }
    if (Math.hypot(e.clientX - down.x, e.clientY - down.y) > CLICK_SLOP_PX) down.moved = true;
    // A finger's drag decodes under it (hover.js) rather than pans, as it does over plotly's maps.
    if (!down.moved || down.touch) return;
    st.tip.style.display = 'none';
    const [x0, x1, y0, y1] = down.view;
    const dx = ((e.clientX - down.x) / st.xa._length) * (x1 - x0), dy = ((e.clientY - down.y) / st.ya._length) * (y1 - y0);
    st.view = [x0 - dx, x1 - dx, y0 + dy, y1 + dy];
    redrawSoon(st);
  });
  const end = (e) => {
    const down = st.down;
    st.down = null;
    if (!down) return;
    if (down.moved) {
      if (!down.touch) emit(st, 'view', st.view);
      return;
    }
    if (e.type !== 'pointerup') return;
    const last = st.lastClick;
    st.lastClick = { t: e.timeStamp, x: e.clientX, y: e.clientY };
    if (last && e.timeStamp - last.t < DOUBLE_MS && Math.hypot(e.clientX - last.x, e.clientY - last.y) <= CLICK_SLOP_PX) {
      st.lastClick = null;
      return; // the second half of a double-click resets the view (dblclick); it asks for no decode
    }
    const rect = area.getBoundingClientRect();
    const px = e.clientX - rect.left, py = e.clientY - rect.top;
    const hit = visibleNearest(st, px, py);
    const c = hit && st.data.classes[hit.cls];
    emit(st, 'click', { x: st.xa.p2l(px), y: st.ya.p2l(py), row: hit ? c.rows[hit.i] : null,
                        at: hit ? [c.xs[hit.i], c.ys[hit.i]] : null });
  };
  area.addEventListener('pointerup', end);
  area.addEventListener('pointercancel', end);
  area.addEventListener('pointerleave', () => { st.tip.style.display = 'none'; });
  area.addEventListener('wheel', (e) => {
    e.preventDefault();
    const rect = area.getBoundingClientRect();
    const cx = st.xa.p2l(e.clientX - rect.left), cy = st.ya.p2l(e.clientY - rect.top);
    const f = Math.exp(Math.max(-300, Math.min(300, e.deltaY)) * 0.002);
    const [x0, x1, y0, y1] = st.view;
    setView(st, [cx + (x0 - cx) * f, cx + (x1 - cx) * f, cy + (y0 - cy) * f, cy + (y1 - cy) * f]);
  }, { passive: false });
  area.addEventListener('dblclick', () => setView(st, st.data.range.slice()));
  st.legend.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-class]');
    if (!button) return;
    const k = Number(button.dataset.class);
    if (st.hidden.has(k)) st.hidden.delete(k); else st.hidden.add(k);
    legend(st);
    redrawSoon(st);
  });
}

function build(parentElement) {
  const root = document.createElement('div');
  root.className = 'aeviz-latent-map';
  root.style.cssText = 'position:relative;font:14px sans-serif;color:#333;user-select:none';
  root.innerHTML = '<div class="aeviz-latent-legend" style="min-height:22px;margin-bottom:2px"></div>'
    + '<div style="position:relative"><canvas style="display:block"></canvas>'
    + '<div class="aeviz-map-area" style="position:absolute;cursor:crosshair;touch-action:none"></div>'
    + '<div class="aeviz-latent-tip" style="position:absolute;display:none;pointer-events:none;z-index:4;'
    + 'background:rgba(255,255,255,.92);border:1px solid #999;border-radius:3px;padding:1px 5px;white-space:nowrap"></div>'
    + '<div class="aeviz-latent-note" style="position:absolute;right:14px;pointer-events:none;'
    + 'background:rgba(255,255,255,.8);font-size:13px;padding:0 3px"></div></div>';
  parentElement.appendChild(root);
  const plot = root.children[1];
  const st = {
    outer: root, root: plot, canvas: plot.querySelector('canvas'), area: plot.querySelector('.aeviz-map-area'),
    tip: plot.querySelector('.aeviz-latent-tip'), note: plot.querySelector('.aeviz-latent-note'),
    legend: root.querySelector('.aeviz-latent-legend'), hidden: new Set(), marks: {}, listeners: {},
    data: null, view: null, down: null,
  };
  root.__aevizMap = {
    get area() { return st.area; },
    get xa() { return st.xa; },
    get ya() { return st.ya; },
    view: () => st.view.slice(),
    on: (type, fn) => { (st.listeners[type] = st.listeners[type] || []).push(fn); },
    off: (type, fn) => { st.listeners[type] = (st.listeners[type] || []).filter((f) => f !== fn); },
    setMark: (name, mk) => {
      if (mk) st.marks[name] = mk; else { delete st.marks[name]; plot.querySelector(`[data-aeviz-mark="${name}"]`)?.remove(); }
      if (st.xa) placeMarks(st);
    },
  };
  root.__aevizState = st;
  listen(st);
  return root;
}

export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector('.aeviz-latent-map') || build(parentElement);
  const st = root.__aevizState;
  // Another checkpoint or axis range starts from the whole map; an overlay or a language keeps the view.
  const sameMap = st.data && st.data.id === data.id && String(st.data.range) === String(data.range);
  st.data = data;
  if (!sameMap || !st.view) { st.view = data.range.slice(); st.hidden.clear(); }
  st.canvas.setAttribute('role', 'img');
  st.canvas.setAttribute('aria-label', data.label || `${data.xlabel}, ${data.ylabel}`);
  st.note.textContent = data.note || '';
  st.note.style.display = data.note ? 'block' : 'none';
  st.note.style.bottom = `${LATENT_MARGIN.b + 4}px`;
  st.legend.style.display = data.legend === false ? 'none' : 'block';
  legend(st);
  draw(st);
  let drawnAt = root.clientWidth;
  const resize = new ResizeObserver(() => {
    if (root.clientWidth !== drawnAt) { drawnAt = root.clientWidth; draw(st); }
  });
  resize.observe(root);
  return () => resize.disconnect();
}
