// Drawing helpers shared by canvas_plots.js and latent_map.js (each component's script is this
// file followed by its own: a component's script is one module, it cannot import a sibling file).

const MARGIN = { l: 48, r: 12, t: 34, b: 40 };

// Text for innerHTML (legend entries are class and series names).
const escape = (text) => String(text).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

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
// ``d.xticks`` / ``d.yticks`` ([[value, text], ...]) replace the evenly spaced ticks; ``m`` the margins.
function frame(ctx, left, width, height, range, d, m = MARGIN) {
  const [x0, x1, y0, y1] = range;
  const l = left + m.l, w = width - m.l - m.r, h = height - m.t - m.b;
  const px = (x) => l + ((x - x0) / (x1 - x0)) * w;
  const py = (y) => m.t + (1 - (y - y0) / (y1 - y0)) * h;
  const xticks = d.xticks || niceTicks(x0, x1, 6).map((v) => [v, label(v)]);
  const yticks = d.yticks || niceTicks(y0, y1, 6).map((v) => [v, label(v)]);
  ctx.font = '12px sans-serif';
  ctx.fillStyle = '#444';
  ctx.strokeStyle = '#e5e5e5';
  ctx.lineWidth = 1;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const [v, text] of xticks) {
    const x = Math.round(px(v)) + 0.5;
    ctx.beginPath(); ctx.moveTo(x, m.t); ctx.lineTo(x, m.t + h); ctx.stroke();
    ctx.fillText(text, x, m.t + h + 4);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const [v, text] of yticks) {
    const y = Math.round(py(v)) + 0.5;
    ctx.beginPath(); ctx.moveTo(l, y); ctx.lineTo(l + w, y); ctx.stroke();
    ctx.fillText(text, l - 5, y);
  }
  ctx.strokeStyle = '#999';
  ctx.strokeRect(l + 0.5, m.t + 0.5, w - 1, h - 1);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  if (d.xlabel) ctx.fillText(d.xlabel, l + w / 2, height - 2);
  if (d.ylabel) {
    ctx.save();
    ctx.translate(left + 12, m.t + h / 2);
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
  ctx.rect(l, m.t, w, h);
  ctx.clip();
  return { px, py, l, t: m.t, w, h, done: () => ctx.restore() };
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

// An image layer's picture: decoded once (``layer.src``, a data URI) and kept on the layer, so a
// redraw paints it synchronously; ``ready`` resolves when it can be painted.
function loadImage(layer) {
  if (!layer.__image) {
    layer.__image = new Image();
    layer.__ready = new Promise((resolve) => { layer.__image.onload = resolve; layer.__image.onerror = resolve; });
    layer.__image.src = layer.src;
  }
  return layer.__ready;
}

function drawImage(ctx, layer, px, py) {
  const im = layer.__image;
  if (!im || !im.complete || !im.naturalWidth) return;
  const [x0, x1, y0, y1] = layer.extent;
  ctx.imageSmoothingEnabled = !!layer.smooth; // crisp pixels: a grid of 28 x 28 digits
  ctx.drawImage(im, px(x0), py(y1), px(x1) - px(x0), py(y0) - py(y1));
}

function drawLayer(ctx, layer, px, py) {
  if (layer.type === 'grid') drawGrid(ctx, layer, px, py);
  else if (layer.type === 'image') drawImage(ctx, layer, px, py);
  else drawPoints(ctx, layer, px, py);
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

