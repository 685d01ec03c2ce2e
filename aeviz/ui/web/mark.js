// Draws named rings on a chart at data coordinates and keeps them there through zoom and pan
// (plotly_relayout / plotly_afterplot). Same page-structure caveat as click.js.
export default function(component) {
  const { data } = component;
  const sel = `.st-key-${data.target} .js-plotly-plot`;
  const apply = (tries) => {
    const gd = document.querySelector(sel);
    if (!gd || !gd._fullLayout || !gd._fullLayout.xaxis) {
      if (tries > 0) setTimeout(() => apply(tries - 1), 100);
      return;
    }
    gd.__aevizMarks = gd.__aevizMarks || {};
    gd.__aevizMarks[data.name] = data;
    const draw = () => {
      const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
      for (const d of Object.values(gd.__aevizMarks)) {
        let el = gd.querySelector(`[data-aeviz-mark="${d.name}"]`);
        if (!el) {
          el = document.createElement('div');
          el.dataset.aevizMark = d.name;
          el.className = d.css;
          el.style.cssText = 'position:absolute;pointer-events:none;z-index:10;width:26px;height:26px;'
            + `margin:-13px 0 0 -13px;border:4px solid ${d.color};border-radius:50%;box-shadow:0 0 0 2px #fff;`;
          const tag = document.createElement('span');
          tag.style.cssText = `position:absolute;left:26px;top:-8px;font:bold 14px sans-serif;color:${d.color};`
            + 'background:rgba(255,255,255,.85);padding:0 3px;border-radius:3px;white-space:nowrap;';
          el.appendChild(tag);
          if (getComputedStyle(gd).position === 'static') gd.style.position = 'relative';
          gd.appendChild(el);
        }
        el.firstChild.textContent = d.label || '';
        const px = xa._offset + xa.l2p(d.x), py = ya._offset + ya.l2p(d.y);
        const inside = px >= xa._offset && px <= xa._offset + xa._length && py >= ya._offset && py <= ya._offset + ya._length;
        el.style.left = px + 'px'; el.style.top = py + 'px'; el.style.display = inside ? 'block' : 'none';
      }
    };
    if (!gd.__aevizMarkHooked && gd.on) {
      gd.__aevizMarkHooked = true;
      gd.on('plotly_relayout', () => gd.__aevizDraw()); gd.on('plotly_afterplot', () => gd.__aevizDraw());
    }
    gd.__aevizDraw = draw;
    draw();
  };
  apply(100);
  // Unmounted when its fragment no longer draws it: the ring goes with it.
  return () => {
    const gd = document.querySelector(sel);
    if (!gd || !gd.__aevizMarks) return;
    delete gd.__aevizMarks[data.name];
    const el = gd.querySelector(`[data-aeviz-mark="${data.name}"]`);
    if (el) el.remove();
  };
}
