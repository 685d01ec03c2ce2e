// Plots drawn on a 2-D canvas, redrawn in place whenever their data changes: the studio's live
// loss curves and maps while a training runs, and class mode's projector while answers arrive.
// Why not plotly there: a changed figure is a new chart to Streamlit, so every poll rebuilt the
// chart from scratch. On a 2-core machine the studio's three charts took more than a core of the
// browser (halving the training's speed) and the projector a whole core while a class answered.
// Drawing a few thousand dots or a few curves on a canvas takes a millisecond or two. Where
// people zoom, hover or export, the pages keep plotly charts.
//
// map:    {kind: "map", title, height, range: [x0, x1, y0, y1], xlabel, ylabel, legend, keys: [[name, color]],
//          layers: [{type: "points", xs, ys, palette, labels?, size, alpha, outline?, name?}
//                   | {type: "grid", values (ny rows of nx, row 0 at y0), nx, ny, extent: [x0, x1, y0, y1],
//                      scale: [[stop, [r, g, b, a]], ...], smooth}]}
// curves: {kind: "curves", height, xlabel, total, panels: [{title, series: [{name, color, xs, ys}]}]}
//         The pointer over a panel shows each curve's value at the nearest step (a guide line and a tip).

// Helpers (frame, drawGrid, drawPoints, sizeCanvas): plot_draw.js, prepended by aeviz/ui/canvas_plot.py.

function drawMap(canvas, d) {
  const width = canvas.parentElement.clientWidth || 400;
  const ctx = sizeCanvas(canvas, width, d.height);
  const { px, py, done } = frame(ctx, 0, width, d.height, d.range, d);
  for (const layer of d.layers) drawLayer(ctx, layer, px, py);
  done();
  const points = d.layers.filter((l) => l.type === 'points');
  canvas.dataset.points = String(points.length ? points[0].xs.length : 0);
  const named = Object.fromEntries(points.filter((l) => l.name).map((l) => [l.name, l.xs.length]));
  canvas.dataset.layers = JSON.stringify(named);
  canvas.dataset.title = d.title || '';
}

function drawCurves(canvas, d) {
  const width = canvas.parentElement.clientWidth || 600;
  const ctx = sizeCanvas(canvas, width, d.height);
  const panelWidth = width / Math.max(d.panels.length, 1);
  canvas.__panels = [];
  d.panels.forEach((panel, k) => {
    // x spans the whole run from the start, y starts at 0.
    let top = 0;
    for (const s of panel.series) for (const y of s.ys) if (Number.isFinite(y) && y > top) top = y;
    const { px, py, l, t, w, h, done } = frame(ctx, k * panelWidth, panelWidth, d.height,
      [0, Math.max(d.total, 1), 0, top * 1.05 || 1], { title: panel.title, xlabel: d.xlabel, ylabel: '' });
    canvas.__panels.push({ l, t, w, h, total: Math.max(d.total, 1), series: panel.series, px });
    ctx.lineWidth = 1.5;
    for (const s of panel.series) {
      ctx.strokeStyle = s.color;
      ctx.beginPath();
      let gap = true; // a diverged run's missing values (null) break the line
      s.xs.forEach((x, i) => {
        const y = s.ys[i];
        if (y === null || !Number.isFinite(y)) { gap = true; return; }
        if (gap) ctx.moveTo(px(x), py(y)); else ctx.lineTo(px(x), py(y));
        gap = false;
      });
      ctx.stroke();
    }
    done();
  });
  canvas.dataset.series = String(d.panels.reduce((n, p) => n + p.series.length, 0));
  canvas.dataset.points = String(d.panels.reduce((n, p) => n + p.series.reduce((m, s) => m + s.xs.length, 0), 0));
}

// The index of the value of ascending ``xs`` nearest to x (-1 for none).
function nearest(xs, x) {
  if (!xs.length) return -1;
  let lo = 0, hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid; else hi = mid;
  }
  return Math.abs(xs[hi] - x) < Math.abs(xs[lo] - x) ? hi : lo;
}

const curveValue = (v) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(3));

