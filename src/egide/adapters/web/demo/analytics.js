/* Demo audience measurement: it only shows that it ran. Blocked by the banner until the
   "analytics" category is accepted. */
(function () {
  "use strict";
  window.__analyticsRuns = (window.__analyticsRuns || 0) + 1;
  document.cookie = "_demo_analytics=1; Path=/; Max-Age=34128000; SameSite=Lax";
  document.body.dataset.analyticsRan = "yes";
  var marker = document.createElement("p");
  marker.id = "analytics-marker";
  marker.className = "shop-marker";
  marker.textContent = "Mesure d'audience active (démonstration).";
  document.body.appendChild(marker);
})();
