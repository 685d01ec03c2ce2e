// Draws a named ring on a latent map (latent_map.js) at data coordinates; the map keeps it in
// place through zoom and pan (no position: no ring). Same page-structure caveat as click.js.
export default function(component) {
  const { data } = component;
  const sel = `.st-key-${data.target} .aeviz-latent-map`;
  const mark = { x: data.x, y: data.y, color: data.color, label: data.label || '', css: data.css };
  const apply = (tries) => {
    const root = document.querySelector(sel);
    if (!root || !root.__aevizMap) {
      if (tries > 0) setTimeout(() => apply(tries - 1), 100);
      return;
    }
    root.__aevizMap.setMark(data.name, Number.isFinite(mark.x) && Number.isFinite(mark.y) ? mark : null);
  };
  apply(100);
  // Unmounted when its fragment no longer draws it: the ring goes with it.
  return () => {
    const root = document.querySelector(sel);
    if (root && root.__aevizMap) root.__aevizMap.setMark(data.name, null);
  };
}
