// The product's side of embedding: ask our API for an embed token (server-side minting), then hand it to the
// official client library. `#access_token=` stands for the product's own session (here a local dev IdP token).
import { DatabricksDashboard } from "/examples/aibi-client.js";

const params = new URLSearchParams(location.hash.slice(1));
const accessToken = params.get("access_token") || "";
const name = params.get("dashboard") || "kpis";
history.replaceState(null, "", location.pathname); // keep the session token out of the address bar
const status = document.getElementById("status");

async function embedToken() {
  const r = await fetch(`/v1/dashboards/${encodeURIComponent(name)}/embed-token`, { method: "POST", headers: { Authorization: `Bearer ${accessToken}` } });
  if (!r.ok) throw new Error(`the API refused an embed token (${r.status})`);
  return r.json();
}

try {
  const first = await embedToken();
  new DatabricksDashboard({
    workspaceId: first.workspace_id,
    instanceUrl: first.instance_url,
    container: document.getElementById("dashboard"),
    dashboardId: first.dashboard_id,
    token: first.token,
    getNewToken: async () => (await embedToken()).token,
    config: { version: 1 },
  }).initialize();
  status.textContent = `Dashboard ${name}`;
  document.body.setAttribute("data-state", "embedded");
} catch (e) {
  status.textContent = e.message;
  document.body.setAttribute("data-state", "error");
}
