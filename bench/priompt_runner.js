// Renders JSON prompt trees with Priompt (@impowering/priompt), the peer of bench/prompt_render.py.
// Input (stdin): {"cases": [{"name", "tree", "budget", "repeats"}]}; output (stdout): one JSON object.
// A tree node is a string or {"t": "scope"|"first"|"empty"|"isolate"|"msg", ...}; see prompt_render.py.
// Each repeat renders a freshly built element tree (Priompt caches isolates and priorities on the
// elements), and only render() is timed: building the tree and process start are excluded.
"use strict";
const { createElement, render } = require("@impowering/priompt");
const { CL100K } = require("@impowering/priompt/dist/tokenizer");

function build(node, kept) {
  if (typeof node === "string") return node;
  const children = (node.c || []).map((c) => build(c, kept));
  const props = {};
  if (typeof node.p === "number") props.p = node.p;
  if (typeof node.prel === "number") props.prel = node.prel;
  if (node.name) {
    props.name = node.name;
    props.onInclude = () => kept.add(node.name);
  }
  switch (node.t) {
    case "scope":
      return createElement("scope", props, ...children);
    case "first":
      return createElement("first", {}, ...children);
    case "empty":
      return createElement("empty", { tokens: node.tokens });
    case "isolate":
      return createElement("isolate", { ...props, tokenLimit: node.budget }, ...children);
    case "msg":
      return {
        type: "chat",
        role: node.role,
        children: children.flat(),
      };
    default:
      throw new Error(`unknown node type ${node.t}`);
  }
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const results = [];
  for (const c of input.cases) {
    const ms = [];
    let last = null;
    let kept = new Set();
    let error = null;
    for (let i = 0; i < c.repeats; i++) {
      kept = new Set();
      const elem = build(c.tree, kept);
      const t0 = performance.now();
      try {
        last = await render(elem, { tokenLimit: c.budget, tokenizer: CL100K });
      } catch (e) {
        error = String(e.message || e).split("\n")[0];
        break;
      }
      ms.push(performance.now() - t0);
    }
    const prompt = last === null ? null : last.prompt;
    results.push({
      name: c.name,
      error,
      ms,
      tokenCount: last === null ? null : last.tokenCount,
      tokensReserved: last === null ? null : last.tokensReserved,
      priorityCutoff: last === null ? null : last.priorityCutoff,
      kept: Array.from(kept).sort(),
      text: typeof prompt === "string" ? prompt : null,
      messages: prompt !== null && typeof prompt === "object" && prompt.type === "chat"
        ? prompt.messages.map((m) => ({ role: m.role, content: m.content }))
        : null,
    });
  }
  process.stdout.write(JSON.stringify({ results }));
}

main().catch((e) => {
  process.stderr.write(String(e.stack || e) + "\n");
  process.exit(1);
});
