// A real-browser test of part5's defence against cross-site logout: a user
// logged in on part5 visits another site, whose page posts a form to
// /api/logout (cross-site request forgery: a form needs no JavaScript and
// no permission). Part5 refuses it with 403, and the user stays logged in.
//
//   cd docs/browsertest && npm ci && npm test
//
// Two attacking sites, each a page served by this test on 127.0.0.1:
// - http://localhost:PORT is another site: the browser does not send the
//   SameSite=Strict cookie, but the response could still clear it;
// - http://127.0.0.1:PORT is another origin of the same site (a site is a
//   host, whatever the port): the browser sends the cookie, so the session
//   itself would end.
// Like login.test.mjs, it needs Chromium and Go, downloads nothing, and is
// skipped without Chromium.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { chromiumArgs, chromiumPath, skipUnlessChromium, startPart } from "./programs.mjs";

// startAttacker serves a page that posts a form to target as soon as it
// loads, as a malicious site would; it resolves to its port and a function
// that stops it.
async function startAttacker(target) {
  const page = `<!DOCTYPE html><title>Win a prize</title>
<form method="POST" action="${target}"><input type="hidden" name="x" value="1"></form>
<script>document.forms[0].submit()</script>`;
  const server = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(page);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { port: server.address().port, stop: () => server.close() };
}

test("a page of another site cannot log the user out", {
  skip: skipUnlessChromium,
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "part5-browsertest-"));
  // Everything started is stopped in finally, whatever fails first.
  let server;
  let attacker;
  let browser;
  try {
    server = await startPart(dir, "part5-static-and-login");
    attacker = await startAttacker(server.url + "/api/logout");
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url + "/");
    await page.locator("#username").fill("demo");
    await page.locator("#password").fill("gopher");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Logged in as demo" }).waitFor();

    for (const origin of [`http://localhost:${attacker.port}`, `http://127.0.0.1:${attacker.port}`]) {
      const logout = page.waitForResponse(server.url + "/api/logout");
      await page.goto(origin + "/");
      const response = await logout;
      assert.equal(response.status(), 403, `the logout posted from ${origin}`);
      assert.equal(await response.headerValue("set-cookie"), null, `the logout posted from ${origin} clears no cookie`);

      // Back on part5: still logged in, the cookie and the session intact.
      await page.goto(server.url + "/");
      await page.getByRole("heading", { name: "Logged in as demo" }).waitFor();
    }

    // part5's own page still logs out.
    await page.getByRole("button", { name: "Log out" }).click();
    await page.locator("#login").waitFor({ state: "visible" });
  } finally {
    await browser?.close();
    attacker?.stop();
    server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
