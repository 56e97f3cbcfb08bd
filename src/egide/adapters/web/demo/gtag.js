/* A stand-in for the Google tag: it does not call Google. It records the Consent Mode state it
   finds when it runs (window.__gtagAtLoad) and follows later updates (window.__gtagConsent), as
   the real tag would before deciding whether to set cookies. */
(function () {
  "use strict";
  var layer = window.dataLayer = window.dataLayer || [];
  var state = {};
  var commands = [];
  function consume(entry) {
    if (!entry || typeof entry.length !== "number" || entry[0] !== "consent") return;
    var kind = entry[1];
    var values = entry[2] || {};
    commands.push(kind);
    Object.keys(values).forEach(function (k) {
      if (k !== "wait_for_update" && (kind === "update" || !(k in state))) state[k] = values[k];
    });
  }
  Array.prototype.forEach.call(layer, consume);
  window.__gtagAtLoad = { state: JSON.parse(JSON.stringify(state)), commands: commands.slice() };
  window.__gtagConsent = state;
  var push = layer.push;
  layer.push = function () {
    Array.prototype.forEach.call(arguments, consume);
    return push.apply(layer, arguments);
  };
  window.gtag = window.gtag || function () { layer.push(arguments); };
})();
