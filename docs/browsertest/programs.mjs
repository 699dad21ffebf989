// What the browser tests share: where Chromium is and how to start it
// without reaching the network, and how to build and start a program of
// this repository (a part, or docs/wire) and read its first lines.
//
// The tests need Chromium (Debian: apt-get install chromium) and Go; they
// download nothing. Without Chromium each is skipped, with skipUnlessChromium
// saying so.

import { spawn, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

export const repoRoot = resolve(import.meta.dirname, "..", "..");

export const chromiumPath = [
  process.env.CHROMIUM_PATH,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
].find((p) => p && existsSync(p));

// skipUnlessChromium is node:test's skip option: false, or why the test is
// skipped. Where BROWSERTEST_REQUIRE_CHROMIUM is set (.ci/run sets it), a
// missing Chromium is an error, not a skip that would let CI say ok.
const noChromium = "no Chromium found: install it (apt-get install chromium) or set CHROMIUM_PATH";
if (!chromiumPath && process.env.BROWSERTEST_REQUIRE_CHROMIUM) {
  throw new Error(noChromium + " (BROWSERTEST_REQUIRE_CHROMIUM is set)");
}
export const skipUnlessChromium = chromiumPath ? false : noChromium;

// The flags that keep Chromium from reaching out to the network: the tests
// talk to 127.0.0.1 only.
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// start builds the program in folder pkg (once per dir) into dir and
// starts it with args; it resolves to the process, its first n lines of
// output, and a function that stops it. Its later lines are read and
// dropped, so that it never blocks writing its log. A program that exits
// before its n lines rejects; one that started but printed something
// unexpected is the caller's to stop.
const built = new Map();
export async function start(dir, pkg, args, n) {
  const key = dir + "\0" + pkg;
  if (!built.has(key)) {
    const binary = join(dir, pkg.replaceAll("/", "-"));
    execFileSync("go", ["build", "-o", binary, "./" + pkg], { cwd: repoRoot, stdio: "inherit" });
    built.set(key, binary);
  }
  const proc = spawn(built.get(key), args, { stdio: ["ignore", "pipe", "inherit"] });
  const stop = () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
  };
  const lines = createInterface({ input: proc.stdout });
  const first = [];
  await new Promise((resolveLines, reject) => {
    lines.on("line", (line) => {
      if (first.length < n) first.push(line);
      if (first.length === n) resolveLines();
    });
    proc.once("exit", (code) => reject(new Error(`${pkg} exited with ${code} before ${n} lines`)));
  });
  return { proc, first, stop };
}

// startPart starts a part on a free port; it resolves to the URL from the
// program's first line and a function that stops it.
export async function startPart(dir, part, args = []) {
  const server = await start(dir, part, ["-addr", "127.0.0.1:0", ...args], 1);
  const match = server.first[0].match(/^Serving HTTP on (http:\/\/127\.0\.0\.1:\d+) \.\.\.$/);
  if (!match) {
    server.stop(); // of no use: it must not keep node waiting on its output
    throw new Error(`${part}'s first line: ${server.first[0]}`);
  }
  return { url: match[1], stop: server.stop };
}
