// A real-browser test of part5's login page: headless Chromium opens /,
// logs in with the form (from the keyboard), sees the success state, reloads
// and is still logged in, logs out.
//
//   cd docs/browsertest && npm ci && npm test
//
// It lives here, outside part5-static-and-login, so that the node_modules
// folder that npm ci creates never shows up in git diff --no-index between
// parts. It builds part5 into a temporary folder and starts it from there.
//
// It needs Chromium (Debian: apt-get install chromium) and Go; it downloads
// nothing. Without Chromium it is skipped, with a message saying so.
// SCREENSHOTS=DIR saves a picture of each state of the page into DIR
// (SCREENSHOTS=../images npm test remakes chapter 5's screenshots).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const repoRoot = resolve(import.meta.dirname, "..", "..");

const chromiumPath = [
  process.env.CHROMIUM_PATH,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
].find((p) => p && existsSync(p));

// The flags that keep Chromium from reaching out to the network: this test
// talks to 127.0.0.1 only.
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// startServer builds part5 and starts it on a free port; it resolves to the
// URL from the program's first line and a function that stops it.
async function startServer(dir) {
  const binary = join(dir, "part5-static-and-login");
  execFileSync("go", ["build", "-o", binary, "./part5-static-and-login"], { cwd: repoRoot, stdio: "inherit" });
  const server = spawn(binary, ["-addr", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  const stop = () => {
    if (server.exitCode === null && server.signalCode === null) server.kill("SIGTERM");
  };
  try {
    const lines = createInterface({ input: server.stdout });
    const first = await new Promise((resolveLine, reject) => {
      lines.once("line", resolveLine);
      server.once("exit", (code) => reject(new Error(`part5 exited with ${code} before its first line`)));
    });
    lines.on("line", () => {}); // keep reading the access log, so the server never blocks on it
    const match = first.match(/^Serving HTTP on (http:\/\/127\.0\.0\.1:\d+) \.\.\.$/);
    assert.ok(match, `first line: ${first}`);
    return { url: match[1], stop };
  } catch (err) {
    stop(); // a server that started but is of no use must not keep node waiting on its output
    throw err;
  }
}

test("log in, reload, log out in a real browser", {
  skip: chromiumPath ? false : "no Chromium found: install it (apt-get install chromium) or set CHROMIUM_PATH",
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "part5-browsertest-"));
  const shot = async (page, name) => {
    if (process.env.SCREENSHOTS) {
      await page.screenshot({ path: join(process.env.SCREENSHOTS, name + ".png") });
    }
  };
  // Everything started is stopped in finally, whatever fails: the build,
  // the server's first line, or Chromium's start.
  let server;
  let browser;
  try {
    server = await startServer(dir);
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
    const context = await browser.newContext({ viewport: { width: 640, height: 560 } });
    const page = await context.newPage();
    await page.goto(server.url + "/");

    // Nobody is logged in: the form shows, with the focus in its first field.
    await page.locator("#login").waitFor({ state: "visible" });
    assert.equal(await page.evaluate(() => document.activeElement.id), "username");
    await shot(page, "login-form");

    // The keyboard alone: type, Tab, type, Enter. A wrong password first: the
    // API's message is shown.
    await page.keyboard.type("demo");
    await page.keyboard.press("Tab");
    await page.keyboard.type("not-the-password");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").filter({ hasText: "Wrong username or password." }).waitFor();
    await shot(page, "login-error");

    // The right password (the wrong one is selected, so typing replaces it).
    await page.keyboard.type("gopher");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Logged in as demo" }).waitFor();
    await shot(page, "logged-in");

    // The session cookie is HttpOnly and SameSite=Strict.
    const [cookie] = await context.cookies();
    assert.equal(cookie.name, "session");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Strict");
    assert.equal(await page.evaluate(() => document.cookie), "", "page scripts must not see the cookie");

    // A reload asks /api/me and stays logged in.
    await page.reload();
    await page.getByRole("heading", { name: "Logged in as demo" }).waitFor();

    // Log out: the form is back, and so it stays after a reload.
    await page.getByRole("button", { name: "Log out" }).click();
    await page.locator("#login").waitFor({ state: "visible" });
    await page.reload();
    await page.locator("#login").waitFor({ state: "visible" });
    assert.equal(await page.locator("#welcome").isVisible(), false);
  } finally {
    await browser?.close();
    server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
