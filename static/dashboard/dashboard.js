// deserwall dashboard client. Live data arrives as server-sent events from
// api/events (or by polling api/stats when EventSource is unavailable or
// keeps failing). Every value from the server is request-derived or config
// data and goes into the page with textContent only: nothing here parses
// HTML. The chart is drawn on a <canvas> by hand.
'use strict';

(function () {
  const POLL_MS = 2000;
  const $ = (id) => document.getElementById(id);

  /** An element with text content (never markup) and optional class. */
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function row(cells) {
    const tr = document.createElement('tr');
    for (const c of cells) tr.appendChild(c instanceof Node ? c : el('td', c));
    return tr;
  }

  function num(n) {
    return el('td', String(n), 'num');
  }

  function setConnection(state, text) {
    document.body.dataset.connection = state;
    $('connection').textContent = text;
  }

  function hms(ms) {
    const d = new Date(ms);
    const p = (x) => String(x).padStart(2, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }

  function duration(s) {
    s = Math.max(0, Math.floor(s));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h > 0 ? `up ${h}h ${m}m` : `up ${m}m ${s % 60}s`;
  }

  function renderStats(s) {
    const t = s.totals;
    $('count-requests').textContent = String(t.requests);
    $('count-forwarded').textContent = String(t.forwarded);
    $('count-blocked').textContent = String(t.blocked);
    $('count-refused').textContent = String(t.refused);
    $('count-logged').textContent = String(t.logged);
    $('count-findings').textContent = String(t.findings);
    $('uptime').textContent = duration((s.now - s.startedAt) / 1000);

    $('top-rules').tBodies[0].replaceChildren(...s.topRules.map((r) => row([el('td', r.rule, 'code rule'), r.family, num(r.count)])));
    $('top-families').tBodies[0].replaceChildren(...s.topFamilies.map((f) => row([f.family, num(f.count)])));
    $('workers').tBodies[0].replaceChildren(...s.workers.map((w) => row([w.id === 0 ? 'this process' : `worker ${w.id}`, num(w.requests)])));
    $('route-counts').tBodies[0].replaceChildren(...s.routes.map((r) => row([r.route, num(r.requests)])));

    const rows = s.latest.map((f) => {
      const excerpt = el('td');
      excerpt.appendChild(el('code', f.excerpt, 'excerpt'));
      const where = el('td', `${f.location} @${f.offset}`, 'code');
      const request = el('td', `${f.method} ${f.path}`, 'code');
      request.title = `request ${f.requestId} → ${f.verdict} ${f.status}, route ${f.route}`;
      return row([hms(f.t), el('td', f.action, `action-${f.action}`), el('td', f.rule, 'code rule'), f.family, request, where, excerpt, f.message]);
    });
    $('findings').tBodies[0].replaceChildren(...rows);
    $('no-findings').hidden = rows.length > 0;
    const d = s.dropped;
    $('dropped').textContent = d && (d.events > 0 || d.malformed > 0) ? `(${d.events} events dropped under load)` : '';
    drawChart($('chart'), s.series);
  }

  function renderConfig(c) {
    const mode = $('mode');
    mode.textContent = `${c.mode} mode`;
    mode.className = `badge ${c.mode === 'block' ? 'block' : 'log'}`;
    const pairs = [
      ['mode', c.mode],
      ['listen', c.listen],
      ['upstream', c.upstream],
      ['admin', c.admin],
      ['workers', c.workers],
      ['block status', c.blockStatus],
      ['max body bytes', c.maxBodyBytes],
      ['audit log', c.audit.enabled ? c.audit.destination : 'off'],
      ['config file', c.configFile],
    ];
    const kv = [];
    for (const [k, v] of pairs) kv.push(el('dt', k), el('dd', v));
    $('config-summary').replaceChildren(...kv);
    $('config-routes').tBodies[0].replaceChildren(
      ...(c.routes.length > 0
        ? c.routes.map((r) => row([r.name, r.host, r.methods, el('td', r.path, 'code'), r.policy, r.mode]))
        : [row(['(none: every request uses the default policy)', '', '', '', 'default', c.mode])]),
    );
    $('config-policies').tBodies[0].replaceChildren(
      ...c.policies.map((p) => {
        const fams = Object.entries(p.families).map(([f, a]) => `${f}: ${a}`).join(', ');
        const name = el('td', p.name);
        if (p.description) name.title = p.description;
        return row([name, el('td', fams, 'code'), num(p.exclusions), p.onError]);
      }),
    );
  }

  // ---- chart -------------------------------------------------------------
  function cssVar(name, fallback) {
    const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return v || fallback;
  }

  function drawChart(canvas, series) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || canvas.width;
    const h = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);

    // Stacked bars, one per second: forwarded (incl. logged) at the bottom, then blocked, then refused.
    const forwarded = series.forwarded.map((v, i) => v + (series.logged[i] || 0));
    const stacks = [
      [forwarded, cssVar('--ok', '#3fb950')],
      [series.blocked, cssVar('--bad', '#f85149')],
      [series.refused, cssVar('--warn', '#d29922')],
    ];
    const n = forwarded.length;
    let max = 1;
    for (let i = 0; i < n; i++) {
      const sum = forwarded[i] + (series.blocked[i] || 0) + (series.refused[i] || 0);
      if (sum > max) max = sum;
    }
    max = niceCeil(max);

    const pad = { l: 40, r: 10, t: 10, b: 22 };
    const pw = w - pad.l - pad.r;
    const ph = h - pad.t - pad.b;
    const slot = pw / Math.max(1, n);
    const x = (i) => pad.l + i * slot;
    const y = (v) => pad.t + ph - (v / max) * ph;

    ctx.strokeStyle = cssVar('--line', '#2a3440');
    ctx.fillStyle = cssVar('--muted', '#8a97a6');
    ctx.lineWidth = 1;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of [0, max / 2, max]) {
      ctx.beginPath();
      ctx.moveTo(pad.l, Math.round(y(v)) + 0.5);
      ctx.lineTo(pad.l + pw, Math.round(y(v)) + 0.5);
      ctx.stroke();
      ctx.fillText(String(Math.round(v * 10) / 10), pad.l - 6, y(v));
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const back of [120, 90, 60, 30, 0]) {
      const i = n - 1 - back;
      if (i < 0) continue;
      ctx.fillText(back === 0 ? 'now' : `-${back}s`, x(i) + slot / 2, pad.t + ph + 6);
    }

    const bw = Math.max(1, slot - 1);
    for (let i = 0; i < n; i++) {
      let base = 0;
      for (const [data, color] of stacks) {
        const v = data[i] || 0;
        if (v <= 0) continue;
        ctx.fillStyle = color;
        const top = y(base + v);
        ctx.fillRect(x(i), top, bw, y(base) - top);
        base += v;
      }
    }
  }

  function niceCeil(v) {
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  // ---- data --------------------------------------------------------------
  let lastStats = null;

  function onStats(s) {
    lastStats = s;
    renderStats(s);
  }

  function parse(text) {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }

  function poll() {
    fetch('api/stats', { cache: 'no-store' })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((s) => {
        setConnection('polling', 'polling');
        if (s.config) renderConfig(s.config);
        onStats(s);
      })
      .catch(() => setConnection('reconnecting', 'admin listener unreachable, retrying…'))
      .finally(() => setTimeout(poll, POLL_MS));
  }

  function connect() {
    if (typeof EventSource !== 'function') return poll();
    const es = new EventSource('api/events');
    let failures = 0;
    es.addEventListener('open', () => {
      failures = 0;
      setConnection('live', 'live');
    });
    es.addEventListener('config', (ev) => {
      const c = parse(ev.data);
      if (c) renderConfig(c);
    });
    es.addEventListener('stats', (ev) => {
      const s = parse(ev.data);
      if (s) onStats(s);
    });
    es.addEventListener('error', () => {
      failures++;
      setConnection('reconnecting', 'reconnecting…');
      if (failures >= 5) {
        es.close();
        poll();
      }
    });
  }

  window.addEventListener('resize', () => {
    if (lastStats) drawChart($('chart'), lastStats.series);
  });
  connect();
})();
