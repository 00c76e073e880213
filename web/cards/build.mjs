// Builds each card into one self-contained HTML file under built/: the
// TypeScript bundled by esbuild (ext-apps App SDK included, no CDN), the CSS
// and the script inline, and a Content-Security-Policy that allows exactly
// those two by their hashes and nothing else. The first line records a hash
// of the sources, which TestCardsBuiltFromSources (web/) compares.
//
//   cd web/cards && npm ci && node build.mjs
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";

const here = new URL(".", import.meta.url);
const read = (p) => readFileSync(new URL(p, here), "utf8");

// The same list and order as cardSources in web/cards_test.go.
const sources = ["build.mjs", "package-lock.json", ...readdirSync(new URL("src", here)).sort().map((f) => "src/" + f)];
const h = createHash("sha256");
for (const f of sources) h.update(f + "\0" + read(f) + "\0");
const sourceHash = h.digest("hex");

const sha = (s) => "'sha256-" + createHash("sha256").update(s).digest("base64") + "'";
const css = read("src/card.css");
mkdirSync(new URL("built", here), { recursive: true });

// zod (the SDK's schemas) exports every message locale it has; the cards
// use none but the default English one.
const onlyEnglish = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /locales\/index\.js$/ }, (a) =>
      a.importer.includes("/zod/") ? { path: "zod-locales", namespace: "stub" } : undefined);
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";', resolveDir: new URL(".", here).pathname,
    }));
  },
};

for (const [name, title] of [["approval", "Approve this action"], ["funnel", "Tunnel funnel"]]) {
  const out = await build({
    entryPoints: [new URL(`src/${name}.ts`, here).pathname],
    bundle: true, minify: true, format: "iife", platform: "browser", target: "es2020",
    write: false, legalComments: "none", charset: "utf8", plugins: [onlyEnglish],
  });
  // A "</script" inside the bundle would end the inline script early.
  const js = out.outputFiles[0].text.replaceAll("</script", "<\\/script");
  const csp = `default-src 'none'; script-src ${sha(js)}; style-src ${sha(css)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const html = `<!-- leeloo-mcp card, built by web/cards/build.mjs from sources sha256:${sourceHash} -->
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${css}</style>
</head>
<body>
<main id="card" aria-live="polite"></main>
<script>${js}</script>
</body>
</html>
`;
  writeFileSync(new URL(`built/${name}.html`, here), html);
  console.log(`built/${name}.html: ${html.length} bytes`);
}