// What the curves show at the pointer's step: a guide line across the panel and a tip with every
// curve's value there (a curve that has not reached that step, or has a gap there, is left out).
function curveTip(root, canvas, d, e) {
  const guide = root.querySelector('.aeviz-curve-guide'), tip = root.querySelector('.aeviz-curve-tip');
  const box = canvas.getBoundingClientRect();
  const x = e.clientX - box.left, y = e.clientY - box.top;
  const p = (canvas.__panels || []).find((q) => x >= q.l && x <= q.l + q.w && y >= q.t && y <= q.t + q.h);
  if (!p) { guide.style.display = tip.style.display = 'none'; return; }
  const step = ((x - p.l) / p.w) * p.total;
  const rows = [];
  let at = null;
  for (const s of p.series) {
    const i = nearest(s.xs, step);
    if (i < 0 || Math.abs(s.xs[i] - step) > p.total / 50 || s.ys[i] === null || !Number.isFinite(s.ys[i])) continue;
    at = at === null ? s.xs[i] : at;
    rows.push(`<span style="color:${escape(s.color)}">●</span> ${escape(s.name)}: ${curveValue(s.ys[i])}`);
  }
  if (!rows.length) { guide.style.display = tip.style.display = 'none'; return; }
  Object.assign(guide.style, { display: 'block', left: `${Math.round(p.px(at))}px`, top: `${p.t}px`, height: `${p.h}px` });
  tip.innerHTML = `${escape(d.xlabel)} ${Math.round(at)}<br>${rows.join('<br>')}`;
  tip.style.display = 'block';
  const right = x + 12 + tip.offsetWidth > box.width;
  tip.style.left = `${right ? x - 12 - tip.offsetWidth : x + 12}px`;
  tip.style.top = `${Math.max(p.t, y - tip.offsetHeight - 8)}px`;
}

function legend(box, d) {
  const entries = d.kind === 'map' ? (d.keys || []).map(([name, color]) => [name, color, '50%'])
    : d.panels.flatMap((p) => p.series.map((s) => [s.name, s.color, '0']));
  const items = entries.map(([name, color, round]) => '<span style="display:inline-flex;align-items:center;gap:4px;margin-right:10px">'
    + `<span style="width:${round === '0' ? 16 : 9}px;height:${round === '0' ? 2 : 9}px;border-radius:${round};`
    + `background:${escape(color)}"></span>${escape(name)}</span>`);
  box.innerHTML = items.length ? (d.legend ? `<span style="margin-right:8px;color:#555">${escape(d.legend)}</span>` : '')
    + items.join('') : '';
}

export default function (component) {
  const { data, parentElement } = component;
  let root = parentElement.querySelector('.aeviz-canvas-plot');
  if (!root) {
    root = document.createElement('div');
    root.className = 'aeviz-canvas-plot';
    root.style.position = 'relative';
    root.innerHTML = '<canvas style="display:block"></canvas>'
      + '<div class="aeviz-curve-guide" style="position:absolute;display:none;width:1px;background:#888;pointer-events:none"></div>'
      + '<div class="aeviz-curve-tip" style="position:absolute;display:none;pointer-events:none;z-index:4;font:12px sans-serif;'
      + 'background:rgba(255,255,255,.92);border:1px solid #999;border-radius:3px;padding:2px 6px;white-space:nowrap"></div>'
      + '<div class="aeviz-canvas-legend" style="font:12px sans-serif;color:#333;margin-top:2px"></div>';
    parentElement.appendChild(root);
  }
  const canvas = root.querySelector('canvas');
  root.__data = data; // the listeners below are added once and read the latest data
  if (!root.__hover) {
    root.__hover = true;
    canvas.addEventListener('pointermove', (e) => { if (root.__data.kind === 'curves') curveTip(root, canvas, root.__data, e); });
    canvas.addEventListener('pointerleave', () => {
      root.querySelector('.aeviz-curve-guide').style.display = 'none';
      root.querySelector('.aeviz-curve-tip').style.display = 'none';
    });
  }
  const draw = data.kind === 'map' ? drawMap : drawCurves;
  // A picture to a screen reader: named by its title (or its panels' titles).
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', data.kind === 'map' ? (data.title || `${data.xlabel}, ${data.ylabel}`)
    : data.panels.map((p) => p.title).join(' · '));
  legend(root.querySelector('.aeviz-canvas-legend'), data);
  draw(canvas, data);
  const images = (data.layers || []).filter((l) => l.type === 'image');
  if (images.length) Promise.all(images.map(loadImage)).then(() => draw(canvas, data));
  let drawnAt = root.clientWidth; // redraw when the column's width changes, not on the observer's first call
  const resize = new ResizeObserver(() => {
    if (root.clientWidth !== drawnAt) { drawnAt = root.clientWidth; draw(canvas, data); }
  });
  resize.observe(root);
  return () => resize.disconnect();
}
