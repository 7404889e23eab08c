// Renders every ```mermaid block of a markdown file with the real Mermaid
// (npm package, pinned in package-lock.json) in Debian's Chromium, headless
// and offline, and checks that each diagram drew: an SVG with a non-empty
// size whose text shows every entity named in the source and every
// relationship label.
//
//   node render.mjs NODE_MODULES_DIR FILE.md... [--screenshot OUT.png]
//
// One Chromium run draws the diagrams of every file. Prints, per file,
// "FILE: N diagram(s), M entities" and exits 0, or prints what failed
// (Mermaid's parse error, an entity not drawn) and exits 1. --screenshot
// takes a picture of the page (use it with one file).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const shotAt = args.indexOf("--screenshot");
const screenshot = shotAt >= 0 ? args[shotAt + 1] : undefined;
if (shotAt >= 0) args.splice(shotAt, 2);
const [modules, ...files] = args;
if (!modules || files.length === 0 || (shotAt >= 0 && !screenshot)) {
  console.error("usage: node render.mjs NODE_MODULES_DIR FILE.md... [--screenshot OUT.png]");
  process.exit(1);
}

const diagrams = [];  // { file, source }
for (const file of files) {
  const found = [...readFileSync(file, "utf8").matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)];
  if (found.length === 0) {
    console.error(`${file}: no mermaid block`);
    process.exit(1);
  }
  for (const m of found) diagrams.push({ file: basename(file), source: m[1] });
}

const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const mermaidJs = pathToFileURL(resolve(modules, "mermaid/dist/mermaid.min.js")).href;
// The page renders each source, then checks the SVG; the verdict goes into
// the title, which --dump-dom prints.
const page = `<!doctype html><html><head><meta charset="utf-8"><title>PENDING</title>
<script src="${mermaidJs}"></script>
<style>body{margin:8px;background:#fff} pre{display:none}</style></head><body>
${diagrams.map((d, i) => `<pre id="src${i}">${escape(d.source)}</pre><div id="out${i}"></div>`).join("\n")}
<script>
(async () => {
  try {
    // maxTextSize: the default (50000) is what GitHub also uses; the cap on
    // parents keeps our diagrams under it, so the default stays.
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
    const counts = [];  // per diagram: entities drawn
    for (let i = 0; i < ${diagrams.length}; ++i) {
      const source = document.getElementById("src" + i).textContent;
      const { svg } = await mermaid.render("diagram" + i, source);
      const out = document.getElementById("out" + i);
      out.innerHTML = svg;
      const drawn = out.querySelector("svg");
      const box = drawn.getBBox();
      if (!(box.width > 0 && box.height > 0)) throw new Error("diagram " + i + " has no size");
      const shown = drawn.textContent;
      const names = new Set([...source.matchAll(/"([^"]*)" (?:\\|\\||\\{|:)/g)].map((m) => m[1]));
      for (const name of names)
        if (!shown.includes(name)) throw new Error("diagram " + i + ": entity " + name + " not drawn");
      for (const m of source.matchAll(/ : "([^"]*)"$/gm))
        if (!shown.includes(m[1])) throw new Error("diagram " + i + ": label " + m[1] + " not drawn");
      counts.push(names.size);
    }
    document.title = "RENDERED " + counts.join(",");
  } catch (e) {
    document.title = "FAILED " + String(e && e.message ? e.message : e).replace(/\\s+/g, " ");
  }
})();
</script></body></html>`;

const work = mkdtempSync(join(tmpdir(), "addrmig-render-"));
try {
  const html = join(work, "page.html");
  writeFileSync(html, page);
  const chromium = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    `--user-data-dir=${join(work, "profile")}`, "--virtual-time-budget=60000",
  ];
  const dom = execFileSync("chromium", [...chromium, "--dump-dom", pathToFileURL(html).href], {
    encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 256 * 1024 * 1024,
  });
  const title = (dom.match(/<title>([\s\S]*?)<\/title>/) || [, "no title"])[1].replace(/\s+/g, " ");
  const rendered = title.match(/^RENDERED ([\d,]+)$/);
  if (!rendered) {
    console.error(`${files.join(" ")}: ${title}`);
    process.exit(1);
  }
  const counts = rendered[1].split(",").map(Number);
  if (screenshot) {
    execFileSync("chromium", [...chromium, "--hide-scrollbars", "--window-size=900,560",
      `--screenshot=${resolve(screenshot)}`, pathToFileURL(html).href], { stdio: "ignore" });
  }
  for (const file of files.map((f) => basename(f))) {
    const mine = counts.filter((_, i) => diagrams[i].file === file);
    console.log(`${file}: ${mine.length} diagram(s), ${mine.reduce((a, b) => a + b, 0)} entities`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
