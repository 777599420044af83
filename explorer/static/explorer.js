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

  function liveBlocks() {
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
        tr.appendChild(cell(shortHex(b.proposer, 6), "/validator/" + b.proposer, "mono"));
        body.insertBefore(tr, body.firstChild);
        if (heightLabel) heightLabel.textContent = String(b.height);
      });
      while (body.rows.length > keep) body.deleteRow(body.rows.length - 1);
      addTxs(msg.txs || []);
    };
    ws.onclose = function () { status.hidden = false; status.textContent = "live updates stopped; reload to resume"; };
  }

  function charts() {
    var data = document.getElementById("chart-data");
    if (!data || !window.uPlot) return;
    var d = JSON.parse(data.textContent);
    if (!d.t.length) return;
    function draw(id, label, values, color) {
      var el = document.getElementById(id);
      var opts = {
        width: el.clientWidth || 320, height: 140, legend: { show: true },
        series: [{}, { label: label, stroke: color, width: 1.5 }],
        axes: [{}, { size: 50 }],
      };
      new window.uPlot(opts, [d.t, values], el);
    }
    draw("chart-interval", "block interval (s)", d.interval, "#9b1c2e");
    draw("chart-tps", "tx/s", d.tps, "#0550ae");
  }

  document.addEventListener("DOMContentLoaded", function () { liveBlocks(); charts(); });
})();
