// Key-Value through @nats-io/kv v3: buckets, put/get/create/update with revisions, delete/purge, keys, history, watch.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { startServer, START_TIMEOUT_MS, T } from "../support/server.js";

async function collect(iter, n) {
  const out = [];
  for await (const x of iter) { out.push(x); if (n !== undefined && out.length === n) break; }
  return out;
}

describe("kv", () => {
  let server, nc, kvm;
  before(async () => {
    server = await startServer();
    nc = await connect({ servers: server.url, name: "natsj-node-kv" });
    kvm = new Kvm(nc);
  }, { timeout: START_TIMEOUT_MS + 20_000 });
  after(async () => {
    await nc?.close();
    await server?.stop();
  }, { timeout: 30_000 });

  test("create bucket, status, open and list", T(), async () => {
    const kv = await kvm.create("cfg", { history: 5 });
    const st = await kv.status();
    assert.equal(st.bucket, "cfg");
    assert.equal(st.history, 5);
    assert.equal(st.values, 0);
    const si = await (await jetstreamManager(nc)).streams.info("KV_cfg");
    assert.deepEqual(si.config.subjects, ["$KV.cfg.>"]);
    assert.equal(si.config.max_msgs_per_subject, 5);
    assert.equal(si.config.allow_rollup_hdrs, true);
    assert.equal(si.config.discard, "new");
    const again = await kvm.open("cfg");
    assert.equal((await again.status()).history, 5);
    const names = (await collect(kvm.list())).map((s) => s.bucket);
    assert.ok(names.includes("cfg"));
  });

  test("put/get/create/update with revisions, delete and purge", T(), async () => {
    const kv = await kvm.create("ops", { history: 10 });
    const r1 = await kv.put("a.b", "one");
    assert.equal(r1, 1);
    let e = await kv.get("a.b");
    assert.equal(e.string(), "one");
    assert.equal(e.revision, 1);
    assert.equal(e.operation, "PUT");
    assert.equal(e.key, "a.b");
    assert.equal(e.bucket, "ops");

    const r2 = await kv.update("a.b", "two", r1);
    assert.equal(r2, 2);
    await assert.rejects(kv.update("a.b", "stale", r1), /wrong last sequence/i);
    assert.equal((await kv.get("a.b")).string(), "two");
    assert.equal((await kv.get("a.b", { revision: 1 })).string(), "one");

    const r3 = await kv.create("c", "new");
    assert.equal(r3, 3);
    await assert.rejects(kv.create("c", "dup"), /wrong last sequence|exists/i);

    await kv.delete("c");
    e = await kv.get("c");
    assert.ok(e === null || e.operation === "DEL", "deleted key reads as a DEL entry or null");
    // create succeeds again on a deleted key
    const r5 = await kv.create("c", "reborn");
    assert.equal(r5, 5);

    // update conditioned on the last revision of the key
    const r6 = await kv.put("a.b", "three", { previousSeq: r2 });
    assert.equal(r6, 6);

    await kv.purge("a.b");
    e = await kv.get("a.b");
    assert.ok(e === null || e.operation === "PURGE");
    const h = await collect(await kv.history({ key: "a.b" }));
    assert.deepEqual(h.map((x) => x.operation), ["PURGE"], "purge keeps only the marker");

    assert.equal(await kv.get("missing"), null);
  });

  test("keys lists live keys only, with a filter", T(), async () => {
    const kv = await kvm.create("keys");
    for (const k of ["x.1", "x.2", "y.1", "z"]) await kv.put(k, k);
    await kv.delete("z");
    const all = await collect(await kv.keys());
    assert.deepEqual(all.sort(), ["x.1", "x.2", "y.1"]);
    const xs = await collect(await kv.keys("x.*"));
    assert.deepEqual(xs.sort(), ["x.1", "x.2"]);
  });

  test("history keeps the configured number of revisions", T(), async () => {
    const kv = await kvm.create("hist", { history: 3 });
    for (let i = 1; i <= 5; i++) await kv.put("k", `v${i}`);
    await kv.put("other", "o");
    const h = await collect(await kv.history({ key: "k" }));
    assert.deepEqual(h.map((e) => [e.string(), e.revision, e.operation]), [["v3", 3, "PUT"], ["v4", 4, "PUT"], ["v5", 5, "PUT"]]);
    const everything = await collect(await kv.history());
    assert.equal(everything.length, 4);
    const st = await kv.status();
    assert.equal(st.values, 4);
  });

  test("watch: initial values, then live updates and deletes", T(), async () => {
    const kv = await kvm.create("watch", { history: 5 });
    await kv.put("w.a", "1");
    await kv.put("w.b", "2");
    await kv.put("w.a", "3");
    await kv.put("nope", "x");
    const w = await kv.watch({ key: "w.>" });
    const seen = [];
    const reading = (async () => {
      for await (const e of w) {
        seen.push(`${e.key}=${e.operation === "PUT" ? e.string() : e.operation}@${e.revision}`);
        if (seen.length === 5) break;
      }
    })();
    // wait for the initial values before changing anything, so the order is defined
    const deadline = Date.now() + 5000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await kv.put("w.c", "4");
    await kv.delete("w.b");
    await kv.put("nope", "y");
    await kv.put("w.a", "5");
    await reading;
    assert.deepEqual(seen, ["w.b=2@2", "w.a=3@3", "w.c=4@5", "w.b=DEL@6", "w.a=5@8"]);

    // history watch includes every stored revision
    const hw = await kv.watch({ key: "w.a", include: "history" });
    const hs = await collect(hw, 3);
    assert.deepEqual(hs.map((e) => e.string()), ["1", "3", "5"]);
  });

  test("bucket with TTL and max value size; destroy", T(), async () => {
    const kv = await kvm.create("limits", { ttl: 60_000, maxValueSize: 16 });
    const st = await kv.status();
    assert.equal(st.ttl, 60_000);
    await kv.put("small", "ok");
    await assert.rejects(kv.put("big", "x".repeat(100)), /message size exceeds|maximum/i);
    assert.equal(await kv.destroy(), true);
    await assert.rejects((await jetstreamManager(nc)).streams.info("KV_limits"), /stream not found/i);
  });
});
