// Hears clicks on one plotly chart and reports {x, y, row} to Python. It relies on plotly's page
// structure (.st-key-<key> .js-plotly-plot, gd.on, plotly_click's xvals/yvals under
// layout.clickanywhere), not a public Streamlit API: tests/browser/test_explorer_browser.py covers it.
export default function(component) {
  const { data, setTriggerValue } = component;
  const hook = (tries) => {
    const gd = document.querySelector(`.st-key-${data.target} .js-plotly-plot`);
    if (!gd || typeof gd.on !== 'function' || !gd._fullLayout) {
      if (tries > 0) setTimeout(() => hook(tries - 1), 100);
      return;
    }
    gd.__aevizSend = setTriggerValue;  // the latest mount's sender
    if (gd.__aevizClickHooked) return;
    gd.__aevizClickHooked = true;
    gd.on('plotly_click', (ev) => {
      const pts = (ev && ev.points) || [];
      const pt = pts.find((p) => p.customdata !== undefined && p.customdata !== null);
      const row = pt ? Number(Array.isArray(pt.customdata) ? pt.customdata[0] : pt.customdata) : null;
      const x = ev.xvals && ev.xvals.length ? ev.xvals[0] : (pt ? pt.x : null);
      const y = ev.yvals && ev.yvals.length ? ev.yvals[0] : (pt ? pt.y : null);
      if (x === null || y === null || !gd.__aevizSend) return;
      gd.__aevizSend('click', { x: x, y: y, row: row });
    });
  };
  hook(100);
}
