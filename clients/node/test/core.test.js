// Core NATS through nats.js v3: publish/subscribe, wildcards, queue groups, headers, request/reply, no responders.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, headers, Empty } from "@nats-io/transport-node";
import { startServer, START_TIMEOUT_MS, T } from "../support/server.js";

describe("core", () => {
  let server, nc;
  before(async () => {
    server = await startServer();
    nc = await connect({ servers: server.url, name: "natsj-node-core" });
  }, { timeout: START_TIMEOUT_MS + 20_000 });
  after(async () => {
    await nc?.close();
    await server?.stop();
  }, { timeout: 30_000 });

  test("server info and round trip", T(), async () => {
    assert.ok(nc.info.jetstream, "INFO advertises jetstream");
    assert.equal(typeof nc.info.server_id, "string");
    const rtt = await nc.rtt();
    assert.ok(rtt >= 0);
  });

  test("publish/subscribe with wildcards", T(), async () => {
    const got = [];
    const star = nc.subscribe("core.ps.*", { max: 3 });
    const gt = nc.subscribe("core.>", { max: 4 });
    const starDone = (async () => { for await (const m of star) got.push(`*:${m.subject}:${m.string()}`); })();
    const gtDone = (async () => { for await (const m of gt) got.push(`>:${m.subject}:${m.string()}`); })();
    await nc.flush();
    nc.publish("core.ps.a", "1");
    nc.publish("core.ps.b", "2");
    nc.publish("core.other.c.d", "3");
    nc.publish("core.ps.e", "4");
    await Promise.all([starDone, gtDone]);
    assert.deepEqual(got.filter((s) => s.startsWith("*")), ["*:core.ps.a:1", "*:core.ps.b:2", "*:core.ps.e:4"]);
    assert.deepEqual(got.filter((s) => s.startsWith(">")),
      [">:core.ps.a:1", ">:core.ps.b:2", ">:core.other.c.d:3", ">:core.ps.e:4"]);
  });

  test("queue group delivers each message once", T(), async () => {
    const counts = [0, 0, 0];
    const subs = counts.map((_, i) => nc.subscribe("core.q", { queue: "workers", callback: () => { counts[i]++; } }));
    await nc.flush();
    for (let i = 0; i < 100; i++) nc.publish("core.q", `${i}`);
    // the server writes the deliveries to this connection before the PONG
    await nc.flush();
    subs.forEach((s) => s.unsubscribe());
    assert.equal(counts.reduce((a, b) => a + b, 0), 100);
  });

  test("headers and binary payloads", T(), async () => {
    const sub = nc.subscribe("core.hdr", { max: 1 });
    const h = headers();
    h.set("X-Test", "one");
    h.append("X-Test", "two");
    const payload = new Uint8Array(70_000).map((_, i) => i % 251);
    nc.publish("core.hdr", payload, { headers: h });
    for await (const m of sub) {
      assert.deepEqual(m.headers.values("X-Test"), ["one", "two"]);
      assert.deepEqual(m.data, payload);
    }
  });

  test("request/reply", T(), async () => {
    const svc = nc.subscribe("core.svc.echo", {
      callback: (err, m) => { if (!err) m.respond(`echo:${m.string()}`); },
    });
    await nc.flush();
    const r = await nc.request("core.svc.echo", "hello", { timeout: 5000 });
    assert.equal(r.string(), "echo:hello");
    // many in flight at once over the shared response subscription
    const rs = await Promise.all(Array.from({ length: 50 }, (_, i) => nc.request("core.svc.echo", `${i}`, { timeout: 5000 })));
    assert.deepEqual(rs.map((m) => m.string()), Array.from({ length: 50 }, (_, i) => `echo:${i}`));
    // old-style request with its own inbox
    const r2 = await nc.request("core.svc.echo", "x", { timeout: 5000, noMux: true });
    assert.equal(r2.string(), "echo:x");
    svc.unsubscribe();
  });

  test("request with no responders fails fast", T(), async () => {
    await assert.rejects(nc.request("core.nobody.home", Empty, { timeout: 5000 }), (err) => {
      const s = `${err?.name} ${err?.message} ${err?.cause?.name} ${err?.cause?.message}`;
      assert.match(s, /no responders/i);
      return true;
    });
  });

  test("requestMany collects several replies", T(), async () => {
    const a = nc.subscribe("core.many", { callback: (_, m) => m.respond("a") });
    const b = nc.subscribe("core.many", { callback: (_, m) => m.respond("b") });
    await nc.flush();
    const it = await nc.requestMany("core.many", Empty, { strategy: "count", maxWait: 5000, maxMessages: 2 });
    const got = [];
    for await (const m of it) got.push(m.string());
    assert.deepEqual(got.sort(), ["a", "b"]);
    a.unsubscribe();
    b.unsubscribe();
  });

  test("drain delivers pending messages then closes", T(), async () => {
    const nc2 = await connect({ servers: server.url });
    let n = 0;
    nc2.subscribe("core.drain", { callback: () => { n++; } });
    await nc2.flush();
    for (let i = 0; i < 20; i++) nc.publish("core.drain");
    await nc.flush();
    await nc2.drain();
    assert.equal(n, 20);
    assert.ok(nc2.isClosed());
  });
});
