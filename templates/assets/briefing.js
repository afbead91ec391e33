/* Briefing site behaviour (our own code): live charts and the catalogue's sort, filter and pages.
 * Material's instant navigation swaps pages without reloading, so everything starts from document$
 * (or DOMContentLoaded where Material's observable is missing) and old chart views are finalized. */
(function () {
  "use strict";
  if (window.__briefingLoaded) return;
  window.__briefingLoaded = true;

  var views = [];
  var specCache = {};
  var generation = 0;   // bumped by every renderCharts(): late results of an older pass are dropped

  // vega, vega-lite and vega-embed (one bundle written by the build, beside this file) are loaded only by
  // pages that show a chart; instant navigation keeps them for the next page.
  var script = document.currentScript;
  var bundleUrl = script && script.src ? script.src.replace(/briefing\.js(?:[?#].*)?$/, "vega-bundle.js") : null;
  var bundle = null;

  function loadVega() {
    if (typeof window.vegaEmbed === "function") return Promise.resolve(window.vegaEmbed);
    if (!bundle) {
      bundle = new Promise(function (resolve, reject) {
        if (!bundleUrl) { reject(new Error("briefing.js: cannot tell where vega-bundle.js is")); return; }
        var s = document.createElement("script");
        s.src = bundleUrl;
        s.async = true;
        s.onload = function () {
          if (typeof window.vegaEmbed === "function") resolve(window.vegaEmbed);
          else reject(new Error("vega-bundle.js loaded but defined no vegaEmbed"));
        };
        s.onerror = function () { bundle = null; reject(new Error("could not load " + bundleUrl)); };
        document.head.appendChild(s);
      });
    }
    return bundle;
  }

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
      specCache[url].catch(function () { delete specCache[url]; });
    }
    return specCache[url];
  }

  function finalizeAll() {
    views.forEach(function (v) { try { v.finalize(); } catch (e) { /* already gone */ } });
    views = [];
  }

  /* A spec adapted to the width it is drawn at and to the palette: titles wrap instead of running off the
   * chart, legends stack on narrow screens, the end labels of a time axis stay inside the chart. */
  var NARROW = 600;
  var measurer = null;

  function textWidth(text, size, font, weight) {
    measurer = measurer || document.createElement("canvas").getContext("2d");
    measurer.font = (weight || "normal") + " " + size + "px " + (font || "sans-serif");
    return measurer.measureText(text).width;
  }

  function wrap(text, width, size, font, weight) {
    // CJK characters may break anywhere; other text breaks at spaces.
    var pieces = String(text).match(/[\u2e80-\u9fff\uff00-\uffef][\u3000-\u303f\uff0c\uff1a\uff1b\uff09\u3001\u3002]*|[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+/g) || [];
    var lines = [], line = "";
    pieces.forEach(function (piece) {
      if (line && textWidth((line + piece).trimEnd(), size, font, weight) > width) {
        lines.push(line.trimEnd());
        line = piece.trimStart();
      } else {
        line += piece;
      }
    });
    if (line.trim()) lines.push(line.trimEnd());
    return lines.length ? lines : [String(text)];
  }

  function wrapAll(value, width, size, font, weight) {
    var list = Array.isArray(value) ? value : [value];
    return list.reduce(function (out, text) { return out.concat(wrap(text, width, size, font, weight)); }, []);
  }

  function adapt(spec, width, dark) {
    var config = spec.config = spec.config || {};
    var font = config.font;
    var title = spec.title;
    if (title && typeof title === "object" && width > 0) {
      var room = width - 8;
      if (title.text) title.text = wrapAll(title.text, room, title.fontSize || 13, font, "bold");
      if (title.subtitle) title.subtitle = wrapAll(title.subtitle, room, title.subtitleFontSize || 12, font);
      if (dark && title.subtitleColor) title.subtitleColor = "#bbbbbb";
    }
    config.axisTemporal = Object.assign({ labelFlush: true }, config.axisTemporal);
    // Legend symbols that no colour encodes (the shape legends) are black by default: unseen on dark.
    if (dark) config.legend = Object.assign({}, config.legend, { symbolFillColor: "#d8d8d8", symbolStrokeColor: "#d8d8d8" });
    if (dark) quietUnknown(spec);
    if (width > 0 && width < NARROW) {
      // Narrow screens: axis labels may take 55% of the width (the data table has them whole), legends
      // list their entries downwards, and an x axis title ends at the axis's end instead of running off.
      var limit = Math.round(width * 0.55);
      limitLabels(spec, limit, width - limit);
      fitCellText(spec, spec.data, width - limit, font);
      // The figures written beside a range chart's rows need more room than a phone leaves: there they
      // are in the tooltip and the data table.
      if (Array.isArray(spec.layer)) spec.layer = spec.layer.filter(function (l) {
        return !(l.encoding && l.encoding.text && l.encoding.text.field === "figure");
      });
      var compact = spec.usermeta && spec.usermeta.compactDomain;
      if (compact && Array.isArray(spec.layer)) spec.layer.forEach(function (l) {
        var x = l.encoding && l.encoding.x;
        if (x && x.scale && Array.isArray(x.scale.domain)) x.scale.domain = compact;
      });
      config.axis = Object.assign({}, config.axis, { labelLimit: Math.min(limit, (config.axis || {}).labelLimit || limit) });
      config.axisX = Object.assign({ titleAnchor: "end" }, config.axisX);
      spec.padding = { top: 5, left: 5, bottom: 5, right: 20 };   // room for half of the last x label
      config.legend = Object.assign({}, config.legend, {
        // A bottom legend starts where the plot starts, to the right of the axis labels.
        direction: "vertical", labelLimit: width - limit - 45, titleLimit: width - limit - 25 });
    }
    return spec;
  }

  // Matrix charts draw an unknown cell light grey between white borders: on the dark palette that grey is
  // the brightest thing on the page. There it is a dark grey, quieter than the platforms' colours, and the
  // borders are the page's own background.
  var UNKNOWN_LIGHT = "#e0e0e0", UNKNOWN_DARK = "#3c404c", SLATE_BG = "#1e2029";
  function quietUnknown(node) {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) { node.forEach(quietUnknown); return; }
    if (node.mark && typeof node.mark === "object" && node.mark.type === "rect" && /^#fff(fff)?$/i.test(node.mark.stroke || "")) {
      node.mark.stroke = SLATE_BG;
    }
    if (node.mark && typeof node.mark === "object" && node.mark.type === "text" && node.mark.color === "#333333") {
      node.mark.color = "#d8d8d8";  // labels beside bars, dark grey on the light palette
    }
    var range = node.scale && node.scale.range;
    if (Array.isArray(range)) {
      node.scale.range = range.map(function (c) { return typeof c === "string" && c.toLowerCase() === UNKNOWN_LIGHT ? UNKNOWN_DARK : c; });
    }
    Object.keys(node).forEach(function (k) { if (k !== "data" && k !== "datasets") quietUnknown(node[k]); });
  }

  function limitLabels(node, limit, plotWidth) {
    if (!node || typeof node !== "object") return;
    if (node.encoding) {
      ["x", "y"].forEach(function (ch) {
        var axis = node.encoding[ch] && node.encoding[ch].axis;
        if (!axis || typeof axis !== "object") return;
        if (axis.labelLimit === undefined || axis.labelLimit > limit) axis.labelLimit = limit;
        // Explicit tick values on a narrow x axis: keep every second (third, ...) one so that labels fit.
        if (ch === "x" && Array.isArray(axis.values)) {
          var room = Math.max(2, Math.floor(plotWidth / 48));
          var step = Math.ceil(axis.values.length / room);
          if (step > 1) axis.values = axis.values.filter(function (v, i) { return i % step === 0; });
        }
      });
    }
    ["layer", "hconcat", "vconcat", "concat"].forEach(function (key) {
      if (Array.isArray(node[key])) node[key].forEach(function (child) { limitLabels(child, limit, plotWidth); });
    });
    if (node.spec) limitLabels(node.spec, limit, plotWidth);
  }

  // Text drawn in the cells of a matrix (one column per x value): smaller, and cut with an ellipsis, rather
  // than spilling over its neighbours. The cell's colour and the data table still say it in full.
  function fitCellText(node, data, plotWidth, font) {
    if (!node || typeof node !== "object") return;
    data = node.data || data;
    var mark = node.mark, x = node.encoding && node.encoding.x;
    var type = mark && (typeof mark === "string" ? mark : mark.type);
    if (type === "text" && x && x.field && (x.type === "nominal" || x.type === "ordinal") && data && data.values) {
      var columns = {};
      data.values.forEach(function (row) { columns[row[x.field]] = true; });
      var room = plotWidth / Math.max(1, Object.keys(columns).length) - 6;
      if (typeof mark === "string") mark = node.mark = { type: "text" };
      var size = mark.fontSize || 12;
      var widest = 0;
      var field = node.encoding.text && node.encoding.text.field;
      if (field) data.values.forEach(function (row) { widest = Math.max(widest, textWidth(String(row[field]), size, font)); });
      if (widest > room) mark.fontSize = Math.max(9, Math.floor(size * room / widest));
      mark.limit = Math.max(12, Math.floor(room));
    }
    ["layer", "hconcat", "vconcat", "concat"].forEach(function (key) {
      if (Array.isArray(node[key])) node[key].forEach(function (child) { fitCellText(child, data, plotWidth, font); });
    });
  }

  // Vega's own layout of legends (not expressible in Vega-Lite): on narrow screens, one legend under another.
  function stackLegends(vgSpec) {
    vgSpec.config = vgSpec.config || {};
    vgSpec.config.legend = vgSpec.config.legend || {};
    vgSpec.config.legend.layout = { bottom: { anchor: "start", direction: "vertical", margin: 8 } };
    return vgSpec;
  }

  function renderCharts() {
    finalizeAll();
    var pass = ++generation;
    drawnDark = isDark();
    var figures = document.querySelectorAll("figure.bf-chart[data-chart-spec]");
    if (!figures.length) return;
    var dark = drawnDark;
    Array.prototype.forEach.call(figures, function (fig) {
      var target = fig.querySelector(".bf-chart-view");
      var url = new URL(fig.getAttribute("data-chart-spec"), document.baseURI).href;
      Promise.all([loadVega(), loadSpec(url)]).then(function (loaded) {
        var embed = loaded[0], spec = loaded[1];
        if (pass !== generation || !document.body.contains(fig)) return;
        var holder = target.querySelector(".bf-chart-live");
        if (!holder) {
          holder = document.createElement("div");
          holder.className = "bf-chart-live";
          target.appendChild(holder);
        }
        var copy = adapt(JSON.parse(JSON.stringify(spec)), holder.clientWidth, dark);
        fig.setAttribute("data-drawn-width", String(holder.clientWidth));
        return embed(holder, copy, {
          actions: false,
          renderer: "svg",
          theme: dark ? "dark" : undefined,
          config: { background: null },
          tooltip: { theme: dark ? "dark" : "light" },
          patch: holder.clientWidth < NARROW ? stackLegends : undefined
        }).then(function (result) {
          if (pass !== generation) { result.finalize(); return; }
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
        if (window.console) console.error(err);
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
    // Each cell carries its column's name (a phone shows a row as a card of labelled cells: briefing.css).
    var sep = this.root.getAttribute("data-sep") || ": ";
    var heads = Array.prototype.map.call(this.table.querySelectorAll("thead th"), function (th) { return th.textContent.replace(/[▲▼\s]+$/, ""); });
    Array.prototype.forEach.call(frag.querySelectorAll("tr"), function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) { if (i > 0 && heads[i]) td.setAttribute("data-label", heads[i] + sep); });
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

  /* ------------------------------------------------------------------ search: a page named as asked comes first */
  /* Material's search appends a prefix wildcard to every term and ranks the rarer expansions higher, so
   * 京东 ranks 京东青绿纪念币 above the page named 京东; and its Chinese query segmentation keeps only the
   * longest proper prefix it knows (小红书 becomes 小*). A reader who types a page's exact name should find
   * that page first: when the query is a page's title (or a part of a "平台 · 名称" title), that page is put
   * at the top of Material's result list (added when Material did not list it). */

  var siteBase = (function () {
    var cfg = document.getElementById("__config");
    try { return new URL(JSON.parse(cfg.textContent).base + "/", location.href); } catch (e) { return null; }
  })();
  var titles = null;

  function squash(text) { return String(text).replace(/[\s\u200b]+/g, "").toLowerCase(); }

  function htmlText(html) {
    return new DOMParser().parseFromString("<body>" + html, "text/html").body.textContent || "";
  }

  function loadTitles() {
    if (!titles) {
      titles = fetch(new URL("search/search_index.json", siteBase).href).then(function (r) {
        if (!r.ok) throw new Error("search index: HTTP " + r.status);
        return r.json();
      }).then(function (index) {
        var map = new Map();
        index.docs.forEach(function (doc) {
          if (doc.location.indexOf("#") !== -1) return;        // sections: only whole pages
          var title = htmlText(doc.title).replace(/\u200b/g, "").trim();
          var names = [title].concat(title.split(" · ").slice(1));
          names.forEach(function (name) {
            var key = squash(name);
            if (!key) return;
            if (!map.has(key)) map.set(key, []);
            map.get(key).push({ href: new URL(doc.location, siteBase).href, title: title });
          });
        });
        return map;
      });
      titles.catch(function () { titles = null; });
    }
    return titles;
  }

  function itemHref(li) {
    var a = li.querySelector("a.md-search-result__link");
    return a ? a.href.split(/[?#]/)[0] : null;
  }

  function resultItem(hit) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = hit.href;
    a.tabIndex = -1;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var icon = document.createElement("div");
    icon.className = "md-search-result__icon md-icon";
    var h1 = document.createElement("h1");
    h1.textContent = hit.title;
    article.appendChild(icon);
    article.appendChild(h1);
    a.appendChild(article);
    li.appendChild(a);
    return li;
  }

  function promoteExactNames(input, list) {
    var query = squash(input.value);
    if (!query || !siteBase) return;
    loadTitles().then(function (map) {
      if (squash(input.value) !== query) return;           // the reader typed on
      var hits = map.get(query);
      if (!hits) return;
      var items = Array.prototype.slice.call(list.children);
      var first = items.slice(0, hits.length).map(itemHref);
      if (hits.every(function (h, i) { return first[i] === h.href; })) return;
      for (var i = hits.length - 1; i >= 0; i--) {
        var li = null;
        for (var k = 0; k < list.children.length; k++) {
          if (itemHref(list.children[k]) === hits[i].href) { li = list.children[k]; break; }
        }
        list.insertBefore(li || resultItem(hits[i]), list.firstElementChild);
      }
    }).catch(function (err) { if (window.console) console.error(err); });
  }

  var watchedList = null;
  function watchSearch() {
    var input = document.querySelector("input.md-search__input");
    var list = document.querySelector(".md-search-result__list");
    if (!input || !list || list === watchedList) return;
    watchedList = list;
    var promote = function () { promoteExactNames(input, list); };
    new MutationObserver(promote).observe(list, { childList: true });
    input.addEventListener("keyup", promote);   // also when Material finds nothing and leaves the list empty
  }

  /* ------------------------------------------------------------------ names for Material's unnamed widgets */

  var LABELS = {
    zh: { progress: "页面加载进度" },
    en: { progress: "Page loading progress" }
  };

  function nameWidgets() {
    var lang = (document.documentElement.lang || "zh").slice(0, 2);
    var labels = LABELS[lang] || LABELS.zh;
    var dialog = document.querySelector(".md-search[role=dialog]");
    var input = document.querySelector("input.md-search__input");
    if (dialog && input && !dialog.hasAttribute("aria-label")) {
      dialog.setAttribute("aria-label", input.getAttribute("aria-label") || input.getAttribute("placeholder") || "");
    }
    var progress = document.querySelector(".md-progress[role=progressbar]");
    if (progress && !progress.hasAttribute("aria-label")) progress.setAttribute("aria-label", labels.progress);
  }

  var resizeTimer = null;
  function onResize() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      var stale = Array.prototype.some.call(document.querySelectorAll("figure.bf-chart.is-live"), function (fig) {
        var holder = fig.querySelector(".bf-chart-live");
        return holder && Math.abs(holder.clientWidth - Number(fig.getAttribute("data-drawn-width"))) > 24;
      });
      if (stale) renderCharts();   // titles re-wrap and legends re-stack for the new width
    }, 200);
  }

  /* ------------------------------------------------------------------ PNG downloads */

  /* The build writes each chart's static SVG; its PNG is drawn from that SVG here, at twice its size, when
   * the reader asks for it (so the PNG is the SVG's drawing, whatever the screen's width or palette). The
   * link is hidden without JavaScript; it points at the SVG, which a failed drawing opens instead. */
  var PNG_SCALE = 2;

  function pngOf(svgUrl) {
    return fetch(svgUrl).then(function (r) {
      if (!r.ok) throw new Error("chart image " + svgUrl + ": HTTP " + r.status);
      return r.text();
    }).then(function (text) {
      var source = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
      return new Promise(function (resolve, reject) {
        var img = new Image();
        img.onload = function () { resolve(img); };
        img.onerror = function () { reject(new Error("chart image " + svgUrl + " could not be drawn")); };
        img.src = source;
      }).then(function (img) {
        var root = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
        var width = parseFloat(root.getAttribute("width")) || img.naturalWidth;
        var height = parseFloat(root.getAttribute("height")) || img.naturalHeight;
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(width * PNG_SCALE);
        canvas.height = Math.round(height * PNG_SCALE);
        var ctx = canvas.getContext("2d");
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
        return new Promise(function (resolve, reject) {
          canvas.toBlob(function (blob) {
            if (blob) resolve(blob); else reject(new Error("chart image " + svgUrl + ": no PNG made"));
          }, "image/png");
        });
      }).finally(function () { URL.revokeObjectURL(source); });
    });
  }

  function onPngClick(ev) {
    var link = ev.target && ev.target.closest ? ev.target.closest("a[data-png]") : null;
    if (!link || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    link.setAttribute("aria-busy", "true");
    pngOf(link.href).then(function (blob) {
      var url = URL.createObjectURL(blob);
      var save = document.createElement("a");
      save.href = url;
      save.download = link.getAttribute("data-png");
      save.hidden = true;
      document.body.appendChild(save);
      save.click();
      save.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    }).catch(function (err) {
      if (window.console) console.error(err);
      window.location.href = link.href;   // the SVG itself, rather than nothing
    }).finally(function () {
      link.removeAttribute("aria-busy");
    });
  }

  function showPngLinks() {
    if (!window.fetch || !HTMLCanvasElement.prototype.toBlob) return;
    Array.prototype.forEach.call(document.querySelectorAll(".bf-chart-downloads .bf-png[hidden]"), function (span) {
      span.hidden = false;
    });
  }

  /* ------------------------------------------------------------------ copy link, embed code, citations */

  // A citation's accessed date is the reader's: each <pre data-cite-format> holds the build's in the part named
  // by data-cite-accessed (generator/outputs/cite.py accessed_part); today's goes in its place.
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];
  function accessedPart(format, d) {
    var y = d.getFullYear(), m = d.getMonth() + 1, day = d.getDate();
    var iso = y + "-" + (m < 10 ? "0" : "") + m + "-" + (day < 10 ? "0" : "") + day;
    if (format === "gbt") return "[" + iso + "]";
    if (format === "apa") return "Retrieved " + MONTHS[m - 1] + " " + day + ", " + y + ", from";
    if (format === "bibtex") return "urldate = {" + iso + "}";
    if (format === "csl") return '"accessed": {"date-parts": [[' + y + ", " + m + ", " + day + "]]}";
    return null;
  }

  function citeToday() {
    var today = new Date();
    Array.prototype.forEach.call(document.querySelectorAll("pre[data-cite-format][data-cite-accessed]"), function (pre) {
      var from = pre.getAttribute("data-cite-accessed");
      var to = accessedPart(pre.getAttribute("data-cite-format"), today);
      if (to === null || pre.textContent.indexOf(from) < 0) return;
      pre.textContent = pre.textContent.replace(from, to);
      pre.setAttribute("data-cite-accessed", to);
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error("copy failed"));
    });
  }

  // One listener on the document (instant navigation swaps the content, not the document).
  function onCopyClick(event) {
    var button = event.target.closest && event.target.closest("button.bf-copy");
    if (!button) return;
    var text = button.getAttribute("data-copy-text");
    if (text === null) {
      var source = document.getElementById(button.getAttribute("data-copy") || "");
      if (!source) return;
      text = "value" in source && source.tagName === "TEXTAREA" ? source.value : source.textContent;
    }
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    copyText(text).then(function () {
      button.textContent = button.getAttribute("data-copied") || label;
      button.setAttribute("data-copied-text", text);
      setTimeout(function () { button.textContent = label; }, 2000);
    }, function () {
      var source = document.getElementById(button.getAttribute("data-copy") || "");
      if (source && source.tagName === "TEXTAREA") source.select();
    });
  }

  /* ------------------------------------------------------------------ citation notes */
  // A mark (a.bf-cite) names its note with aria-describedby; hovering or focusing it shows the note (the
  // quotes, their paragraphs, in English with the Chinese original) in one shared box beside the mark.
  // The listeners sit on the document, so they keep working across instant navigation.

  var pop = null;
  var popMark = null;
  var hideTimer = null;

  function markOf(node) {
    return node && node.closest ? node.closest("a.bf-cite[aria-describedby]") : null;
  }

  function popBox() {
    if (!pop || !document.body.contains(pop)) {
      pop = document.createElement("div");
      pop.className = "bf-cite-pop";
      pop.id = "bf-cite-pop";
      pop.hidden = true;
      pop.setAttribute("aria-hidden", "true");   // screen readers hear the note as the mark's description
      pop.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
      pop.addEventListener("mouseleave", function () { hideNoteSoon(); });
      document.body.appendChild(pop);
    }
    return pop;
  }

  function showNote(mark) {
    var note = document.getElementById(mark.getAttribute("aria-describedby"));
    if (!note) return;
    clearTimeout(hideTimer);
    var box = popBox();
    if (popMark !== mark) {
      box.textContent = "";
      var body = note.cloneNode(true);
      body.removeAttribute("id");
      box.appendChild(body);
      popMark = mark;
    }
    box.hidden = false;
    // Below the mark, or above it when there is more room there; never past the window's edges.
    var r = mark.getBoundingClientRect();
    var viewW = document.documentElement.clientWidth, viewH = window.innerHeight;
    var below = viewH - r.bottom - 14, above = r.top - 14;
    box.style.maxHeight = "";
    var natural = box.offsetHeight;
    var up = natural > below && above > below;
    box.style.maxHeight = Math.max(80, Math.min(natural, up ? above : below)) + "px";
    var width = box.offsetWidth, height = box.offsetHeight;
    var left = Math.max(8, Math.min(r.left, viewW - width - 8));
    var top = up ? r.top - height - 6 : r.bottom + 6;
    box.style.left = (left + window.scrollX) + "px";
    box.style.top = (top + window.scrollY) + "px";
  }

  function hideNote() {
    clearTimeout(hideTimer);
    if (pop) pop.hidden = true;
    popMark = null;
  }

  function hideNoteSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hideNote, 250);
  }

  function openNote(id) {
    // The notes sit in a closed <details> at the end of the page: open it before the browser goes there.
    var target = id && document.getElementById(id);
    var details = target && target.closest ? target.closest("details") : null;
    if (details) details.open = true;
  }

  function wireNotes() {
    document.addEventListener("mouseover", function (e) {
      var mark = markOf(e.target);
      if (mark) showNote(mark);
    });
    document.addEventListener("mouseout", function (e) {
      var mark = markOf(e.target);
      if (mark && !mark.contains(e.relatedTarget)) hideNoteSoon();
    });
    document.addEventListener("focusin", function (e) {
      var mark = markOf(e.target);
      if (mark) showNote(mark);
      else if (popMark) hideNote();
    });
    document.addEventListener("focusout", function (e) {
      if (markOf(e.target)) hideNoteSoon();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && pop && !pop.hidden) hideNote();
    });
    document.addEventListener("click", function (e) {
      var mark = markOf(e.target);
      // Material's instant navigation makes hrefs absolute: the mark's hash names its note.
      if (mark) { hideNote(); openNote(decodeURIComponent(mark.hash.slice(1))); }
    }, true);
    // A printed page has no hover: print the notes unfolded.
    window.addEventListener("beforeprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll("details.bf-notes, details.bf-cite-box"), function (d) { d.open = true; });
    });
    window.addEventListener("hashchange", function () { openNote(decodeURIComponent(location.hash.slice(1))); });
  }

  /* ------------------------------------------------------------------ wiring */

  function onPage() {
    hideNote();
    if (location.hash) openNote(decodeURIComponent(location.hash.slice(1)));
    showPngLinks();
    renderCharts();
    setupCatalogues();
    watchSearch();
    nameWidgets();
    citeToday();
  }

  var observer = null;
  var drawnDark = null;   // the palette the charts were last drawn for
  function watchScheme() {
    if (observer || !document.body) return;
    // Material sets the attribute again on every instant navigation: re-render only when the palette changes.
    observer = new MutationObserver(function () {
      if (drawnDark !== null && isDark() !== drawnDark) renderCharts();
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }

  // Printing shows each chart's static SVG (briefing.css, @media print); a live chart's was never loaded
  // (loading="lazy" and hidden), so load them all before the page is printed.
  function onBeforePrint() {
    document.querySelectorAll("img.bf-chart-static[loading=lazy]").forEach(function (img) { img.loading = "eager"; });
  }

  function start() {
    watchScheme();
    window.addEventListener("beforeprint", onBeforePrint);
    wireNotes();
    document.addEventListener("click", onPngClick);
    document.addEventListener("click", onCopyClick);
    window.addEventListener("resize", onResize);
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(onPage);
    } else {
      onPage();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
