/* netmodel's step player: ← and → walk a figure's packet one step at a time.
   Everything shown comes from the JSON the build embedded (netmodel trace's
   own data); nothing is computed here but which step is current. */
(function () {
  "use strict";
  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function esc(text) {
    return String(text).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }
  function setup(walk) {
    var data = JSON.parse(walk.querySelector("script.nm-data").textContent);
    var player = walk.querySelector(".nm-player");
    var panel = player.querySelector(".nm-panel");
    var start = panel.innerHTML;
    var words = data.words;
    var k = 0;
    player.hidden = false;
    function picked(name, fallback) {
      var input = walk.querySelector('input.nm-pick[name="' + walk.id + "-" + name + '"]:checked');
      return input ? input.value : fallback;
    }
    function key() { return picked("v", String(data.v)) + "-" + picked("leg", "request"); }
    function view() {
      return walk.querySelector('.nm-variant[data-v="' + picked("v", String(data.v)) +
        '"] .nm-view[data-leg="' + picked("leg", "request") + '"]');
    }
    function field(name, value, changed) {
      var on = changed.indexOf(name) >= 0 || changed.indexOf(name.split(".").slice(0, 2).join(".")) >= 0 ||
        (name.indexOf("outer.") === 0 && changed.indexOf("outer") >= 0);
      var tag = on ? "mark" : "span";
      return "<" + tag + ' data-field="' + name + '"' + (on ? ' title="' + esc(words.changed) + '"' : "") +
        ">" + esc(value === null || value === undefined ? "—" : value) + "</" + tag + ">";
    }
    function headers(prefix, part, changed, label) {
      var rows = "";
      if (part.eth !== undefined) {
        rows += "<tr><th>" + label + "Ethernet</th><td>" +
          (part.eth ? field(prefix + "eth.src", part.eth.src, changed) + " → " +
            field(prefix + "eth.dst", part.eth.dst, changed) : field(prefix + "eth", null, changed)) + "</td></tr>";
      }
      rows += "<tr><th>" + label + "IP</th><td>" + field(prefix + "ip.src", part.ip.src, changed) + " → " +
        field(prefix + "ip.dst", part.ip.dst, changed) + " · TTL " + field(prefix + "ip.ttl", part.ip.ttl, changed) + "</td></tr>";
      var l4 = part.l4 || part.udp;
      if (l4) {
        var proto = part.l4 ? l4.proto.toUpperCase() : "UDP";
        rows += "<tr><th>" + label + esc(proto) + "</th><td>" + (l4.type !== undefined
          ? "type " + field(prefix + "l4.type", l4.type, changed) + " · id " + field(prefix + "l4.id", l4.id, changed)
          : field(prefix + (part.l4 ? "l4" : "udp") + ".sport", l4.sport, changed) + " → " +
            field(prefix + (part.l4 ? "l4" : "udp") + ".dport", l4.dport, changed)) +
          (part.vxlan ? " · VXLAN VNI " + field(prefix + "vxlan.vni", part.vxlan.vni, changed) : "") + "</td></tr>";
      }
      return rows;
    }
    function text(item, selector) {
      var found = item && item.querySelector(selector);
      return found ? found.textContent : "";
    }
    function hop(item) {
      for (var at = item; at; at = at.previousElementSibling) {
        var heading = at.querySelector(".nm-hop");
        if (heading) { return heading.textContent; }
      }
      return "";
    }
    /* step: [its device's box (an index in boxes, -1: none yet), its packet's
       index in packets, the header fields it changed] */
    function render(step, packet, item, total) {
      var device = text(item, ".nm-d");
      var html = '<p class="nm-at"><b>' + k + "/" + total + '</b> <code data-field="device">' +
        esc(device === "-" ? words["no-device"] : device) + "</code> " + esc(text(item, ".nm-a")) +
        " · " + esc(hop(item)) + "</p>" +
        '<p class="nm-why"><span class="nm-label">' + esc(words.decided) + ":</span> " +
        esc(text(item, ".nm-w")) + "</p>";
      var rule = text(item, ".nm-r");
      if (rule) { html += '<p class="nm-decides"><code>' + esc(rule) + "</code></p>"; }
      return html + '<table class="nm-hdr">' +
        (packet.outer ? headers("outer.", packet.outer, step[2], esc(words.outer) + " ") : "") +
        headers("", packet, step[2], "") + "</table>";
    }
    function show(n, link) {
      var shown = data.views[key()];
      var box = view();
      if (!shown || !box) { return; }
      var total = shown.steps.length;
      k = Math.max(0, Math.min(total, n));
      all(walk, ".nm-on").forEach(function (el) { el.classList.remove("nm-on"); });
      /* The player sits under the figure it plays, above that figure's step list. */
      if (player.parentNode !== box) { box.insertBefore(player, box.querySelector(".nm-steps")); }
      if (k === 0) { panel.innerHTML = start; return; }
      var step = shown.steps[k - 1];
      var id = walk.id + "-" + key() + "-" + k;
      var item = document.getElementById(id);
      if (item) {
        item.classList.add("nm-on");
        var list = item.parentNode;
        list.scrollTop = Math.max(0, item.offsetTop - list.clientHeight / 3);
      }
      if (step[0] >= 0) { all(box, ".nm-dev-" + shown.boxes[step[0]]).forEach(function (el) { el.classList.add("nm-on"); }); }
      all(box, ".nm-edge-" + k).forEach(function (el) { el.classList.add("nm-on"); });
      panel.innerHTML = render(step, shown.packets[step[1]], item, total);
      if (link && window.history && history.replaceState) { history.replaceState(null, "", "#" + id); }
    }
    function go(target) {
      var rest = target.slice(walk.id.length + 1).split("-");
      if (rest.length < 3) { return false; }
      var v = rest[0], n = parseInt(rest[rest.length - 1], 10), leg = rest.slice(1, -1).join("-");
      all(walk, "input.nm-pick").forEach(function (input) {
        if ((input.name === walk.id + "-v" && input.value === v) ||
            (input.name === walk.id + "-leg" && input.value === leg)) { input.checked = true; }
      });
      show(n, false);
      return true;
    }
    player.querySelector(".nm-prev").addEventListener("click", function () { show(k - 1, true); });
    player.querySelector(".nm-next").addEventListener("click", function () { show(k + 1, true); });
    walk.addEventListener("keydown", function (event) {
      if (event.target.tagName === "INPUT") { return; } /* a radio's arrows choose the radio */
      var frame = event.target.classList && event.target.classList.contains("nm-svg");
      if (frame && event.target.scrollWidth > event.target.clientWidth) { return; } /* it scrolls */
      var to = { ArrowRight: k + 1, ArrowLeft: k - 1, Home: 0, End: 1e9 }[event.key];
      if (to === undefined) { return; }
      event.preventDefault();
      show(to, true);
    });
    walk.addEventListener("change", function () { show(0, false); });
    all(walk, ".nm-steps li").forEach(function (item) {
      item.addEventListener("click", function () {
        var n = parseInt(item.getAttribute("value"), 10);
        if (go(item.id)) { show(n, true); }
      });
    });
    function fromHash() {
      var target = decodeURIComponent(location.hash.slice(1));
      if (target.indexOf(walk.id + "-") === 0 && go(target)) { walk.scrollIntoView({ block: "center" }); }
    }
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }
  function ready() { all(document, ".nm-walk").forEach(setup); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  document.addEventListener("click", function (event) {
    var frame = event.target.closest && event.target.closest(".nm-svg");
    if (frame) { frame.classList.toggle("netmodel-zoomed"); }
  });
  /* From the keyboard: Enter zooms a figure's frame, Escape closes it. */
  document.addEventListener("keydown", function (event) {
    var frame = event.target.classList && event.target.classList.contains("nm-svg") && event.target;
    if (frame && event.key === "Enter") { frame.classList.toggle("netmodel-zoomed"); }
    if (frame && event.key === "Escape") { frame.classList.remove("netmodel-zoomed"); }
  });
})();
