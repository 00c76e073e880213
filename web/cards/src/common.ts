// Shared by the cards: theme from the host, and text rendered as text.
import { App, applyDocumentTheme, applyHostStyleVariables } from "@modelcontextprotocol/ext-apps";
import type { McpUiHostContext } from "@modelcontextprotocol/ext-apps";

/** applyContext follows the host's theme and style variables. */
export function applyContext(ctx: McpUiHostContext | undefined): void {
  if (!ctx) return;
  if (ctx.theme) applyDocumentTheme(ctx.theme);
  if (ctx.styles?.variables) applyHostStyleVariables(ctx.styles.variables);
}

/** el builds an element whose content is text only: upstream strings are never HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** connect starts the app and follows the host's context. */
export async function connect(app: App): Promise<void> {
  app.onhostcontextchanged = () => applyContext(app.getHostContext());
  await app.connect();
  applyContext(app.getHostContext());
}
