// The approval card: the preview of one action waiting for the user, with
// Approve and Reject. The buttons call approval_decide, an app-only tool,
// with the card's secret from the result's _meta (never seen by the model).
import { App } from "@modelcontextprotocol/ext-apps";
import type { CallToolResult } from "@modelcontextprotocol/ext-apps";
import { connect, el } from "./common";

const app = new App({ name: "leeloo-mcp approval card", version: "1" });
const root = document.getElementById("card")!;

type Card = { id: string; secret: string };

function textOf(r: CallToolResult): string {
  return (r.content ?? []).map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

function show(r: CallToolResult): void {
  root.replaceChildren();
  const sc = (r.structuredContent ?? {}) as Record<string, unknown>;
  const card = (r._meta?.["leeloo-mcp/approval"] ?? null) as Card | null;
  const preview = typeof sc.preview === "string" ? sc.preview : "";
  const warnings = Array.isArray(sc.warnings) ? (sc.warnings as unknown[]).map(String) : [];
  if (!card || !preview || r.isError) {
    // Not a waiting action: say what the tool said.
    root.append(el("h1", "", r.isError ? "Not sent" : "Result"), el("p", "result", textOf(r)));
    return;
  }
  const h = el("h1", "", "Approve this action?");
  const sandbox = preview.startsWith("SANDBOX");
  root.append(h);
  if (sandbox) root.append(el("p", "badge", "Sandbox: demo data, nothing real is sent"));
  root.append(el("pre", "preview", preview));
  if (warnings.length) {
    const ul = el("ul", "warnings");
    ul.setAttribute("aria-label", "Warnings");
    for (const w of warnings) ul.append(el("li", "", "Warning: " + w));
    root.append(ul);
  }
  const row = el("div", "buttons");
  const approve = el("button", "approve", "Approve");
  const reject = el("button", "reject", "Reject");
  approve.type = reject.type = "button";
  row.append(approve, reject);
  const status = el("p", "status");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  root.append(row, status);
  approve.focus();

  const decide = async (decision: "approve" | "reject") => {
    // One click decides: both buttons are gone before the call leaves.
    approve.disabled = reject.disabled = true;
    status.textContent = decision === "approve" ? "Approving…" : "Rejecting…";
    try {
      const res = await app.callServerTool({
        name: "approval_decide",
        arguments: { id: card.id, secret: card.secret, decision },
      });
      row.remove();
      const state = (res.structuredContent as { state?: string } | undefined)?.state ?? "";
      h.textContent = state === "executed" ? "Approved and done" : state === "rejected" ? "Rejected" : "Not done";
      status.className = "status " + (res.isError ? "bad" : "good");
      status.textContent = textOf(res);
    } catch (e) {
      status.className = "status bad";
      status.textContent = "The decision did not reach the server: " + String(e);
    }
  };
  approve.addEventListener("click", () => void decide("approve"));
  reject.addEventListener("click", () => void decide("reject"));
}

app.ontoolresult = (r) => show(r as CallToolResult);
void connect(app);
