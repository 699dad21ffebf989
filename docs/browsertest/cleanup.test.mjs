// A planted failure for the other tests: with a "Chromium" that cannot
// start (CHROMIUM_PATH=/bin/false), each of them must fail at once, not wait
// for its timeout, and leave nothing behind: no server still running, no
// temporary folder. Their finally blocks are what this proves; a test that
// started its server outside try would leave one running here.
//
// It needs Go (the tests build the programs) but not Chromium.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const others = ["login.test.mjs", "logout.test.mjs", "wire.test.mjs"];

function withoutTestContext(env) {
  const { NODE_TEST_CONTEXT: _, ...rest } = env;
  return rest;
}

test("with a Chromium that cannot start, every browser test fails fast and stops what it started", { timeout: 120_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), "browsertest-planted-"));
  try {
    for (const file of others) {
      const began = Date.now();
      const run = spawnSync(process.execPath, ["--test", file], {
        cwd: import.meta.dirname,
        // Without NODE_TEST_CONTEXT, which node --test sets for its own
        // children: with it, the child would report to us, not run alone.
        env: { ...withoutTestContext(process.env), CHROMIUM_PATH: "/bin/false", TMPDIR: tmp },
        encoding: "utf8",
        timeout: 90_000,
      });
      const seconds = (Date.now() - began) / 1000;
      assert.notEqual(run.status, 0, `${file} passed with CHROMIUM_PATH=/bin/false:\n${run.stdout}`);
      assert.equal(run.signal, null, `${file} did not end within 90 s with a Chromium that cannot start`);
      assert.ok(seconds < 60, `${file} took ${seconds} s to fail with a Chromium that cannot start`);
      // Every program the tests start is built into their folder under tmp.
      let left = "";
      try {
        left = execFileSync("pgrep", ["-af", tmp], { encoding: "utf8" });
      } catch {
        // pgrep exits 1 when nothing matches
      }
      assert.equal(left, "", `${file} left processes running`);
      assert.deepEqual(readdirSync(tmp), [], `${file} left files in its temporary folder`);
    }
  } finally {
    // What a failing test left running goes too, not to outlive this run.
    spawnSync("pkill", ["-f", tmp]);
    rmSync(tmp, { recursive: true, force: true });
  }
});
