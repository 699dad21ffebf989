// A real-browser test of docs/wire's page: headless Chromium opens the
// sequence diagram of a relay, requests go through the relay to each part,
// and the page must show their request lines and status lines within two
// seconds; a click on an arrow shows its bytes.
//
//   cd docs/browsertest && npm ci && npm test
//
// It also takes the pictures of the page that the chapters show:
// SCREENSHOTS=../images npm test remakes docs/images/wire-*.png, as
// login.test.mjs does for chapter 5's pictures.
//
// It needs Chromium (Debian: apt-get install chromium) and Go; it downloads
// nothing. Without Chromium it is skipped, with a message saying so.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { chromiumArgs, chromiumPath, skipUnlessChromium, start, startPart } from "./programs.mjs";

// startRelayed starts a part on a free port, and a relay in front of it;
// it resolves to the relay's address for clients and the page's URL.
async function startRelayed(dir, part, args, stops) {
  const server = await startPart(dir, part, args);
  stops.push(server.stop);
  const relay = await start(dir, "docs/wire",
    ["-listen", "127.0.0.1:0", "-ui", "127.0.0.1:0", "-to", server.url.slice("http://".length)], 2);
  stops.push(relay.stop);
  const relayURL = relay.first[0].match(/^Relaying (http:\/\/127\.0\.0\.1:\d+) to /)[1];
  const pageURL = relay.first[1].match(/^Sequence diagrams on (http:\/\/127\.0\.0\.1:\d+\/)$/)[1];
  return { relayURL, pageURL };
}

// exchange sends bytes on a new connection to url's host and port, and
// resolves to all that comes back, up to the server's close.
function exchange(url, bytes) {
  const { hostname, port } = new URL(url);
  return new Promise((resolveReply, reject) => {
    const chunks = [];
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(bytes));
    socket.on("data", (c) => chunks.push(c));
    socket.on("end", () => { socket.end(); resolveReply(Buffer.concat(chunks).toString("latin1")); });
    socket.on("error", reject);
  });
}

// converse sends each request on one connection after the answer to the
// one before has begun to arrive (part 4 writes each answer in one write),
// and resolves to all that comes back, up to the server's close.
function converse(url, requests) {
  const { hostname, port } = new URL(url);
  return new Promise((resolveReply, reject) => {
    const chunks = [];
    let next = 0;
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(requests[next++]));
    socket.on("data", (c) => {
      chunks.push(c);
      if (next < requests.length) socket.write(requests[next++]);
    });
    socket.on("end", () => { socket.end(); resolveReply(Buffer.concat(chunks).toString("latin1")); });
    socket.on("error", reject);
  });
}

