// Counts tokens for TestModelView: reads a JSON array of objects from stdin
// and prints, for each, the o200k_base token count of every string field.
// o200k_base (js-tiktoken, from e2e/node_modules) is a proxy: Claude's own
// tokenizer is not public.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../e2e/package.json', import.meta.url));
const { getEncoding } = require('js-tiktoken');
const enc = getEncoding('o200k_base');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = JSON.parse(input).map((v) =>
  Object.fromEntries(Object.entries(v).filter(([, s]) => typeof s === 'string' && s !== '').map(([k, s]) => [k, enc.encode(s).length])));
process.stdout.write(JSON.stringify(out));
