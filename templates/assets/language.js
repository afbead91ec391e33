/* The language switcher leads to the same page in the other edition.
 *
 * Material lists the editions from `extra.alternate` in the header (links to each edition's home, "/" and
 * "/en/"). Its own same-page logic only works when every edition has a folder of its own: with the Chinese
 * edition at the root, the root's prefix matches every page and Material falls back to the home page.
 * Both editions have the same page paths below their roots, so the same page is the other root plus the
 * current page's path below its own root.
 *
 * The links' hrefs are rewritten on every page (instant navigation swaps pages without reloading and
 * without re-rendering the header) and again at the moment of a click, so hovering, copying the link, a
 * middle click and an ordinary click all lead to the same page. Without JavaScript, the links lead to
 * the other edition's home page.
 */
(function () {
  "use strict";

  var SELECTOR = ".md-select__link[hreflang]";

  /* Each edition's root, read from its link once, while the header still matches the page it came with. */
  function remember(link) {
    if (!link.hasAttribute("data-edition-root")) {
      link.setAttribute("data-edition-root", new URL(link.getAttribute("href"), location.href).href);
    }
    return new URL(link.getAttribute("data-edition-root"));
  }

  /* The same page in the edition whose root is `root`, or null when the current page is in no edition. */
  function samePage(root, roots) {
    var here = location.origin + location.pathname;
    var own = null;
    roots.forEach(function (r) {
      var base = r.origin + r.pathname;
      if (here.indexOf(base) === 0 && (own === null || base.length > own.length)) {
        own = base;
      }
    });
    if (own === null || root.origin !== location.origin) {
      return null;
    }
    return root.origin + root.pathname + here.slice(own.length);
  }

  function update() {
    var links = Array.prototype.slice.call(document.querySelectorAll(SELECTOR));
    var roots = links.map(remember);
    links.forEach(function (link, i) {
      var target = samePage(roots[i], roots);
      if (target !== null) {
        link.setAttribute("href", target);
      }
    });
  }

  /* Capture phase: runs before Material's own click handlers look at the link. Material's handler for
   * alternate links (on document.body) would otherwise take over a plain click and, when it cannot match
   * the page in the other edition's sitemap (a different host or port than site_url), go to its home page;
   * stopping the click here leaves the browser to follow the rewritten link. */
  function onActivate(event) {
    var link = event.target instanceof Element ? event.target.closest(SELECTOR) : null;
    if (link) {
      update();
      if (event.type === "click") {
        event.stopPropagation();
      }
    }
  }

  document.addEventListener("click", onActivate, true);
  document.addEventListener("auxclick", onActivate, true);
  document.addEventListener("contextmenu", onActivate, true);

  if (typeof window.document$ !== "undefined" && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(update);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
})();
