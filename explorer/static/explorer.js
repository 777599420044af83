// pysei explorer: the live parts on top of server-rendered pages (home block list, charts).
"use strict";

(function () {
  function cell(text, href, cls) {
    var td = document.createElement("td");
    var node = td;
    if (href) { node = document.createElement("a"); node.href = href; td.appendChild(node); }
    if (cls) node.className = cls;
    node.textContent = text;
    return td;
  }

  // The server's ``short`` filter: the first ``keep`` characters, an ellipsis, the last four.
  function shortHex(s, keep) { return s.length <= 2 * keep + 3 ? s : s.slice(0, keep) + "…" + s.slice(-4); }

  function addTxs(txs) {
    var body = document.querySelector("#txs tbody");
    if (!body || !txs.length) return;
    var empty = body.querySelector("td[colspan]");
    if (empty) body.deleteRow(0);
    txs.slice().reverse().forEach(function (t) {
      if (body.querySelector('a[href="/tx/' + t.link + '"]')) return;
      var tr = document.createElement("tr");
      tr.className = "fresh";
      tr.appendChild(cell(shortHex(t.link, 10), "/tx/" + t.link, "mono"));
      tr.appendChild(cell(t.kind));
      tr.appendChild(cell(String(t.height), "/block/" + t.height));
      body.insertBefore(tr, body.firstChild);
    });
    while (body.rows.length > 10) body.deleteRow(body.rows.length - 1);
  }

  function liveBlocks(extendCharts) {
    var body = document.querySelector("#blocks tbody");
    if (!body || !window.WebSocket) return;
    var status = document.getElementById("live-status");
    var heightLabel = document.getElementById("height");
    var keep = body.rows.length || 20;
    var first = body.querySelector("tr[data-height]");
    var since = first ? first.getAttribute("data-height") : "0";
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + "/live?since=" + since);
    ws.onmessage = function (ev) {
      var msg = JSON.parse(ev.data);
      if (msg.down) { status.hidden = false; status.textContent = "node unreachable: " + msg.down; return; }
      status.hidden = true;
      msg.blocks.slice().reverse().forEach(function (b) {
        if (body.querySelector('tr[data-height="' + b.height + '"]')) return;
        var tr = document.createElement("tr");
        tr.setAttribute("data-height", String(b.height));
        tr.className = "fresh";
        tr.appendChild(cell(String(b.height), "/block/" + b.height));
        tr.appendChild(cell(b.time));
        tr.appendChild(cell(String(b.txs)));
        var occ = cell(b.occ || "—");
        occ.className = "occ";
        tr.appendChild(occ);
        tr.appendChild(cell(shortHex(b.proposer, 6), "/validator/" + b.proposer, "mono"));
        body.insertBefore(tr, body.firstChild);
        if (heightLabel) heightLabel.textContent = String(b.height);
      });
      while (body.rows.length > keep) body.deleteRow(body.rows.length - 1);
      addTxs(msg.txs || []);
      if (extendCharts) extendCharts(msg.blocks);
    };
    ws.onclose = function () { status.hidden = false; status.textContent = "live updates stopped; reload to resume"; };
  }

  // Charts of block interval and tx/s; ``extend`` adds blocks as they arrive.
  function charts() {
    var data = document.getElementById("chart-data");
    if (!data || !window.uPlot) return null;
    var d = JSON.parse(data.textContent);
    var plots = [];
    function draw(id, label, key, color) {
      var el = document.getElementById(id);
      var opts = {
        width: el.clientWidth || 320, height: 140, legend: { show: true },
        series: [{}, { label: label, stroke: color, width: 1.5 }],
        axes: [{}, { size: 50 }],
      };
      plots.push({ el: el, key: key, plot: new window.uPlot(opts, [d.t, d[key]], el) });
      el.dataset.last = String(d.t.length ? d.t[d.t.length - 1] : "");
    }
    draw("chart-interval", "block interval (s)", "interval", "#9b1c2e");
    draw("chart-tps", "tx/s", "tps", "#0550ae");
    var last = d.t.length ? d.t[d.t.length - 1] : null;
    return function extend(blocks) {
      blocks.slice().sort(function (a, b) { return a.height - b.height; }).forEach(function (b) {
        var t = Date.parse(b.time.replace(" ", "T") + "Z") / 1000;
        if (last !== null && t > last) {
          var dt = Math.max(t - last, 0.001);
          d.t.push(t); d.interval.push(dt); d.tps.push(b.txs / dt);
          if (d.t.length > 100) { d.t.shift(); d.interval.shift(); d.tps.shift(); }
        }
        if (last === null || t > last) last = t;
      });
      plots.forEach(function (p) { p.plot.setData([d.t, d[p.key]]); p.el.dataset.last = String(last); });
    };
  }

  document.addEventListener("DOMContentLoaded", function () { liveBlocks(charts()); });
})();
