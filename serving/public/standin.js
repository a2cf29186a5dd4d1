// Plays the workspace's part for @databricks/aibi-client: reads the token from the fragment, tells the parent it is
// ready (DATABRICKS_EMBED_READY), accepts new tokens (DATABRICKS_SET_TOKEN), and renders the dashboard's datasets,
// which the server runs with the token's external value.
(function () {
  "use strict";
  var id = location.pathname.split("/").pop();
  var token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
  history.replaceState(null, "", location.pathname + location.search); // the token leaves the address bar

  function show(data) {
    document.getElementById("title").textContent = data.title;
    var main = document.getElementById("datasets");
    main.textContent = "";
    data.datasets.forEach(function (d) {
      var section = document.createElement("section");
      section.setAttribute("data-dataset", d.name);
      var h = document.createElement("h2");
      h.textContent = d.displayName;
      section.appendChild(h);
      var table = document.createElement("table");
      var head = table.createTHead().insertRow();
      d.columns.forEach(function (c) {
        var th = document.createElement("th");
        th.textContent = c;
        head.appendChild(th);
      });
      var body = table.createTBody();
      d.rows.forEach(function (r) {
        var tr = body.insertRow();
        r.forEach(function (v) {
          tr.insertCell().textContent = v === null ? "" : String(v);
        });
      });
      section.appendChild(table);
      main.appendChild(section);
    });
    document.body.setAttribute("data-state", "rendered");
  }

  function fail(text) {
    var e = document.getElementById("error");
    e.hidden = false;
    e.textContent = text;
    document.body.setAttribute("data-state", "error");
  }

  function load() {
    return fetch("/local-aibi/dashboards/" + encodeURIComponent(id) + "/data", { headers: { Authorization: "Bearer " + token } })
      .then(function (r) {
        if (!r.ok) throw new Error("the dashboard could not be loaded (" + r.status + ")");
        return r.json();
      })
      .then(show)
      .catch(function (e) {
        fail(e.message);
      });
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data) return;
    if (event.data.type === "DATABRICKS_SET_TOKEN" && typeof event.data.token === "string") {
      token = event.data.token;
      load();
    }
  });
  load().then(function () {
    window.parent.postMessage({ type: "DATABRICKS_EMBED_READY" }, "*");
  });
})();
