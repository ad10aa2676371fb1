// Parses Mermaid diagrams with Mermaid's own parser, headless under node.
// Reads a JSON array of diagram texts on stdin and writes, for each, a JSON
// object: {ok, error} and what the parser understood (vertices with their
// shape and label, edges with their ends and label, subgraphs with their
// title and members). Run by export/markdown_diagram_test.go.
import { register } from 'node:module';

register('./loader.mjs', import.meta.url);
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const text of JSON.parse(input)) {
  try {
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db;
    const vertices = [...db.getVertices().values()].map((v) => ({ id: v.id, type: v.type ?? '', text: v.text ?? '' }));
    const edges = db.getEdges().map((e) => ({ start: e.start, end: e.end, text: e.text ?? '' }));
    const subgraphs = db.getSubGraphs().map((s) => ({ id: s.id, title: s.title, nodes: s.nodes }));
    out.push({ ok: true, type: diagram.type, vertices, edges, subgraphs });
  } catch (err) {
    out.push({ ok: false, error: String(err && err.message ? err.message : err) });
  }
}
process.stdout.write(JSON.stringify(out));
