// The search box in the header: this edition's Pagefind index (pagefind/ at the edition's root, written by
// `python -m generator site`). Loaded once; Material's instant navigation keeps the header, and each new
// page (document$) closes the results. The index is fetched only when a reader searches: the entry files
// first, then the few chunks a query needs.
(function () {
  "use strict";
  if (window.__bfSearch) return;
  window.__bfSearch = true;

  // This file is <root>/assets/generated/js/search.js: the edition's root is three folders up.
  var script = document.currentScript;
  var root = new URL("../../../", script ? script.src : location.href);
  var lang = (document.documentElement.lang || "zh").slice(0, 2) === "en" ? "en" : "zh";
  var T = {
    zh: { placeholder: "搜索", kind: "类型", platform: "平台", all: "全部", none: "没有找到结果",
          results: function (n) { return "找到 " + n + " 个结果"; }, loading: "正在搜索…", failed: "搜索暂时不可用",
          kinds: { platform: "平台", collectible: "藏品", partner: "合作方", event: "事件", page: "页面" } },
    en: { placeholder: "Search", kind: "Kind", platform: "Platform", all: "All", none: "No results",
          results: function (n) { return n === 1 ? "1 result" : n + " results"; }, loading: "Searching…",
          failed: "Search is not available", kinds: { platform: "Platform", collectible: "Collectible",
          partner: "Partner", event: "Event", page: "Page" } }
  }[lang];
  var SHOWN = 10;
  var loading = null;  // the Pagefind module, once asked for
  var box = null;      // the .bf-search element in the header
  var seq = 0;         // the latest query: older answers are dropped
  var asked = "";      // the latest query and filters asked: a key that changes neither asks nothing
  var timer = null;

  function pagefind() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
        return Promise.resolve(pf.options({ baseUrl: root.pathname, excerptLength: 40 })).then(function () {
          return pf;
        });
      });
    }
    return loading;
  }

  function $(sel) { return box.querySelector(sel); }

  function open(show) {
    var panel = $(".bf-search__panel");
    panel.hidden = !show;
    box.classList.toggle("bf-search--open", show);
    $(".bf-search__input").setAttribute("aria-expanded", show ? "true" : "false");
  }

  // Pagefind's excerpt is HTML with <mark> around the matched words: keep only its text and the marks. The
  // page's hidden names (generator/site/search.py, between ⟦ and ⟧) are indexed text too: cut them out, whole
  // or where the excerpt begins or ends inside them, and the empty blocks they leave.
  function excerpt(html) {
    html = html.replace(/⟦[\s\S]*?⟧/g, "").replace(/^[^⟦]*?⟧/, "").replace(/⟦[\s\S]*$/, "")
      .replace(/(\.\s*){2,}/g, ". ").replace(/^[\s.·]+/, "");
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = document.createElement("p");
    out.className = "bf-search__excerpt";
    doc.body.firstChild.childNodes.forEach(function (n) {
      if (n.nodeType === 1 && n.nodeName === "MARK") {
        var m = document.createElement("mark");
        m.textContent = n.textContent;
        out.appendChild(m);
      } else {
        out.appendChild(document.createTextNode(n.textContent));
      }
    });
    return out;
  }

  function filters() {
    var out = {};
    box.querySelectorAll("select[data-bf-filter]").forEach(function (s) {
      if (s.value) out[s.getAttribute("data-bf-filter")] = s.value;
    });
    return out;
  }

  function fillFilters(pf) {
    return Promise.resolve(pf.filters()).then(function (all) {
      box.querySelectorAll("select[data-bf-filter]").forEach(function (s) {
        if (s.options.length > 1) return;
        var key = s.getAttribute("data-bf-filter");
        Object.keys(all[key] || {}).sort().forEach(function (v) {
          var o = document.createElement("option");
          o.value = v;
          o.textContent = key === "kind" ? (T.kinds[v] || v) : v;
          s.appendChild(o);
        });
      });
    });
  }

  function render(results, total) {
    var list = $(".bf-search__results");
    list.textContent = "";
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.className = "bf-search__result";
      var a = document.createElement("a");
      a.href = r.url;
      a.id = "bf-search-result-" + i;
      var kind = (r.meta && r.meta.kind) || "page";
      var k = document.createElement("span");
      k.className = "bf-search__kind";
      k.setAttribute("data-kind", kind);
      k.textContent = T.kinds[kind] || kind;
      var t = document.createElement("span");
      t.className = "bf-search__title";
      t.textContent = (r.meta && r.meta.title) || r.url;
      a.appendChild(k);
      a.appendChild(t);
      a.appendChild(excerpt(r.excerpt || ""));
      li.appendChild(a);
      list.appendChild(li);
    });
    $(".bf-search__status").textContent = total ? T.results(total) : T.none;
  }

  // A page whose own name is the query comes first (its names are metadata: generator/site/search.py).
  function norm(s) { return (s || "").toLowerCase().replace(/\s+/g, ""); }
  function exactFirst(data, q) {
    var want = norm(q);
    var named = function (r) {
      return names(r).some(function (n) { return norm(n) === want; });
    };
    return data.filter(named).concat(data.filter(function (r) { return !named(r); }));
  }

  var CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
  function spaced(q) { return q.replace(/([\u3400-\u9fff\uf900-\ufaff])/g, " $1 ").replace(/\s+/g, " ").trim(); }
  function names(r) { return ((r.meta && r.meta.names) || "").split(" | ").filter(Boolean); }
  function nameHas(r, q) { return names(r).some(function (n) { return norm(n).indexOf(norm(q)) >= 0; }); }

  // The first `count` results of a query, with their data, and how many there are.
  function find(pf, q, count) {
    return Promise.resolve(pf.search(q, { filters: filters() })).then(function (search) {
      if (!search) return [[], 0];
      return Promise.all(search.results.slice(0, count).map(function (r) { return r.data(); })).then(function (data) {
        return [data, search.results.length];
      });
    });
  }

  function run() {
    var q = $(".bf-search__input").value.trim();
    var key = q + "\n" + JSON.stringify(filters());
    if (key === asked) return;  // (an arrow key, End, a finished IME composition with the same text)
    asked = key;
    var mine = ++seq;
    if (!q) {
      $(".bf-search__results").textContent = "";
      $(".bf-search__status").textContent = "";
      return;
    }
    open(true);
    $(".bf-search__status").textContent = T.loading;
    pagefind().then(function (pf) {
      fillFilters(pf);
      if (!CJK.test(q)) return find(pf, q, SHOWN).then(function (f) { return [exactFirst(f[0], q), f[1]]; });
      // A Chinese query is also asked one character a word, as each page's names are indexed: that finds the
      // pages so named even where Pagefind cut a rare name into other words than the browser cuts the query,
      // and fast (a few pages, where the query's words may be on thousands). Those pages show at once, at
      // the top; the other results follow below them when the query's own search is done.
      var named = find(pf, spaced(q), 5).then(function (byChar) {
        var pages = byChar[0].filter(function (r) { return nameHas(r, q); });
        if (mine === seq && pages.length) {
          render(exactFirst(pages, q), pages.length);
          $(".bf-search__status").textContent = T.loading;
        }
        return pages;
      });
      // Then the query itself: Pagefind's worker answers one search at a time, and this one may have thousands
      // of pages to rank, so started first it would hold up the named pages.
      var general = named.then(function () { return mine === seq ? find(pf, q, SHOWN) : [[], 0]; });
      return Promise.all([named, general]).then(function (both) {
        var pages = both[0], data = both[1][0], total = both[1][1];
        var urls = pages.map(function (r) { return r.url; });
        var rest = data.filter(function (r) { return urls.indexOf(r.url) < 0; });
        return [exactFirst(pages.concat(rest), q).slice(0, SHOWN), Math.max(total, pages.length)];
      });
    }).then(function (found) {
      if (mine === seq && found) render(found[0], found[1]);
    }).catch(function (err) {
      if (mine === seq) $(".bf-search__status").textContent = T.failed;
      console.warn("search:", err);
    });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, 80);
  }

  function links() { return Array.prototype.slice.call(box.querySelectorAll(".bf-search__result a")); }

  function move(by) {
    var all = links();
    if (!all.length) return;
    var at = all.indexOf(document.activeElement);
    var next = at + by;
    if (next < 0) { $(".bf-search__input").focus(); return; }
    all[Math.min(next, all.length - 1)].focus();
  }

  function onKey(e) {
    if (e.key === "Escape") {
      open(false);
      $(".bf-search__input").blur();
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      move(1);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      move(-1);
    } else if (e.key === "Enter" && e.target === $(".bf-search__input")) {
      e.preventDefault();
      var first = links()[0];
      if (first) first.click();  // a click, so that instant navigation takes it
    }
  }

  // "/" or "s" anywhere but in a field focuses the search box (as Material's search did).
  function onShortcut(e) {
    if (!box || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (e.key !== "/" && e.key !== "s" && e.key !== "S") return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    var input = $(".bf-search__input");
    input.focus();
    input.select();
  }

  function bind(el) {
    box = el;
    if (el.hasAttribute("data-bf-bound")) return;
    el.setAttribute("data-bf-bound", "");
    asked = "";  // a new box (after instant navigation) holds no results yet: its first query is asked
    var input = el.querySelector(".bf-search__input");
    input.placeholder = T.placeholder;
    input.setAttribute("aria-label", T.placeholder);
    el.querySelectorAll("[data-bf-label]").forEach(function (s) { s.textContent = T[s.getAttribute("data-bf-label")]; });
    el.querySelectorAll("select[data-bf-filter] option[value='']").forEach(function (o) { o.textContent = T.all; });
    input.addEventListener("input", schedule);
    input.addEventListener("keyup", function (e) { if (e.key.length > 1 && e.key !== "Escape") schedule(); });
    input.addEventListener("focus", function () {
      pagefind();  // start fetching the entry files while the reader types
      if ($(".bf-search__results").children.length) open(true);
    });
    el.addEventListener("keydown", onKey);
    el.querySelectorAll("select[data-bf-filter]").forEach(function (s) { s.addEventListener("change", run); });
    el.addEventListener("click", function (e) {
      if (e.target.closest && e.target.closest(".bf-search__result a")) open(false);
    });
    el.hidden = false;
  }

  // Into the header (MkDocs: the box comes after it), before the repository link if there is one.
  function place() {
    var el = document.querySelector("[data-bf-search]");
    if (!el) return;
    var nav = document.querySelector(".md-header__inner");
    if (nav && !nav.contains(el)) nav.insertBefore(el, nav.querySelector(".md-header__source"));
    if (el.hasAttribute("data-bf-preview")) { el.hidden = false; return; }  // make serve: a note, no index to search
    bind(el);
  }

  function onPage() {
    place();
    if (box) {
      open(false);
      if (document.activeElement && box.contains(document.activeElement)) document.activeElement.blur();
    }
  }

  document.addEventListener("keydown", onShortcut);
  document.addEventListener("click", function (e) {
    if (box && !box.contains(e.target)) open(false);
  });
  // Zensical's header has its own search button (for="__search"): it opens this box.
  document.addEventListener("change", function (e) {
    if (box && e.target && e.target.id === "__search" && e.target.checked) {
      e.target.checked = false;
      $(".bf-search__input").focus();
    }
  });
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
