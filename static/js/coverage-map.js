// The coverage map (portal/coverage_map.html): progressive enhancement over the table of places.
// Markers come from the JSON the page embeds; tiles only when the administrator set a tile
// server (PORTAL_MAP_TILE_URL), so the map works on networks without internet.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("coverage-map");
    var data = document.getElementById("coverage-markers");
    if (!box || !data || typeof L === "undefined") {
      return;
    }
    var markers = JSON.parse(data.textContent);
    box.classList.add("coverage-map--live");
    box.innerHTML = "";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", document.getElementById("map-heading").textContent);
    // Đồng Nai (with the former Bình Phước) when there is nothing to fit.
    var map = L.map(box, { scrollWheelZoom: false }).setView([11.2, 106.9], 8);
    var tileUrl = box.dataset.tileUrl;
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        maxZoom: 18,
        attribution: box.dataset.tileAttribution,
      }).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);
    // Places without a surveyed position share their district's centre: spread them on a
    // small ring around it so that each stays visible and clickable.
    var groups = {};
    markers.forEach(function (m) {
      var key = m.lat + "," + m.lon;
      (groups[key] = groups[key] || []).push(m);
    });
    Object.keys(groups).forEach(function (key) {
      var group = groups[key];
      if (group.length < 2) {
        return;
      }
      var radius = Math.min(0.12, 0.01 + 0.008 * group.length); // degrees: within the district
      group.forEach(function (m, i) {
        var angle = (2 * Math.PI * i) / group.length;
        m.lat += radius * Math.sin(angle);
        m.lon += radius * Math.cos(angle);
      });
    });
    var points = [];
    markers.forEach(function (m) {
      var colour = m.reached === true ? "#1d6b3a" : m.reached === false ? "#a4161a" : "#6b7280";
      var marker = L.circleMarker([m.lat, m.lon], {
        radius: m.kind === "industrial_park" ? 8 : 6,
        color: colour,
        weight: 2,
        fillColor: colour,
        fillOpacity: m.reached === true ? 0.8 : 0.05,
      }).addTo(map);
      var text = document.createElement("div");
      var title = document.createElement("strong");
      title.textContent = m.name;
      text.appendChild(title);
      text.appendChild(document.createElement("br"));
      text.appendChild(document.createTextNode(m.kind_label + " · " + m.status));
      if (m.approximate) {
        text.appendChild(document.createElement("br"));
        var hint = document.createElement("em");
        hint.textContent = box.dataset.approximateLabel;
        text.appendChild(hint);
      }
      marker.bindPopup(text);
      marker.bindTooltip(m.name + " — " + m.status);
      points.push([m.lat, m.lon]);
    });
    if (points.length) {
      map.fitBounds(points, { padding: [20, 20], maxZoom: 12 });
    }
  });
})();
