/*! Egide cookie banner. The configuration below is built by the server from the active register:
 * categories, cookies, providers, purposes and lifetimes; nothing here is written per site.
 * No dependency; works under `script-src 'self'; style-src 'self'` (styles come from banner.css).
 * Every text from the register reaches the page through textContent, never as HTML. */
(function (window, document) {
  "use strict";
  var CONFIG = __EGIDE_CONFIG__;
  var DAY = 86400000;
  var MAX_COOKIE = 2048;
  var GOOGLE = { analytics: ["analytics_storage"], advertising: ["ad_storage", "ad_user_data", "ad_personalization"] };
  var NAME = /^[!#$%&'+\-.^_`|~0-9A-Za-z]{1,64}\*?$/;
  var script = document.currentScript;
  var base = script && script.src ? script.src : window.location.href;
  var endpoint = new URL(CONFIG.consent_endpoint, base).href;
  var byKey = {};
  var optional = [];
  CONFIG.categories.forEach(function (c) {
    byKey[c.key] = c;
    if (!c.exempt) optional.push(c.key);
  });

  function own(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  // Google Consent Mode v2: everything denied until a choice says otherwise. This runs before
  // any Google tag placed after this script.
  window.dataLayer = window.dataLayer || [];
  function gtag() { window.dataLayer.push(arguments); }
  gtag("consent", "default", {
    ad_storage: "denied", analytics_storage: "denied", ad_user_data: "denied",
    ad_personalization: "denied", wait_for_update: 500
  });

  // ---- the stored choice: a first-party cookie holding base64url JSON --------------------------
  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i].replace(/^\s+/, "");
      var eq = p.indexOf("=");
      if (eq > 0 && p.slice(0, eq) === name) return p.slice(eq + 1);
    }
    return null;
  }

  function wellFormed(r) {
    var hex = /^[0-9a-f]{64}$/;
    if (!r || typeof r !== "object" || Array.isArray(r) || r.v !== 1) return false;
    if (typeof r.browser_id !== "string" || !/^[A-Za-z0-9_-]{16,64}$/.test(r.browser_id)) return false;
    if (typeof r.cookies_hash !== "string" || !hex.test(r.cookies_hash)) return false;
    if (typeof r.register_version !== "string" || !hex.test(r.register_version)) return false;
    if (typeof r.key !== "string" || !/^[A-Za-z0-9_-]{1,100}$/.test(r.key)) return false;
    if (r.consent_id !== null && (typeof r.consent_id !== "string" || !/^[0-9A-Za-z-]{1,64}$/.test(r.consent_id))) return false;
    if (typeof r.date !== "string" || !/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(r.date) || isNaN(Date.parse(r.date))) return false;
    if (!r.choices || typeof r.choices !== "object" || Array.isArray(r.choices)) return false;
    for (var k in r.choices) {
      if (own(r.choices, k) && (!/^[a-z_]{1,40}$/.test(k) || typeof r.choices[k] !== "boolean")) return false;
    }
    return typeof r.closed === "boolean" && typeof r.synced === "boolean";
  }

  function decodeRecord(raw) {
    try {
      if (!raw || raw.length > MAX_COOKIE || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
      var b64 = raw.replace(/-/g, "+").replace(/_/g, "/");
      while (b64.length % 4) b64 += "=";
      var record = JSON.parse(window.atob(b64));
      return wellFormed(record) ? record : null;
    } catch (e) {
      return null; // forged or damaged: as if no choice had been made
    }
  }

  function current(r) {
    if (!r || r.cookies_hash !== CONFIG.cookies_hash) return false; // the cookies changed: ask again
    var at = Date.parse(r.date);
    var now = Date.now();
    return at <= now + DAY && at + CONFIG.remember_days * DAY > now;
  }

  function writeRecord(r) {
    var value = window.btoa(JSON.stringify(r)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    document.cookie = CONFIG.cookie_name + "=" + value + "; Path=/; Max-Age=" + CONFIG.remember_days * 86400 +
      "; SameSite=Lax" + (window.location.protocol === "https:" ? "; Secure" : "");
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return window.btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  var stored = decodeRecord(readCookie(CONFIG.cookie_name));
  var choice = current(stored) ? stored : null;
  var activated = {};

  function allowed(category) {
    if (category === "strictly_necessary") return true;
    var c = own(byKey, category) ? byKey[category] : null;
    if (!c) return false; // a category the register does not name stays blocked
    return c.exempt || !!(choice && choice.choices[category] === true);
  }

  // ---- blocked content: scripts, iframes and templates marked data-egide-category ----------------
  function activate(el) {
    var category = el.getAttribute("data-egide-category");
    if (el.getAttribute("data-egide-state") === "on" || !allowed(category)) return;
    el.setAttribute("data-egide-state", "on");
    activated[category] = true;
    if (el.tagName === "SCRIPT") {
      if ((el.getAttribute("type") || "").toLowerCase() !== "text/plain") return;
      var s = document.createElement("script");
      for (var i = 0; i < el.attributes.length; i++) {
        var a = el.attributes[i];
        if (a.name !== "type") s.setAttribute(a.name, a.value);
      }
      s.async = el.hasAttribute("async");
      if (!el.src) s.text = el.text;
      el.parentNode.replaceChild(s, el);
    } else if (el.tagName === "TEMPLATE") {
      el.parentNode.insertBefore(el.content.cloneNode(true), el.nextSibling);
    } else if (el.hasAttribute("data-src")) {
      // A fresh element: a frame restored from history on reload would otherwise stay blank.
      var copy = el.cloneNode(true);
      copy.setAttribute("src", el.getAttribute("data-src"));
      el.parentNode.replaceChild(copy, el);
    }
  }

  function place(p) { p.hidden = allowed(p.getAttribute("data-egide-placeholder")); }

  function applyTo(node) {
    if (node.hasAttribute("data-egide-category")) activate(node);
    if (node.hasAttribute("data-egide-placeholder")) place(node);
    Array.prototype.forEach.call(node.querySelectorAll("[data-egide-category]"), activate);
    Array.prototype.forEach.call(node.querySelectorAll("[data-egide-placeholder]"), place);
  }

  function applyChoice() { applyTo(document.documentElement); }

  new MutationObserver(function (records) {
    records.forEach(function (r) {
      Array.prototype.forEach.call(r.addedNodes, function (n) { if (n.nodeType === 1) applyTo(n); });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  function consentUpdate(always) {
    var update = { ad_storage: "denied", analytics_storage: "denied", ad_user_data: "denied", ad_personalization: "denied" };
    var granted = false;
    Object.keys(GOOGLE).forEach(function (category) {
      if (!allowed(category)) return;
      granted = true;
      GOOGLE[category].forEach(function (signal) { update[signal] = "granted"; });
    });
    if (granted || always) gtag("consent", "update", update);
  }

  // ---- withdrawal: delete the cookies a refused category placed -------------------------------------
  function cookieNames(category) {
    var names = own(byKey, category) ? byKey[category].names.slice() : [];
    Array.prototype.forEach.call(document.querySelectorAll("[data-egide-cookies]"), function (el) {
      if (el.getAttribute("data-egide-category") !== category) return;
      el.getAttribute("data-egide-cookies").split(/[\s,]+/).forEach(function (n) { if (NAME.test(n)) names.push(n); });
    });
    return names;
  }

  function expire(name) {
    var host = window.location.hostname;
    var domains = [""];
    if (!/^[\d.]+$/.test(host) && host.indexOf(":") < 0) {
      var labels = host.split(".");
      for (var i = 0; i < labels.length - 1; i++) domains.push("; Domain=" + labels.slice(i).join("."));
    }
    var dir = window.location.pathname.replace(/[^/]*$/, "");
    domains.forEach(function (d) {
      ["/", dir].forEach(function (path) {
        document.cookie = name + "=; Max-Age=0; Path=" + path + d + "; SameSite=Lax";
      });
    });
  }

  function deleteCookies(category) {
    var present = document.cookie.split(";").map(function (p) { return p.split("=")[0].replace(/^\s+|\s+$/g, ""); });
    cookieNames(category).forEach(function (name) {
      if (name.charAt(name.length - 1) !== "*") return expire(name);
      var prefix = name.slice(0, -1);
      present.forEach(function (p) { if (p && p.indexOf(prefix) === 0) expire(p); });
    });
  }

  // ---- the ledger ----------------------------------------------------------------------------------------
  function send(record) {
    if (!window.fetch) return Promise.resolve();
    var body = {
      browser_id: record.browser_id, choices: record.choices, channel: "banner", language: lang(),
      register_version: CONFIG.register_version, banner_sha256: CONFIG.banner_sha256,
      idempotency_key: record.key, closed: record.closed
    };
    return window.fetch(endpoint, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      keepalive: true, credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (data) {
      if (!choice || choice.key !== record.key) return;
      if (data && typeof data.consent_id === "string" && /^[0-9A-Za-z-]{1,64}$/.test(data.consent_id)) {
        choice.consent_id = data.consent_id;
      }
      choice.synced = true;
      writeRecord(choice);
    }).catch(function (err) {
      if (window.console) window.console.warn("egide: the choice is not recorded yet (" + err.message + "); it will be sent again");
    });
  }

  function decide(choices, closed) {
    var now = new Date();
    var browserId = stored ? stored.browser_id : randomId();
    var withdrawn = optional.filter(function (k) { return !choices[k] && activated[k]; });
    choice = stored = {
      v: 1, browser_id: browserId, choices: choices, register_version: CONFIG.register_version,
      cookies_hash: CONFIG.cookies_hash, consent_id: null, date: now.toISOString(),
      key: browserId + "-" + now.getTime().toString(36) + "-" + randomId().slice(0, 6), closed: !!closed, synced: false
    };
    writeRecord(choice);
    optional.forEach(function (k) { if (!choices[k]) deleteCookies(k); });
    consentUpdate(true);
    applyChoice();
    hide();
    var sent = send(choice);
    document.dispatchEvent(new CustomEvent("egide:choice", { detail: { choices: choices, closed: !!closed } }));
    // A script that already ran cannot be stopped: leave the page so the withdrawal takes effect.
    if (withdrawn.length) sent.then(function () { window.location.reload(); });
  }

  function choose(value) {
    var choices = {};
    optional.forEach(function (k) { choices[k] = value === null ? !!toggles[k].checked : value; });
    return choices;
  }

  // ---- the dialog ---------------------------------------------------------------------------------------
  var T, root, dialog, firstActions, details, closeButton, customiseButton, returnFocus;
  var toggles = {};

  var language = null;
  function lang() {
    if (language) return language;
    language = CONFIG.default_language;
    var tags = [document.documentElement.lang || ""].concat(navigator.languages || [navigator.language || ""]);
    for (var i = 0; i < tags.length; i++) {
      var l = String(tags[i]).slice(0, 2).toLowerCase();
      if (l && own(CONFIG.texts, l)) return (language = l);
    }
    return language;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function button(label, cls, onClick) {
    var b = el("button", "egide-btn " + cls, label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function actions(saveLabel, onSave) {
    var row = el("div", "egide-actions");
    row.appendChild(button(T.refuse_all, "egide-refuse", function () { decide(choose(false), false); }));
    row.appendChild(saveLabel === null ? customiseButton : button(saveLabel, "egide-save", onSave));
    row.appendChild(button(T.accept_all, "egide-accept", function () { decide(choose(true), false); }));
    return row;
  }

  function cookieList(cookies) {
    var list = el("ul", "egide-cookies");
    cookies.forEach(function (c) {
      var item = el("li", "egide-cookie");
      item.appendChild(el("span", "egide-cookie-name", c.name));
      var facts = el("dl", "egide-facts");
      [[T.provider, c.provider], [T.purpose, c.purpose],
        [T.lifetime, c.lifetime ? c.lifetime[lang()] : T.lifetime_unknown]].forEach(function (pair) {
        facts.appendChild(el("dt", "", pair[0]));
        facts.appendChild(el("dd", "", pair[1]));
      });
      item.appendChild(facts);
      list.appendChild(item);
    });
    return list;
  }

  function categoryBlock(c) {
    var text = T.categories[c.key];
    var block = el("div", "egide-category");
    var head = el("div", "egide-category-head");
    var label = el(c.exempt ? "span" : "label", "egide-category-name", text.name);
    if (c.exempt) {
      head.appendChild(label);
      head.appendChild(el("span", "egide-always", T.always_on));
    } else {
      var input = el("input", "egide-toggle");
      input.type = "checkbox";
      input.id = "egide-toggle-" + c.key;
      input.setAttribute("role", "switch");
      input.setAttribute("aria-describedby", "egide-about-" + c.key);
      label.htmlFor = input.id;
      toggles[c.key] = input;
      head.appendChild(label);
      head.appendChild(input);
    }
    block.appendChild(head);
    var about = el("p", "egide-about", text.description);
    about.id = "egide-about-" + c.key;
    block.appendChild(about);
    var more = el("details", "egide-more");
    more.appendChild(el("summary", "", T.cookies_listed.replace("{count}", c.cookies.length)));
    more.appendChild(cookieList(c.cookies));
    block.appendChild(more);
    return block;
  }

  function build() {
    T = CONFIG.texts[lang()];
    root = el("div", "egide-root");
    root.id = "egide-banner";
    dialog = el("div", "egide-dialog");
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-labelledby", "egide-title");
    dialog.setAttribute("aria-describedby", "egide-intro");
    dialog.setAttribute("lang", lang());
    dialog.tabIndex = -1;
    var head = el("div", "egide-head");
    var title = el("h2", "egide-title", T.title);
    title.id = "egide-title";
    closeButton = button("", "egide-close", onClose);
    head.appendChild(title);
    head.appendChild(closeButton);
    var intro = el("p", "egide-intro", T.intro);
    intro.id = "egide-intro";
    if (CONFIG.policy_url) {
      var link = el("a", "egide-link", T.policy_link);
      link.href = CONFIG.policy_url;
      intro.appendChild(document.createTextNode(" "));
      intro.appendChild(link);
    }
    customiseButton = button(T.customise, "egide-customise", function () { showDetails(true); });
    customiseButton.setAttribute("aria-expanded", "false");
    customiseButton.setAttribute("aria-controls", "egide-details");
    firstActions = actions(null);
    details = el("div", "egide-details");
    details.id = "egide-details";
    details.appendChild(el("h3", "egide-subtitle", T.details_title));
    CONFIG.categories.forEach(function (c) { if (!c.exempt) details.appendChild(categoryBlock(c)); });
    var consentCookie = {
      name: CONFIG.cookie_name, provider: window.location.hostname || "-", purpose: T.consent_cookie_purpose,
      lifetime: { fr: CONFIG.texts.fr.consent_cookie_lifetime, en: CONFIG.texts.en.consent_cookie_lifetime }
    };
    if (!own(byKey, "strictly_necessary")) details.appendChild(categoryBlock({ key: "strictly_necessary", exempt: true, cookies: [consentCookie] }));
    CONFIG.categories.forEach(function (c) {
      if (!c.exempt) return;
      var cookies = c.key === "strictly_necessary" ? c.cookies.concat([consentCookie]) : c.cookies;
      details.appendChild(categoryBlock({ key: c.key, exempt: true, cookies: cookies }));
    });
    details.appendChild(actions(T.save, function () { decide(choose(null), false); }));
    [head, intro, firstActions, details].forEach(function (n) { dialog.appendChild(n); });
    root.appendChild(dialog);
    dialog.addEventListener("keydown", onKey);
  }

  function showDetails(show) {
    details.hidden = !show;
    firstActions.hidden = show;
    customiseButton.setAttribute("aria-expanded", show ? "true" : "false");
    if (show) {
      var first = details.querySelector("input, summary");
      if (first) first.focus();
    }
  }

  function focusables() {
    return Array.prototype.filter.call(dialog.querySelectorAll("button, input, a[href], summary"), function (x) {
      return !x.disabled && x.getClientRects().length > 0;
    });
  }

  function onKey(e) {
    if (e.key === "Escape") {
      e.preventDefault();
      onClose();
      return;
    }
    if (e.key !== "Tab") return;
    var items = focusables();
    if (!items.length) return;
    var first = items[0];
    var last = items[items.length - 1];
    var active = document.activeElement;
    if (e.shiftKey && (active === first || active === dialog)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    }
  }

  function onFocusIn(e) {
    if (root && root.parentNode && !root.contains(e.target)) dialog.focus();
  }

  function onClose() {
    if (choice) hide(); // re-opened after a choice: closing keeps it
    else decide(choose(false), true); // first ask: closing is a refusal, and the button says so
  }

  function show(withDetails) {
    if (!root) build();
    if (root.parentNode) return;
    returnFocus = document.activeElement;
    optional.forEach(function (k) { toggles[k].checked = !!(choice && choice.choices[k] === true); });
    closeButton.textContent = choice ? T.close : T.close_refuses + " \u2715";
    closeButton.setAttribute("aria-label", choice ? T.close_label : T.close_refuses_label);
    showDetails(false);
    document.body.appendChild(root);
    document.addEventListener("focusin", onFocusIn);
    if (withDetails) showDetails(true);
    else dialog.focus();
  }

  function hide() {
    if (!root || !root.parentNode) return;
    document.removeEventListener("focusin", onFocusIn);
    root.parentNode.removeChild(root);
    var target = returnFocus;
    returnFocus = null;
    if (target && target.focus && target !== document.body && document.contains(target)) target.focus();
  }

  // ---- start ------------------------------------------------------------------------------------------------
  var styled = false;
  var ready = document.readyState !== "loading";
  var waiting = [];
  function whenShown(fn) {
    if (styled && ready) fn();
    else waiting.push(fn);
  }
  function flush() {
    if (!(styled && ready)) return;
    var queued = waiting;
    waiting = [];
    queued.forEach(function (fn) { fn(); });
  }
  var sheet = document.createElement("link");
  sheet.rel = "stylesheet";
  sheet.href = new URL("banner.css", base).href;
  sheet.onload = sheet.onerror = function () { styled = true; flush(); };
  (document.head || document.documentElement).appendChild(sheet);
  if (!ready) document.addEventListener("DOMContentLoaded", function () { ready = true; flush(); });

  consentUpdate(false);
  applyChoice();
  if (choice && !choice.synced) send(choice);
  if (!choice && optional.length) whenShown(function () { show(false); });

  document.addEventListener("click", function (e) {
    var opener = e.target && e.target.closest ? e.target.closest("[data-egide-open]") : null;
    if (!opener) return;
    e.preventDefault();
    whenShown(function () { show(!!choice); });
  });

  window.egide = {
    open: function () { whenShown(function () { show(!!choice); }); },
    choice: function () { return choice ? JSON.parse(JSON.stringify(choice.choices)) : null; },
    register_version: CONFIG.register_version,
    banner_sha256: CONFIG.banner_sha256
  };
})(window, document);
