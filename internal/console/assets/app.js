(function () {
  'use strict';
  var TOKEN_KEY = 'schemagate.console.token';
  var $ = function (id) { return document.getElementById(id); };
  var state = { view: '', overview: null, prev: null, rates: { accepted: [], rejected: [], failed: [] },
    groups: [], selected: null, tail: [], paused: false, tailStats: null, schemas: null, compat: null,
    stream: null, streamTail: false, authed: false };

  function token() { try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; } }
  function headers(extra) {
    var h = extra || {};
    var t = token();
    if (t) { h.Authorization = 'Bearer ' + t; }
    return h;
  }
  function api(path, opts) {
    opts = opts || {};
    opts.headers = headers(opts.headers);
    opts.cache = 'no-store';
    return fetch(path, opts).then(function (r) {
      if (r.status === 401) { needToken(); throw new Error('a token is needed'); }
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    });
  }
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else if (k === 'class') { e.className = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    }); }
    (kids || []).forEach(function (c) { if (c != null) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); } });
    return e;
  }
  function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } return e; }
  function pretty(x) {
    if (typeof x === 'string') { try { return JSON.stringify(JSON.parse(x), null, 2); } catch (e) { return x; } }
    return JSON.stringify(x, null, 2);
  }
  function fmtRate(n) { return n >= 100 ? Math.round(n).toString() : n.toFixed(1); }
  function ago(t) {
    var s = Math.max(0, Math.round((Date.now() - new Date(t).getTime()) / 1000));
    return s < 60 ? s + ' s ago' : Math.round(s / 60) + ' min ago';
  }
  var SVGNS = 'http://www.w3.org/2000/svg';
  function spark(svg, values) {
    clear(svg);
    var w = 100, h = 30, n = values.length, top = Math.max.apply(null, values.concat([1]));
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    svg.setAttribute('preserveAspectRatio', 'none');
    var pts = values.map(function (v, i) {
      return (n < 2 ? 0 : (i * w / (n - 1))).toFixed(1) + ',' + (h - 1 - (v / top) * (h - 2)).toFixed(1);
    });
    var line = document.createElementNS(SVGNS, 'polyline');
    line.setAttribute('points', pts.join(' '));
    line.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.appendChild(line);
    return svg;
  }

  // ---- sign-in ----
  function needToken() {
    state.authed = false;
    stopStream();
    $('signin').hidden = false;
    document.querySelectorAll('.view').forEach(function (v) { v.hidden = true; });
    setConn('token needed', 'down');
    $('token').focus();
  }
  $('signin-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    try { sessionStorage.setItem(TOKEN_KEY, $('token').value.trim()); } catch (e) { /* private mode */ }
    $('token').value = '';
    start();
  });
  $('signout').addEventListener('click', function () {
    try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* nothing kept */ }
    location.reload();
  });
  function setConn(text, cls) { var c = $('conn'); c.textContent = text; c.className = 'pill ' + (cls || ''); }

  // ---- the stream: server-sent events read with fetch, so the token can go in a header ----
  function stopStream() { if (state.stream) { state.stream.abort(); state.stream = null; } }
  function openStream(withTail) {
    stopStream();
    var ctl = new AbortController();
    state.stream = ctl; state.streamTail = withTail;
    fetch('/ui/api/stream' + (withTail ? '?tail=1' : ''), { headers: headers(), signal: ctl.signal, cache: 'no-store' })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { needToken(); return; } // 403: a producer's token, not an admin's
        if (!r.ok || !r.body) { throw new Error('stream: HTTP ' + r.status); }
        setConn('live', 'live');
        var reader = r.body.getReader(), dec = new TextDecoder(), buf = '';
        function pump() {
          return reader.read().then(function (res) {
            if (res.done) { throw new Error('stream ended'); }
            buf += dec.decode(res.value, { stream: true });
            var i;
            while ((i = buf.indexOf('\n\n')) >= 0) { onEvent(buf.slice(0, i)); buf = buf.slice(i + 2); }
            return pump();
          });
        }
        return pump();
      })
      .catch(function () {
        if (state.stream !== ctl) { return; } // replaced on purpose
        setConn('reconnecting…', 'down');
        setTimeout(function () { if (state.stream === ctl) { openStream(withTail); } }, 1500);
      });
  }
  function onEvent(block) {
    var name = 'message', data = '';
    block.split('\n').forEach(function (line) {
      if (line.indexOf('event: ') === 0) { name = line.slice(7); } else if (line.indexOf('data: ') === 0) { data += line.slice(6); }
    });
    var v; try { v = JSON.parse(data); } catch (e) { return; }
    if (name === 'overview') { onOverview(v); } else if (name === 'rejects') { onRejects(v); } else if (name === 'tail') { onTail(v); }
  }

  // ---- overview ----
  function onOverview(o) {
    var prev = state.overview;
    state.overview = o;
    if (prev) {
      var dt = (new Date(o.time) - new Date(prev.time)) / 1000;
      ['accepted', 'rejected', 'failed'].forEach(function (k) {
        var r = dt > 0 ? Math.max(0, (o.frames[k] - prev.frames[k]) / dt) : 0;
        var a = state.rates[k]; a.push(r); if (a.length > 60) { a.shift(); }
        $('rate-' + k).textContent = fmtRate(r);
        spark($('spark-' + k), a);
      });
    }
    $('ready').textContent = o.ready;
    $('ready').className = 'big ' + (o.ready === 'ready' ? 'ok' : 'bad');
    $('reload').textContent = typeof o.reload === 'string' ? o.reload : pretty(o.reload);
    kv($('totals'), ['accepted', 'rejected', 'failed'].map(function (k) { return [k, o.frames[k]]; }));
    var conns = o.connections || {};
    kv($('connections'), Object.keys(conns).sort().map(function (k) { return [k, conns[k]]; }));
    kv($('schemas-loaded'), o.schemas.map(function (s) { return [s.type, s.versions.map(function (v) { return 'v' + v; }).join(', ')]; }));
    kv($('settings'), [['send for real (allow_send)', o.settings.allow_send ? 'on' : 'off'],
      ['event data (show_data)', o.settings.show_data ? 'shown' : 'shape only'],
      ['rejects window', o.settings.window_minutes + ' min'], ['tail rate', o.settings.tail_rate + ' frames/s'],
      ['tail watchers', o.tail.watchers], ['auth', o.settings.auth ? 'on' : 'off']]);
    $('rejects-window').textContent = '(last ' + o.settings.window_minutes + ' min)';
    $('t-send').hidden = !o.settings.allow_send;
    fillTypes(o.schemas);
  }
  function kv(tbody, rows) {
    clear(tbody);
    rows.forEach(function (r) { tbody.appendChild(el('tr', null, [el('td', { text: r[0] }), el('td', { class: 'mono', text: String(r[1]) })])); });
  }
  var typesKnown = '';
  function fillTypes(schemas) {
    var sig = JSON.stringify(schemas);
    if (sig === typesKnown) { return; }
    typesKnown = sig;
    state.types = schemas;
    [$('t-type'), $('f-type')].forEach(function (sel) {
      var keep = sel.value, any = sel.id === 'f-type';
      clear(sel);
      if (any) { sel.appendChild(el('option', { value: '', text: 'any' })); }
      schemas.forEach(function (s) { sel.appendChild(el('option', { value: s.type, text: s.type })); });
      if (keep) { sel.value = keep; }
    });
    fillTryVersions();
  }

  // ---- rejects ----
  function onRejects(groups) {
    state.groups = groups;
    var tb = clear($('rejects-table').tBodies[0]);
    $('rejects-empty').hidden = groups.length > 0;
    groups.forEach(function (g) {
      var open = el('button', { type: 'button', class: 'row-open', text: g.keyword, 'aria-label': 'samples of ' + g.type + ' v' + g.version + ' ' + g.keyword + ' at ' + (g.path || '(root)') });
      open.addEventListener('click', function () { showSamples(g); });
      var tr = el('tr', { class: 'pick', 'data-group': String(g.id), 'data-keyword': g.keyword, 'data-count': String(g.count),
        'aria-selected': String(state.selected === g.id) }, [
        el('td', null, [spark(el2('svg', 'spark row'), g.per_minute)]),
        el('td', { class: 'mono', text: g.type || '–' }), el('td', { text: g.version ? String(g.version) : '–' }),
        el('td', { class: 'keyword' }, [open]), el('td', { class: 'mono path', text: g.path || '(root)' }),
        el('td', { class: 'num count', text: String(g.count) }), el('td', { class: 'muted', text: ago(g.last) })]);
      tr.addEventListener('click', function (ev) { if (ev.target.tagName !== 'BUTTON') { showSamples(g); } });
      tb.appendChild(tr);
    });
  }
  function el2(tag, cls) { var e = document.createElementNS(SVGNS, tag); e.setAttribute('class', cls); return e; }
  function showSamples(g) {
    state.selected = g.id;
    api('/ui/api/rejects/' + g.id).then(function (r) {
      var box = $('samples'), list = clear($('samples-list'));
      box.hidden = false;
      $('samples-h').textContent = 'Samples of ' + (g.type || '?') + ' v' + g.version + ' · ' + g.keyword + ' at ' + (g.path || '(root)');
      if (r.status !== 200) { list.appendChild(el('p', { class: 'muted', text: r.body.error ? r.body.error.message : 'gone' })); return; }
      r.body.samples.forEach(function (s) {
        list.appendChild(el('div', { class: 'sample' }, [
          el('div', { class: 'muted small', text: new Date(s.at).toLocaleTimeString() + (s.truncated ? ' · ' + s.truncated + ' bytes cut' : '') }),
          el('div', { class: 'side' }, [
            el('div', null, [el('h3', { text: 'frame' }), el('pre', { tabindex: '0', text: pretty(s.frame) })]),
            el('div', null, [el('h3', { text: 'report' }), el('pre', { tabindex: '0', class: 'report', text: pretty(s.error) })])])]));
      });
      box.focus({ preventScroll: true });
    }).catch(function () { /* sign-in shown */ });
  }

  // ---- live tail ----
  function onTail(b) {
    state.tailStats = b;
    if (!state.paused) {
      for (var i = 0; i < b.entries.length; i++) { state.tail.unshift(b.entries[i]); }
      if (state.tail.length > 500) { state.tail.length = 500; }
      renderTail();
    } else { renderTailStats(); }
  }
  function tailMatch(e) {
    var t = $('f-type').value, v = $('f-version').value, o = $('f-outcome').value, q = $('f-text').value.toLowerCase();
    if (t && e.type !== t) { return false; }
    if (v && String(e.version) !== v) { return false; }
    if (o && e.outcome !== o) { return false; }
    if (q) {
      var hay = [e.type, e.keyword, e.path, e.message, e.status, JSON.stringify(e.data)].join(' ').toLowerCase();
      if (hay.indexOf(q) < 0) { return false; }
    }
    return true;
  }
  function renderTailStats() {
    var b = state.tailStats, shown = state.tail.filter(tailMatch).length;
    $('tail-stats').textContent = shown + ' of ' + state.tail.length + ' kept frames match' +
      (b ? ' · sampled out by the tail rate: ' + b.sampled_out + ' · lost by this tab being slow: ' + b.dropped : '') +
      (state.paused ? ' · paused' : '');
  }
  function renderTail() {
    var tb = clear($('tail-table').tBodies[0]);
    state.tail.filter(tailMatch).slice(0, 200).forEach(function (e) {
      var cls = e.outcome === 'accepted' ? 'ok' : e.outcome === 'rejected' ? 'bad' : 'warn';
      var why = e.outcome === 'accepted' ? '' : (e.keyword || e.status) + ' at ' + (e.path || '(root)') + (e.message ? ': ' + e.message : '');
      tb.appendChild(el('tr', { 'data-outcome': e.outcome }, [
        el('td', { class: 'mono', text: new Date(e.at).toLocaleTimeString() }),
        el('td', null, [el('span', { class: 'badge ' + cls, text: e.outcome })]),
        el('td', { class: 'mono', text: e.type || '–' }), el('td', { text: e.version ? String(e.version) : '–' }),
        el('td', { text: why }), el('td', { class: 'mono data', text: JSON.stringify(e.data) })]));
    });
    renderTailStats();
  }
  ['f-type', 'f-version', 'f-outcome', 'f-text'].forEach(function (id) { $(id).addEventListener('input', renderTail); });
  $('tail-filters').addEventListener('submit', function (ev) { ev.preventDefault(); });
  $('tail-pause').addEventListener('click', function () {
    state.paused = !state.paused;
    this.setAttribute('aria-pressed', String(state.paused));
    this.textContent = state.paused ? 'Resume' : 'Pause';
    renderTail();
  });
  $('tail-clear').addEventListener('click', function () { state.tail = []; renderTail(); });

  // ---- schemas ----
  function loadSchemas() {
    if (state.schemas) { renderSchemas(); return; }
    api('/ui/api/schemas').then(function (r) {
      state.schemas = r.body || [];
      var sel = clear($('s-type'));
      state.schemas.forEach(function (t) { sel.appendChild(el('option', { value: t.type, text: t.type })); });
      pickVersions();
    }).catch(function () { /* sign-in shown */ });
    api('/ui/api/compat').then(function (r) { state.compat = r.body; renderCompat(); }).catch(function () { /* sign-in shown */ });
  }
  function schemaType() {
    var t = $('s-type').value;
    return (state.schemas || []).filter(function (s) { return s.type === t; })[0];
  }
  function pickVersions() {
    var t = schemaType(); if (!t) { return; }
    [$('s-left'), $('s-right')].forEach(function (sel, i) {
      clear(sel);
      t.versions.forEach(function (v) { sel.appendChild(el('option', { value: String(v.version), text: 'v' + v.version })); });
      var n = t.versions.length;
      sel.value = String(t.versions[i === 0 ? Math.max(0, n - 2) : n - 1].version);
    });
    renderSchemas();
  }
  function version(t, v) { return t.versions.filter(function (x) { return String(x.version) === v; })[0]; }
  function renderSchemas() {
    var t = schemaType(); if (!t) { return; }
    var l = version(t, $('s-left').value), r = version(t, $('s-right').value);
    $('s-left-h').textContent = t.type + ' v' + l.version + ' · ' + l.path;
    $('s-right-h').textContent = t.type + ' v' + r.version + ' · ' + r.path;
    var a = pretty(l.source), b = pretty(r.source);
    $('s-left-src').textContent = a; $('s-right-src').textContent = b;
    var d = clear($('s-diff')), lines = diff(a.split('\n'), b.split('\n')), changed = 0;
    lines.forEach(function (x) {
      if (x[0] !== ' ') { changed++; }
      d.appendChild(el('span', { class: x[0] === '+' ? 'add' : x[0] === '-' ? 'del' : '' , text: x[0] + ' ' + x[1] + '\n' }));
    });
    if (!changed) { clear(d).textContent = l.version === r.version ? 'Pick two different versions to see a diff.' : 'No differences.'; }
    renderCompat();
  }
  // diff is a line diff by longest common subsequence: small files only, which schemas are.
  function diff(a, b) {
    var n = a.length, m = b.length, i, j, L = [];
    for (i = 0; i <= n; i++) { L.push(new Array(m + 1).fill(0)); }
    for (i = n - 1; i >= 0; i--) { for (j = m - 1; j >= 0; j--) { L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]); } }
    var out = []; i = 0; j = 0;
    while (i < n && j < m) {
      if (a[i] === b[j]) { out.push([' ', a[i]]); i++; j++; } else if (L[i + 1][j] >= L[i][j + 1]) { out.push(['-', a[i++]]); } else { out.push(['+', b[j++]]); }
    }
    while (i < n) { out.push(['-', a[i++]]); }
    while (j < m) { out.push(['+', b[j++]]); }
    return out;
  }
  function renderCompat() {
    var box = clear($('s-compat')), c = state.compat, t = $('s-type').value;
    if (!c || typeof c === 'string') { box.textContent = c || 'loading…'; return; }
    var pairs = (c.pairs || []).filter(function (p) { return p.type === t; });
    var findings = [];
    pairs.forEach(function (p) { (p.findings || []).forEach(function (f) { findings.push(f); }); });
    if (!pairs.length) { box.textContent = 'Only one version: nothing to compare.'; return; }
    if (!findings.length) { box.textContent = 'No findings: every pair judged (' + pairs.map(pairName).join(', ') + ') is compatible.'; return; }
    box.className = '';
    var tb = el('tbody');
    findings.forEach(function (f) {
      tb.appendChild(el('tr', null, [el('td', null, [el('span', { class: 'badge ' + (f.severity === 'error' ? 'bad' : 'warn'), text: f.severity })]),
        el('td', { text: 'v' + f.old.version + '→v' + f['new'].version + ' ' + f.direction }), el('td', { class: 'mono', text: f.rule }),
        el('td', null, [f.message + (f.instanceLocation ? ' at ' + f.instanceLocation : ''),
          f.counterexample ? el('pre', { text: 'counterexample (valid under ' + f.validUnder + ', not under ' + f.invalidUnder + '):\n' + pretty(f.counterexample) }) : null])]));
    });
    box.appendChild(el('div', { class: 'scroll' }, [el('table', { class: 'list' }, [el('thead', null, [el('tr', null,
      [el('th', { text: 'severity' }), el('th', { text: 'pair' }), el('th', { text: 'rule' }), el('th', { text: 'finding' })])]), tb])]));
  }
  function pairName(p) { return 'v' + p.old.version + '→v' + p['new'].version + ' ' + p.direction; }
  ['s-left', 's-right'].forEach(function (id) { $(id).addEventListener('change', renderSchemas); });
  $('s-type').addEventListener('change', pickVersions);

  // ---- try a frame ----
  function fillTryVersions() {
    var t = (state.types || []).filter(function (s) { return s.type === $('t-type').value; })[0];
    if (!t) { return; }
    [$('t-a'), $('t-b')].forEach(function (sel, i) {
      var keep = sel.value;
      clear(sel);
      t.versions.forEach(function (v) { sel.appendChild(el('option', { value: String(v), text: 'v' + v })); });
      var n = t.versions.length;
      sel.value = keep && t.versions.indexOf(+keep) >= 0 ? keep : String(t.versions[i === 0 ? Math.max(0, n - 2) : n - 1]);
    });
  }
  $('t-type').addEventListener('change', function () { $('t-a').value = ''; $('t-b').value = ''; fillTryVersions(); });
  function showVerdict(box, label, v) {
    box.setAttribute('data-ok', String(v.ok));
    clear(box).appendChild(el('h3', null, [label + ' ', el('span', { class: 'badge ' + (v.ok ? 'ok' : 'bad'), text: v.ok ? 'accepted' : 'rejected' }),
      el('span', { class: 'muted small', text: ' HTTP ' + v.http_status })]));
    box.appendChild(el('pre', { tabindex: '0', class: 'reply', text: pretty(v.reply) }));
  }
  $('try-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var type = $('t-type').value, a = +$('t-a').value, b = +$('t-b').value;
    api('/ui/api/try', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: type, versions: [a, b], data: $('t-data').value }) }).then(function (r) {
      if (r.status !== 200) { clear($('verdict-a')).appendChild(el('p', { class: 'bad', text: r.body.error.message })); return; }
      showVerdict($('verdict-a'), type + ' v' + a, r.body.verdicts[0]);
      showVerdict($('verdict-b'), type + ' v' + b, r.body.verdicts[1]);
    }).catch(function () { /* sign-in shown */ });
  });
  $('t-send').addEventListener('click', function () {
    var type = $('t-type').value, a = +$('t-a').value;
    api('/ui/api/send', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: type, version: a, data: $('t-data').value }) }).then(function (r) {
      $('sent').hidden = false;
      $('sent-reply').textContent = r.status === 200 ? 'HTTP ' + r.body.http_status + '\n' + pretty(r.body.reply) : pretty(r.body);
    }).catch(function () { /* sign-in shown */ });
  });

  // ---- views ----
  var VIEWS = ['overview', 'rejects', 'tail', 'schemas', 'try'];
  function route() {
    var v = (location.hash || '#overview').slice(1);
    if (VIEWS.indexOf(v) < 0) { v = 'overview'; }
    state.view = v;
    document.querySelectorAll('nav a').forEach(function (a) {
      if (a.getAttribute('data-view') === v) { a.setAttribute('aria-current', 'page'); } else { a.removeAttribute('aria-current'); }
    });
    if (!state.authed) { return; }
    VIEWS.forEach(function (name) { $('view-' + name).hidden = name !== v; });
    if (v === 'schemas') { loadSchemas(); }
    var wantTail = v === 'tail';
    if (!state.stream || state.streamTail !== wantTail) { openStream(wantTail); }
  }
  window.addEventListener('hashchange', route);

  function start() {
    api('/ui/api/overview').then(function (r) {
      state.authed = true;
      $('signin').hidden = true;
      $('signout').hidden = !token();
      onOverview(r.body);
      route();
    }).catch(function () { /* sign-in shown */ });
  }
  start();
})();
