// How the e2e scripts read a tool result's text, as the model reads it.

// The JSON document a read's text carries after its one-line head, or
// undefined (a transcript, an error).
export function textJSON(text) {
  const i = text.indexOf('\n{');
  if (i < 0) return undefined;
  try { return JSON.parse(text.slice(i + 1)); } catch { return undefined; }
}

// A chat transcript's message lines, "[time] from: text", as {at, from, text}
// with the untrusted-text fence taken off.
export function transcript(text) {
  return text.split('\n').slice(1).map((l) => /^\[([0-9-]+ [0-9:]+Z)\] (\w+): (.*)$/.exec(l)).filter(Boolean)
    .map(([, at, from, t]) => ({ at, from, text: t.replace(/^<untrusted-customer-text>(.*)<\/untrusted-customer-text>$/, '$1') }));
}
