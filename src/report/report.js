// patrolplan report: colours the map by measure and slot, draws the shift timeline.
// Plain JavaScript, no libraries, no network. Opened with #selftest in the URL it
// checks itself and writes the result into the selftest element (tests/browser/run.sh).
(function () {
  'use strict';
  var t0 = performance.now();
  var D = JSON.parse(document.getElementById('data').textContent);
  var CODE = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var LV = new Int8Array(128);
  for (var c = 0; c < 64; c++) LV[CODE.charCodeAt(c)] = c;
  function $(id) { return document.getElementById(id); }
  function v(arr, r, s) { return LV[arr[r].charCodeAt(s)]; }

  // Colours: ramp = red (0) / yellow (0.5) / green (1), as in the GeoJSON export;
  // heat = white (0) to dark red (1).
  function ramp(x) {
    x = Math.max(0, Math.min(1, x));
    var r, g;
    if (x < 0.5) { r = 215; g = 48 + x / 0.5 * 152; } else { r = 215 - (x - 0.5) / 0.5 * 189; g = 200 - (x - 0.5) / 0.5 * 50; }
    return 'rgb(' + Math.round(r) + ',' + Math.round(g) + ',60)';
  }
  function heat(x) {
    x = Math.max(0, Math.min(1, x));
    return 'rgb(' + Math.round(255 - x * 95) + ',' + Math.round(245 - x * 245) + ',' + Math.round(235 - x * 235) + ')';
  }
  var RAMP = [], HEAT = [];
  for (var i = 0; i < 64; i++) { RAMP.push(ramp(i / 63)); HEAT.push(heat(Math.sqrt(i / 63))); }
  var GREEN = ramp(1), YELLOW = ramp(0.5), RED = ramp(0), PALE = '#eef3ee';

  var MEASURES = {
    uncovered: {
      legend: 'risk of region-slots with no patrol team or no mobile team within ' + D.responseMinutes + ' min (white none, dark red most); pale green covered',
      colour: function (r, s) { return (v(D.pc, r, s) === 0 || v(D.rt, r, s) === 0) ? HEAT[v(D.rk, r, s)] : PALE; }
    },
    presence: {
      legend: 'presence value g(P) / G: red 0, yellow half, green full',
      colour: function (r, s) { return RAMP[v(D.pv, r, s)]; }
    },
    meeting: {
      legend: 'green patrolled; unpatrolled shaded by footfall (white none, dark red most)',
      colour: function (r, s) { return v(D.pc, r, s) > 0 ? GREEN : HEAT[v(D.ff, r, s)]; }
    },
    response: {
      legend: 'green: a mobile team within ' + D.responseMinutes + ' min; red: none',
      colour: function (r, s) { return v(D.rt, r, s) > 0 ? GREEN : RED; }
    },
    backup: {
      legend: 'mobile teams within ' + D.backupMinutes + ' min: green two or more, yellow one, red none',
      colour: function (r, s) { var n = v(D.bt, r, s); return n >= 2 ? GREEN : (n === 1 ? YELLOW : RED); }
    }
  };

  var regionEls = document.querySelectorAll('#regions > *');
  var postEls = document.querySelectorAll('#posts > circle');
  var slider = $('slot'), measureSel = $('measure'), label = $('slot-label');
  var circles = $('circles'), legend = $('legend');
  var slot = 0, onPosts = [];

  function paintMap() {
    var m = MEASURES[measureSel.value];
    for (var r = 0; r < regionEls.length; r++) regionEls[r].style.fill = m.colour(r, slot);
    for (var i = 0; i < onPosts.length; i++) postEls[onPosts[i]].classList.remove('on');
    onPosts = [];
    var occ = D.occ[slot] || [], html = '';
    for (var j = 0; j + 1 < occ.length; j += 2) {
      var p = occ[j], rad = occ[j + 1], xy = D.postXY[p];
      if (postEls[p]) { postEls[p].classList.add('on'); onPosts.push(p); }
      if (rad > 0) html += '<circle cx="' + xy[0] + '" cy="' + xy[1] + '" r="' + rad + '"/>';
    }
    circles.innerHTML = html;
    legend.textContent = m.legend + '. Blue posts: occupied in this slot, with their ' + D.responseMinutes + '-minute response circles (' + (occ.length / 2) + ' mobile teams on duty).';
    label.textContent = D.labels[slot] + ' (slot ' + slot + ')';
  }

  function setSlot(s) {
    slot = Math.max(0, Math.min(D.slots - 1, s | 0));
    if (+slider.value !== slot) slider.value = slot;
    paintMap();
    drawGantt();
  }
  slider.addEventListener('input', function () { setSlot(+slider.value); });
  measureSel.addEventListener('change', paintMap);
  var timer = null, playBtn = $('play');
  playBtn.addEventListener('click', function () {
    if (timer) { clearInterval(timer); timer = null; playBtn.textContent = 'play'; return; }
    playBtn.textContent = 'pause';
    timer = setInterval(function () { setSlot((slot + 1) % D.slots); }, 400);
  });

  // Map tooltip.
  var tip = $('tip'), mapwrap = document.querySelector('.mapwrap');
  $('regions').addEventListener('mousemove', function (ev) {
    var r = ev.target.getAttribute('data-r');
    if (r === null) return;
    r = +r;
    var g = D.regions[r];
    var q = function (a) { var n = v(a, r, slot); return n === 63 ? '63+' : String(n); };
    tip.textContent = g[0] + ' ' + g[1] + (g[2] ? ' (' + g[2] + ')' : '') + '\n' + D.labels[slot] +
      '\npatrol teams: ' + q(D.pc) + ', presence value ≈ ' + (v(D.pv, r, slot) / 63).toFixed(2) + ' of full' +
      '\nmobile teams within ' + D.responseMinutes + ' min: ' + q(D.rt) + ', within ' + D.backupMinutes + ' min: ' + q(D.bt) +
      '\nrisk ≈ ' + (v(D.rk, r, slot) / 63 * D.riskMax).toPrecision(3);
    var b = mapwrap.getBoundingClientRect();
    tip.style.left = (ev.clientX - b.left + 12) + 'px';
    tip.style.top = (ev.clientY - b.top + 12) + 'px';
    tip.style.display = 'block';
  });
  $('regions').addEventListener('mouseleave', function () { tip.style.display = 'none'; });

  // Shift timeline.
  var groupSel = $('group'), scroll = $('gantt-scroll'), canvas = $('gantt'), spacer = $('gantt-spacer');
  var ctx = canvas.getContext('2d'), gtip = $('gantt-tip'), info = $('gantt-info');
  var HEAD = 20, COLOURS = ['#1f4e9e', '#2e8b57', '#7b3fa0'], ESCORT = '#f0a020', UNESCORTED = '#d7303c';
  D.groups.forEach(function (g, i) {
    var o = document.createElement('option');
    o.value = i; o.textContent = g[0] + ' (' + g[1].length + ')';
    groupSel.appendChild(o);
  });
  var members = [], rowH = 14, labelW = 96;
  function setGroup(i) {
    members = D.groups[i] ? D.groups[i][1] : [];
    rowH = members.length > 400 ? 5 : (members.length > 120 ? 9 : 14);
    labelW = rowH >= 9 ? 96 : 8;
    spacer.style.height = (HEAD + members.length * rowH) + 'px';
    scroll.scrollTop = 0;
    var vol = 0;
    members.forEach(function (k) { if (D.teams[k][1] === 1) vol++; });
    info.textContent = members.length + ' teams' + (vol ? ', ' + vol + ' volunteer groups (listed first)' : '') + (rowH < 9 ? '; scroll, hover for names' : '');
    drawGantt();
  }
  groupSel.addEventListener('change', function () { setGroup(+groupSel.value); });
  scroll.addEventListener('scroll', function () { drawGantt(); });
  window.addEventListener('resize', function () { drawGantt(); });

  function drawGantt() {
    var W = scroll.clientWidth || 800, H = scroll.clientHeight || 400, dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(W * dpr) || canvas.height !== Math.round(H * dpr)) {
      canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
      canvas.style.width = W + 'px'; canvas.style.height = H + 'px';
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, W, H);
    var sw = (W - labelW) / D.slots, top = scroll.scrollTop;
    var first = Math.max(0, Math.floor(top / rowH)), last = Math.min(members.length, Math.ceil((top + H) / rowH));
    ctx.font = '11px system-ui, sans-serif'; ctx.textBaseline = 'middle';
    for (var i = first; i < last; i++) {
      var k = members[i], t = D.teams[k], y = HEAD + i * rowH - top;
      if (y + rowH < HEAD) continue;
      if (i % 2) { ctx.fillStyle = '#f6f6f6'; ctx.fillRect(0, y, W, rowH); }
      if (labelW > 10) { ctx.fillStyle = '#333'; ctx.fillText(t[0], 2, y + rowH / 2); }
      var hgt = Math.max(1, rowH - 2);
      t[2].forEach(function (sh) {
        var x = labelW + sh[0] * sw;
        ctx.fillStyle = COLOURS[t[1]];
        ctx.fillRect(x, y + 1, Math.max(1, sh[1] * sw - 0.5), hgt);
        var marks = sh[3];
        for (var j = 0; j < marks.length; j++) {
          if (t[1] === 0) { ctx.fillStyle = ESCORT; ctx.fillRect(labelW + (sh[0] + marks[j]) * sw, y + 1, Math.max(1, sw - 0.5), hgt); }
          else if (t[1] === 1 && marks[j] < 0) { ctx.fillStyle = UNESCORTED; ctx.fillRect(x + j * sw, y + 1, Math.max(1, sw - 0.5), hgt); }
        }
      });
    }
    // Header: day starts (or every 24th slot) and the slider's slot.
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, W, HEAD);
    ctx.strokeStyle = '#bbb'; ctx.fillStyle = '#333';
    D.dayStarts.forEach(function (s) {
      var x = labelW + s * sw;
      ctx.beginPath(); ctx.moveTo(x + 0.5, 0); ctx.lineTo(x + 0.5, H); ctx.stroke();
      ctx.fillText(D.labels[s], x + 3, HEAD / 2);
    });
    ctx.strokeStyle = '#d7303c'; ctx.lineWidth = 2;
    var cx = labelW + (slot + 0.5) * sw;
    ctx.beginPath(); ctx.moveTo(cx, 0); ctx.lineTo(cx, H); ctx.stroke();
    ctx.lineWidth = 1;
  }

  canvas.addEventListener('mousemove', function (ev) {
    var b = canvas.getBoundingClientRect(), x = ev.clientX - b.left, y = ev.clientY - b.top;
    var W = scroll.clientWidth, sw = (W - labelW) / D.slots;
    var i = Math.floor((y - HEAD + scroll.scrollTop) / rowH), s = Math.floor((x - labelW) / sw);
    if (y < HEAD || i < 0 || i >= members.length || s < 0 || s >= D.slots) { gtip.style.display = 'none'; return; }
    var k = members[i], t = D.teams[k], text = t[0] + ' (' + ['professional patrol', 'volunteer patrol', 'mobile'][t[1]] + ')\n' + D.labels[s] + ' (slot ' + s + '): ';
    var found = null;
    t[2].forEach(function (sh) { if (s >= sh[0] && s < sh[0] + sh[1]) found = sh; });
    if (!found) { text += 'off'; } else {
      var off = s - found[0], runs = found[2], n = 0, loc = -1;
      for (var j = 0; j + 1 < runs.length; j += 2) { if (off < n + runs[j + 1]) { loc = runs[j]; break; } n += runs[j + 1]; }
      var names = t[1] === 2 ? D.posts : null;
      text += loc < 0 ? 'unknown location' : (names ? names[loc] : D.regions[loc][0] + ' ' + D.regions[loc][1]);
      text += '\nshift ' + D.labels[found[0]] + ' – slot ' + (found[0] + found[1]) + ' (' + found[1] + ' slots)';
      if (t[1] === 1) { var e = found[3][off]; text += e >= 0 ? '\nescorted by ' + D.teams[e][0] : '\nNO ESCORT'; }
      if (t[1] === 0 && found[3].indexOf(off) >= 0) text += '\nescorting a volunteer group';
    }
    gtip.textContent = text;
    var sb = scroll.parentNode.getBoundingClientRect();
    gtip.style.left = (ev.clientX - sb.left + 12) + 'px';
    gtip.style.top = (ev.clientY - sb.top + 12) + 'px';
    gtip.style.display = 'block';
  });
  canvas.addEventListener('mouseleave', function () { gtip.style.display = 'none'; });

  setGroup(0);
  setSlot(0);
  var initMs = performance.now() - t0, readyMs = performance.now(), frameMs = null;
  // The first frame after the map is coloured (two animation frames: one to paint).
  requestAnimationFrame(function () {
    requestAnimationFrame(function () {
      frameMs = performance.now();
      startSelftest();
    });
  });
  // Headless browsers may not run animation frames: start the self-test anyway.
  var selftestStarted = false;
  function startSelftest() {
    if (selftestStarted || location.hash !== '#selftest') return;
    selftestStarted = true;
    setTimeout(selftest, 0);
  }
  setTimeout(startSelftest, 500);

  function selftest() {
    var out = { errors: window.__errors || [], regions: D.regions.length, shapes: regionEls.length, posts: D.posts.length, postShapes: postEls.length, scriptMs: Math.round(initMs), readyMs: Math.round(readyMs) };
    var fills = function () { return Array.prototype.map.call(regionEls, function (e) { return e.style.fill; }); };
    var go = function (s) { slider.value = s; slider.dispatchEvent(new Event('input')); };
    go(0);
    var f0 = fills(), changed = 0, at = -1;
    for (var s = 1; s < D.slots && changed === 0; s++) {
      go(s);
      var f = fills();
      for (var r = 0; r < f.length; r++) if (f[r] !== f0[r]) changed++;
      if (changed) at = s;
    }
    out.measure = measureSel.value;
    out.unpainted = f0.filter(function (x) { return !x; }).length;
    out.distinctColoursAtSlot0 = f0.filter(function (x, i, a) { return a.indexOf(x) === i; }).length;
    out.sliderChangedAt = at;
    out.regionsChanged = changed;
    var img = ctx.getImageData(0, 0, canvas.width, canvas.height).data, ink = 0;
    for (var p = 0; p < img.length; p += 4) if (img[p] < 200 || img[p + 1] < 200 || img[p + 2] < 200) ink++;
    out.ganttInkPixels = ink;
    out.ganttGroups = D.groups.length;
    go(0);
    playBtn.click();
    setTimeout(function () {
      out.playAdvancedTo = +slider.value;
      playBtn.click();
      go(0);
      out.firstFrameMs = frameMs === null ? null : Math.round(frameMs);
      out.paint = performance.getEntriesByType('paint').map(function (e) { return [e.name, Math.round(e.startTime)]; });
      var nav = performance.getEntriesByType('navigation')[0];
      if (nav) out.navigation = { domContentLoaded: Math.round(nav.domContentLoadedEventEnd), load: Math.round(nav.loadEventEnd) };
      out.errors = window.__errors || [];
      var pre = $('selftest');
      pre.textContent = JSON.stringify(out);
      pre.hidden = false;
      document.title = 'selftest done';
    }, 1500);
  }
})();
