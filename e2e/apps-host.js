// A minimal MCP Apps host for the browser tests: the official SDK client
// (declaring the io.modelcontextprotocol/ui extension) talks to leeloo-mcp
// over Streamable HTTP, and the ext-apps AppBridge renders a tool's ui://
// card in a sandboxed iframe, the way Claude or VS Code do. browser.mjs
// bundles it with esbuild and drives it through window.host.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  AppBridge, PostMessageTransport, RESOURCE_MIME_TYPE, getToolUiResourceUri, isToolVisibilityAppOnly,
} from '@modelcontextprotocol/ext-apps/app-bridge';

const hostInfo = { name: 'leeloo-e2e-host', version: '1.0.0' };
const client = new Client(hostInfo, {
  capabilities: { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [RESOURCE_MIME_TYPE] } } },
});
const connected = client.connect(new StreamableHTTPClientTransport(new URL('/mcp', location.href)));

async function tools() {
  await connected;
  return (await client.listTools()).tools;
}

window.host = {
  // Every tool the server lists, and the ones a host gives the model
  // (app-only tools filtered out, as the spec asks hosts to).
  async toolNames() {
    const all = await tools();
    return { all: all.map((t) => t.name), model: all.filter((t) => !isToolVisibilityAppOnly(t)).map((t) => t.name) };
  },
  // The model calls name(args); the host renders the tool's card with the
  // result, in the given theme.
  async show(name, args, theme) {
    const tool = (await tools()).find((t) => t.name === name);
    const uri = tool && getToolUiResourceUri(tool);
    if (!uri) throw new Error(`${name} declares no card`);
    const result = await client.callTool({ name, arguments: args });
    const res = await client.readResource({ uri });
    const html = res.contents[0].text;
    document.body.dataset.theme = theme;
    const frame = document.createElement('iframe');
    frame.title = name;
    frame.setAttribute('sandbox', 'allow-scripts');
    document.getElementById('cards').replaceChildren(frame);
    const bridge = new AppBridge(client, hostInfo, { serverTools: {}, logging: {} }, {
      hostContext: { theme, displayMode: 'inline', platform: 'web' },
    });
    bridge.onsizechange = ({ height }) => { if (height) frame.style.height = `${Math.ceil(height)}px`; };
    const shown = new Promise((resolve) => {
      bridge.oninitialized = async () => {
        await bridge.sendToolInput({ arguments: args });
        await bridge.sendToolResult(result);
        resolve();
      };
    });
    frame.srcdoc = html;
    await bridge.connect(new PostMessageTransport(frame.contentWindow, frame.contentWindow));
    await shown;
    // What the model saw of the result: its content only.
    return { text: result.content.map((c) => c.text ?? '').join('\n'), structured: result.structuredContent ?? null, meta: result._meta ?? null };
  },
  // A host (or an attacker with the id) replaying the card's call.
  call(name, args) { return client.callTool({ name, arguments: args }); },
};
window.hostReady = connected.then(() => true);
