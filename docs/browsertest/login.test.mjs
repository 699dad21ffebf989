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
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { chromiumArgs, chromiumPath, skipUnlessChromium, startPart } from "./programs.mjs";

test("log in, reload, log out in a real browser", {
  skip: skipUnlessChromium,
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
    server = await startPart(dir, "part5-static-and-login");
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