const request = (path, extra = "") => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`;

test("the relay's page draws each connection, live, in a real browser", {
  skip: skipUnlessChromium,
  timeout: 180_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "wire-browsertest-"));
  let browser; // launched inside try, so that finally cleans up if it fails
  const stops = [];
  // open opens the page of a relay, in a window wide enough for n
  // connections side by side.
  const open = async (pageURL, n) => {
    const page = await browser.newPage({ viewport: { width: Math.max(760, 360 * n + 40), height: 600 } });
    await page.goto(pageURL);
    await page.locator("#status.live").waitFor();
    return page;
  };
  const shot = async (page, name) => {
    if (process.env.SCREENSHOTS) {
      await page.screenshot({ path: join(process.env.SCREENSHOTS, name + ".png"), fullPage: true });
    }
  };
  const seen = (page, text, timeout = 2000) => page.getByText(text).first().waitFor({ timeout });
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
    await t.test("part 1: a browser's request, and the bytes of an arrow", async () => {
      const { relayURL, pageURL } = await startRelayed(dir, "part1-hello", [], stops);
      const page = await open(pageURL, 2);
      const visitor = await browser.newPage();
      await visitor.goto(relayURL + "/");
      assert.equal(await visitor.locator("body").innerText(), "Hello, World!");
      // Within two seconds, the request line and the status line.
      await seen(page, "GET / HTTP/1.1");
      await seen(page, "HTTP/1.1 200 OK");
      // The browser asks for /favicon.ico on a connection of its own
      // (part 1 closes each one), if it asks at all: not every version does.
      await seen(page, "GET /favicon.ico HTTP/1.1").catch(() => {});
      await shot(page, "wire-part1");
      // A click on the response's arrow shows its bytes, CR and LF visible.
      await page.locator(".ev.data.s2c").first().click();
      const bytes = page.locator("#bytestext");
      await bytes.getByText("Content-Length: 13\\r\\n").waitFor({ timeout: 2000 });
      assert.match(await bytes.innerText(), /^HTTP\/1\.1 200 OK\\r\\n\n/);
      assert.match(await bytes.innerText(), /Hello, World!$/);
      await shot(page, "wire-bytes");
      await visitor.close();
      await page.close();
    });

    for (const [part, name] of [["part2-tcpserver", "wire-part2"], ["part3-threaded", "wire-part3"]]) {
      await t.test(`${part}: four clients of a -delay 1s server`, async () => {
        const { relayURL, pageURL } = await startRelayed(dir, part, ["-delay", "1s"], stops);
        const page = await open(pageURL, 4);
        const replies = await Promise.all([1, 2, 3, 4].map(() => exchange(relayURL, request("/"))));
        for (const r of replies) assert.match(r, /^HTTP\/1\.1 200 OK\r\n[^]*Hello, World!$/);
        await seen(page, "HTTP/1.1 200 OK");
        assert.equal(await page.locator(".ev.data.s2c").count(), 4, "four responses");
        await shot(page, name);
        await page.close();
      });
    }

    await t.test("part 4: keep-alive, and a pipelined batch answered in one write", async () => {
      const { relayURL, pageURL } = await startRelayed(dir, "part4-httpserver", [], stops);
      const page = await open(pageURL, 2);
      // Keep-alive: two requests, one after the other, on one connection.
      const kept = await converse(relayURL, [request("/"), request("/nope", "Connection: close\r\n")]);
      assert.equal(kept.match(/^HTTP\/1\.1 /gm).length, 2);
      // Pipelined: three requests in one write, answered in one write.
      const reply = await exchange(relayURL, request("/") + request("/nope") + request("/", "Connection: close\r\n"));
      assert.equal(reply.match(/^HTTP\/1\.1 /gm).length, 3);
      await seen(page, "HTTP/1.1 404 Not Found");
      await seen(page, "GET / HTTP/1.1 +2 more");
      await seen(page, "HTTP/1.1 200 OK +2 more");
      await shot(page, "wire-part4");
      await page.close();
    });

    await t.test("part 5: the login's cookie round trip", async () => {
      const { relayURL, pageURL } = await startRelayed(dir, "part5-static-and-login", [], stops);
      const page = await open(pageURL, 3);
      const visitor = await browser.newPage();
      await visitor.goto(relayURL + "/");
      await visitor.locator("#username").fill("demo");
      await visitor.locator("#password").fill("gopher");
      await visitor.locator("#password").press("Enter");
      await visitor.getByRole("heading", { name: "Logged in as demo" }).waitFor();
      await seen(page, "POST /api/login HTTP/1.1");
      // The response to the login sets the cookie; the next request sends
      // it back.
      const login = page.locator(".ev.data.c2s", { hasText: "POST /api/login" }).first();
      const key = await login.getAttribute("data-key");
      const conn = await login.getAttribute("data-conn");
      await page.locator(`[data-key="${key}"] ~ .ev.data.s2c[data-conn="${conn}"]`).first().click();
      await page.locator("#bytestext").getByText("Set-Cookie: session=", { exact: false }).waitFor({ timeout: 2000 });
      await seen(page, "GET /api/me HTTP/1.1");
      await shot(page, "wire-part5");
      await visitor.close();
      await page.close();
    });
  } finally {
    await browser?.close();
    for (const stop of stops) stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
