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

const MARGIN = { l: 48, r: 12, t: 34, b: 40 };

function niceTicks(lo, hi, count) {
  const raw = (hi - lo) / Math.max(count, 1);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

function label(v) {
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 1 ? 2 : 1).replace(/0+$/, '').replace(/\.$/, '');
}

function sizeCanvas(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

// Axes, grid, tick labels, axis titles and the panel's title in the box (left, width) x (0, height);
// returns the data -> pixel maps.
function frame(ctx, left, width, height, range, d) {
  const [x0, x1, y0, y1] = range;
  const l = left + MARGIN.l, w = width - MARGIN.l - MARGIN.r, h = height - MARGIN.t - MARGIN.b;
  const px = (x) => l + ((x - x0) / (x1 - x0)) * w;
  const py = (y) => MARGIN.t + (1 - (y - y0) / (y1 - y0)) * h;
  ctx.font = '12px sans-serif';
  ctx.fillStyle = '#444';
  ctx.strokeStyle = '#e5e5e5';
  ctx.lineWidth = 1;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const v of niceTicks(x0, x1, 6)) {
    const x = Math.round(px(v)) + 0.5;
    ctx.beginPath(); ctx.moveTo(x, MARGIN.t); ctx.lineTo(x, MARGIN.t + h); ctx.stroke();
    ctx.fillText(label(v), x, MARGIN.t + h + 4);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of niceTicks(y0, y1, 6)) {
    const y = Math.round(py(v)) + 0.5;
    ctx.beginPath(); ctx.moveTo(l, y); ctx.lineTo(l + w, y); ctx.stroke();
    ctx.fillText(label(v), l - 5, y);
  }
  ctx.strokeStyle = '#999';
  ctx.strokeRect(l + 0.5, MARGIN.t + 0.5, w - 1, h - 1);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  if (d.xlabel) ctx.fillText(d.xlabel, l + w / 2, height - 2);
  if (d.ylabel) {
    ctx.save();
    ctx.translate(left + 12, MARGIN.t + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(d.ylabel, 0, 0);
    ctx.restore();
  }
  ctx.font = '15px sans-serif';
  ctx.fillStyle = '#222';
  ctx.textBaseline = 'top';
  if (d.title) ctx.fillText(d.title, l + w / 2, 6);
  ctx.save();
  ctx.beginPath();
  ctx.rect(l, MARGIN.t, w, h);
  ctx.clip();
  return { px, py, done: () => ctx.restore() };
}

// The colour of value v on a plotly-style scale: linear between stops; at a repeated stop, a step.
function scaleColor(scale, v) {
  let i = 0;
  while (i < scale.length - 1 && scale[i + 1][0] <= v) i++;
  if (i === scale.length - 1 || scale[i + 1][0] === scale[i][0]) return scale[i][1];
  const [s0, c0] = scale[i], [s1, c1] = scale[i + 1];
  const f = (v - s0) / (s1 - s0);
  return c0.map((c, k) => c + (c1[k] - c) * f);
}

function drawGrid(ctx, layer, px, py) {
  const cells = document.createElement('canvas');
  cells.width = layer.nx;
  cells.height = layer.ny;
  const g = cells.getContext('2d');
  const img = g.createImageData(layer.nx, layer.ny);
  for (let r = 0; r < layer.ny; r++) {
    for (let c = 0; c < layer.nx; c++) {
      const v = layer.values[r * layer.nx + c];
      const [red, green, blue, alpha] = v === null ? [0, 0, 0, 0] : scaleColor(layer.scale, v);
      const at = ((layer.ny - 1 - r) * layer.nx + c) * 4; // row 0 is y0, at the bottom
      img.data[at] = red; img.data[at + 1] = green; img.data[at + 2] = blue; img.data[at + 3] = Math.round(alpha * 255);
    }
  }
  g.putImageData(img, 0, 0);
  const [x0, x1, y0, y1] = layer.extent;
  ctx.imageSmoothingEnabled = !!layer.smooth;
  ctx.drawImage(cells, px(x0), py(y1), px(x1) - px(x0), py(y0) - py(y1));
}

function drawPoints(ctx, layer, px, py) {
  ctx.globalAlpha = layer.alpha;
  const r = layer.size / 2;
  for (let i = 0; i < layer.xs.length; i++) {
    if (layer.xs[i] === null || layer.ys[i] === null) continue;
    ctx.fillStyle = layer.palette[(layer.labels ? layer.labels[i] : 0) % layer.palette.length];
    ctx.beginPath();
    ctx.arc(px(layer.xs[i]), py(layer.ys[i]), r, 0, 2 * Math.PI);
    ctx.fill();
    if (layer.outline) {
      ctx.strokeStyle = layer.outline;
      ctx.lineWidth = 2;
      ctx.stroke();
    }
  }
  ctx.globalAlpha = 1;
}

function drawMap(canvas, d) {
  const width = canvas.parentElement.clientWidth || 400;
  const ctx = sizeCanvas(canvas, width, d.height);
  const { px, py, done } = frame(ctx, 0, width, d.height, d.range, d);
  for (const layer of d.layers) (layer.type === 'grid' ? drawGrid : drawPoints)(ctx, layer, px, py);
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
  d.panels.forEach((panel, k) => {
    // As the finished chart: x spans the whole run, y starts at 0.
    let top = 0;
    for (const s of panel.series) for (const y of s.ys) if (Number.isFinite(y) && y > top) top = y;
    const { px, py, done } = frame(ctx, k * panelWidth, panelWidth, d.height, [0, Math.max(d.total, 1), 0, top * 1.05 || 1],
      { title: panel.title, xlabel: d.xlabel, ylabel: '' });
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

const escape = (text) => String(text).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

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
    root.innerHTML = '<canvas style="display:block"></canvas>'
      + '<div class="aeviz-canvas-legend" style="font:12px sans-serif;color:#333;margin-top:2px"></div>';
    parentElement.appendChild(root);
  }
  const canvas = root.querySelector('canvas');
  const draw = data.kind === 'map' ? drawMap : drawCurves;
  // A picture to a screen reader: named by its title (or its panels' titles).
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', data.kind === 'map' ? (data.title || `${data.xlabel}, ${data.ylabel}`)
    : data.panels.map((p) => p.title).join(' · '));
  legend(root.querySelector('.aeviz-canvas-legend'), data);
  draw(canvas, data);
  let drawnAt = root.clientWidth; // redraw when the column's width changes, not on the observer's first call
  const resize = new ResizeObserver(() => {
    if (root.clientWidth !== drawnAt) { drawnAt = root.clientWidth; draw(canvas, data); }
  });
  resize.observe(root);
  return () => resize.disconnect();
}
