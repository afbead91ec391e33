/* Briefing site behaviour (our own code): live charts and the catalogue's sort, filter and pages.
 * Material's instant navigation swaps pages without reloading, so everything starts from document$
 * (or DOMContentLoaded where Material's observable is missing) and old chart views are finalized. */
(function () {
  "use strict";
  if (window.__briefingLoaded) return;
  window.__briefingLoaded = true;

  var views = [];
  var specCache = {};

  function isDark() {
    var scheme = document.body && document.body.getAttribute("data-md-color-scheme");
    return scheme === "slate";
  }

  function loadSpec(url) {
    if (!specCache[url]) {
      specCache[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error("chart spec " + url + ": HTTP " + r.status);
        return r.json();
      });
    }
    return specCache[url];
  }

  function finalizeAll() {
    views.forEach(function (v) { try { v.finalize(); } catch (e) { /* already gone */ } });
    views = [];
  }

  function renderCharts() {
    finalizeAll();
    if (typeof window.vegaEmbed !== "function") return;
    var figures = document.querySelectorAll("figure.bf-chart[data-chart-spec]");
    var dark = isDark();
    Array.prototype.forEach.call(figures, function (fig) {
      var target = fig.querySelector(".bf-chart-view");
      var url = new URL(fig.getAttribute("data-chart-spec"), document.baseURI).href;
      loadSpec(url).then(function (spec) {
        if (!document.body.contains(fig)) return;
        var holder = target.querySelector(".bf-chart-live");
        if (!holder) {
          holder = document.createElement("div");
          holder.className = "bf-chart-live";
          target.appendChild(holder);
        }
        var copy = JSON.parse(JSON.stringify(spec));
        if (dark) {
          copy.title && copy.title.subtitleColor && (copy.title.subtitleColor = "#bbbbbb");
        }
        return window.vegaEmbed(holder, copy, {
          actions: false,
          renderer: "svg",
          theme: dark ? "dark" : undefined,
          config: { background: null },
          tooltip: { theme: dark ? "dark" : "light" }
        }).then(function (result) {
          views.push(result);
          fig.classList.add("is-live");
          fig.setAttribute("data-theme", dark ? "dark" : "light");
          var svg = holder.querySelector("svg");
          if (svg) {
            svg.setAttribute("aria-hidden", "true");
            svg.setAttribute("focusable", "false");
          }
        });
      }).catch(function (err) {
        fig.classList.remove("is-live");
        if (window.console) console.warn(err);
      });
    });
  }

  /* ------------------------------------------------------------------ catalogue */

  function Catalogue(root) {
    this.root = root;
    this.table = root.querySelector("table");
    this.tbody = this.table.querySelector("tbody");
    this.filter = root.querySelector(".bf-catalogue-filter");
    this.platform = root.querySelector(".bf-catalogue-platform");
    this.status = root.querySelector(".bf-catalogue-status");
    this.pageSize = parseInt(root.getAttribute("data-page-size"), 10) || 100;
    this.nd = root.getAttribute("data-nd") || "";
    this.sortKey = null;
    this.sortDir = 1;
    this.page = 0;
    this.rows = null;
    var self = this;
    Array.prototype.forEach.call(this.table.querySelectorAll("th[data-key] button"), function (btn) {
      btn.addEventListener("click", function () { self.sortBy(btn.parentNode.getAttribute("data-key")); });
    });
    this.filter.addEventListener("input", function () { self.page = 0; self.update(); });
    this.platform.addEventListener("change", function () { self.page = 0; self.update(); });
  }

  Catalogue.prototype.load = function () {
    var self = this;
    if (this.rows) return Promise.resolve(this.rows);
    var url = new URL(this.root.getAttribute("data-catalogue"), document.baseURI).href;
    return fetch(url).then(function (r) { return r.json(); }).then(function (doc) {
      var cols = doc.columns;
      self.base = url.replace(/data\/catalogue\.json$/, "");
      self.rows = doc.rows.map(function (r) {
        var o = {};
        cols.forEach(function (c, i) { o[c] = r[i]; });
        return o;
      });
      return self.rows;
    });
  };

  Catalogue.prototype.sortBy = function (key) {
    if (this.sortKey === key) this.sortDir = -this.sortDir; else { this.sortKey = key; this.sortDir = 1; }
    this.page = 0;
    this.update();
  };

  function compareRows(key, dir) {
    var numeric = key === "price" || key === "edition" || key === "release";
    var sk = numeric ? key + "_sort" : key;
    return function (a, b) {
      var x = a[sk], y = b[sk];
      var xn = x === null || x === undefined || x === "", yn = y === null || y === undefined || y === "";
      if (xn && yn) return 0;
      if (xn) return 1;   // unknowns last, whichever the direction
      if (yn) return -1;
      if (numeric) return (x - y) * dir;
      return String(x).localeCompare(String(y), document.documentElement.lang || "zh") * dir;
    };
  }

  Catalogue.prototype.update = function () {
    var self = this;
    this.load().then(function (rows) {
      var q = self.filter.value.trim().toLowerCase();
      var plat = self.platform.value;
      var shown = rows.filter(function (r) {
        if (plat && r.platform !== plat) return false;
        if (!q) return true;
        return (r.name + " " + r.platform + " " + r.category).toLowerCase().indexOf(q) !== -1;
      });
      if (self.sortKey) shown.sort(compareRows(self.sortKey, self.sortDir));
      Array.prototype.forEach.call(self.table.querySelectorAll("th[data-key]"), function (th) {
        var k = th.getAttribute("data-key");
        th.setAttribute("aria-sort", k === self.sortKey ? (self.sortDir > 0 ? "ascending" : "descending") : "none");
      });
      self.render(shown);
    });
  };

  function cell(text, cls) {
    var td = document.createElement("td");
    if (cls) { var s = document.createElement("span"); s.className = cls; s.textContent = text; td.appendChild(s); }
    else td.textContent = text;
    return td;
  }

  Catalogue.prototype.render = function (shown) {
    var self = this;
    var pages = Math.max(1, Math.ceil(shown.length / this.pageSize));
    if (this.page >= pages) this.page = pages - 1;
    var start = this.page * this.pageSize;
    var slice = shown.slice(start, start + this.pageSize);
    var frag = document.createDocumentFragment();
    slice.forEach(function (r) {
      var tr = document.createElement("tr");
      var td = document.createElement("td");
      var a = document.createElement("a");
      a.href = new URL(r.url, new URL("collectibles/", self.pageRoot())).href;
      a.textContent = r.name;
      td.appendChild(a);
      tr.appendChild(td);
      tr.appendChild(cell(r.platform));
      tr.appendChild(cell(r.category));
      tr.appendChild(cell(r.price, r.price_sort === null ? "bf-nd" : ""));
      tr.appendChild(cell(r.edition, r.edition_sort === null ? "bf-nd" : ""));
      tr.appendChild(cell(r.release, r.release_sort === null ? "bf-nd" : ""));
      tr.setAttribute("data-id", r.id);
      frag.appendChild(tr);
    });
    this.tbody.textContent = "";
    this.tbody.appendChild(frag);
    var tmpl = this.root.getAttribute("data-msg-status") || "{from}–{to} / {total}";
    this.status.textContent = shown.length === 0 ? (this.root.getAttribute("data-msg-none") || "0") :
      tmpl.replace("{from}", String(start + 1)).replace("{to}", String(start + slice.length)).replace("{total}", String(shown.length));
    this.renderPager(pages);
  };

  Catalogue.prototype.pageRoot = function () {
    // The edition's root URL: the catalogue JSON lives at <root>/assets/generated/data/catalogue.json.
    var url = new URL(this.root.getAttribute("data-catalogue"), document.baseURI).href;
    return url.replace(/assets\/generated\/data\/catalogue\.json$/, "");
  };

  Catalogue.prototype.renderPager = function (pages) {
    var self = this;
    var staticPager = document.querySelector("nav.bf-pager:not(.bf-pager-live)");
    if (staticPager) staticPager.hidden = true;
    var pager = this.root.querySelector(".bf-pager-live");
    if (!pager) {
      pager = document.createElement("nav");
      pager.className = "bf-pager bf-pager-live";
      pager.setAttribute("aria-label", this.root.getAttribute("data-msg-pages") || "pages");
      this.root.appendChild(pager);
    }
    pager.textContent = "";
    if (pages <= 1) return;
    for (var i = 0; i < pages; i++) {
      (function (n) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = String(n + 1);
        if (n === self.page) b.setAttribute("aria-current", "page");
        b.addEventListener("click", function () { self.page = n; self.update(); });
        pager.appendChild(b);
      })(i);
    }
  };

  function setupCatalogues() {
    Array.prototype.forEach.call(document.querySelectorAll(".bf-catalogue"), function (root) {
      if (!root.__catalogue) root.__catalogue = new Catalogue(root);
    });
  }

  /* ------------------------------------------------------------------ wiring */

  function onPage() {
    renderCharts();
    setupCatalogues();
  }

  var observer = null;
  function watchScheme() {
    if (observer || !document.body) return;
    observer = new MutationObserver(function (mutations) {
      for (var i = 0; i < mutations.length; i++) {
        if (mutations[i].attributeName === "data-md-color-scheme") { renderCharts(); return; }
      }
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }

  function start() {
    watchScheme();
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(onPage);
    } else {
      onPage();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
