// A cluster of three servers through nats.js v3: messages, queue groups and request/reply across routes, no
// responders, and a client that knows one server's URL failing over to another when its server stops.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, headers } from "@nats-io/transport-node";
import { startCluster, START_TIMEOUT_MS, T } from "../support/server.js";

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

describe("cluster", () => {
  let cluster;
  const conns = [];
  const open = async (url, opts = {}) => {
    const nc = await connect({ servers: url, name: "natsj-node-cluster", ...opts });
    conns.push(nc);
    return nc;
  };
  before(async () => {
    cluster = await startCluster(3);
  }, { timeout: START_TIMEOUT_MS + 30_000 });
  after(async () => {
    await Promise.all(conns.map((nc) => nc.close().catch(() => {})));
    await cluster?.stop();
  }, { timeout: 30_000 });

  // Interest crosses a route a moment after SUB: ask a responder on `sub`'s server from `pub`'s until it answers
  // (which also proves the way back to `pub`'s inbox), at most 10 s.
  async function awaitRoute(pub, sub) {
    const subject = `probe.${Math.random().toString(36).slice(2)}`;
    const responder = sub.subscribe(subject, { callback: (_, m) => m.respond("ok") });
    await sub.flush();
    const deadline = Date.now() + 10_000;
    try {
      for (;;) {
        try {
          await pub.request(subject, "", { timeout: 250 });
          return;
        } catch (e) {
          if (Date.now() > deadline) throw new Error(`no route from ${pub.getServer()} to ${sub.getServer()}: ${e}`);
          await pause(50);
        }
      }
    } finally {
      responder.unsubscribe();
    }
  }

  // Collects messages of a subscription (or several) until `n` arrived in total, at most `ms`.
  async function collect(subs, n, ms = 10_000) {
    const got = subs.map(() => []);
    let total = 0;
    let done;
    const all = new Promise((r) => { done = r; });
    subs.forEach((s, i) => (async () => {
      for await (const m of s) { got[i].push(m); if (++total >= n) done(); }
    })());
    const timer = setTimeout(done, ms);
    await all;
    clearTimeout(timer);
    return got;
  }

  test("messages and headers cross a route to a wildcard subscriber", T(30_000), async () => {
    const [a, b] = [await open(cluster.urls[0]), await open(cluster.urls[1])];
    const sub = b.subscribe("cl.x.*");
    await awaitRoute(a, b);
    const h = headers();
    h.set("X-Trace", "t1");
    a.publish("cl.x.1", "one", { headers: h });
    a.publish("cl.x.2", "two");
    a.publish("cl.y.3", "not for b");
    a.publish("cl.x.3", "three");
    await a.flush();
    const [got] = await collect([sub], 3);
    assert.deepEqual(got.map((m) => `${m.subject}:${m.string()}`), ["cl.x.1:one", "cl.x.2:two", "cl.x.3:three"]);
    assert.equal(got[0].headers.get("X-Trace"), "t1");
  });

  test("a queue group spread over two servers gets each message once", T(30_000), async () => {
    const [a, b, c] = [await open(cluster.urls[0]), await open(cluster.urls[1]), await open(cluster.urls[2])];
    const qb = b.subscribe("cl.work", { queue: "workers" });
    const qc = c.subscribe("cl.work", { queue: "workers" });
    const plain = c.subscribe("cl.work");
    await awaitRoute(a, b);
    await awaitRoute(a, c);
    const n = 200;
    for (let i = 0; i < n; i++) a.publish("cl.work", `${i}`);
    await a.flush();
    const [gb, gc] = await collect([qb, qc], n);
    const [gp] = await collect([plain], n);
    const seen = [...gb, ...gc].map((m) => Number(m.string())).sort((x, y) => x - y);
    assert.deepEqual(seen, [...Array(n).keys()], "every message once in the group");
    assert.ok(gb.length > 0 && gc.length > 0, `both members served (${gb.length}/${gc.length})`);
    assert.equal(gp.length, n, "the plain subscriber gets all");
    await pause(200);
    assert.equal(gb.length + gc.length, n, "nothing twice");
  });

  test("request/reply across servers, and no responders when nobody in the cluster listens", T(30_000), async () => {
    const [a, c] = [await open(cluster.urls[0]), await open(cluster.urls[2])];
    c.subscribe("cl.svc", { callback: (_, m) => m.respond(`re:${m.string()}`) });
    await awaitRoute(a, c);
    const r = await a.request("cl.svc", "hi", { timeout: 2000 });
    assert.equal(r.string(), "re:hi");
    await assert.rejects(a.request("cl.nobody", "x", { timeout: 2000 }), (e) => /no responders/i.test(String(e)) || e?.code === "503");
  });

  test("a client that knew one server fails over to another when it stops", T(60_000), async () => {
    const [s1, , s3] = cluster.servers;
    const nc = await open(s1.url, { reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    const watcher = await open(s3.url);
    // the cluster's other servers reach the client in INFO connect_urls
    const deadline = Date.now() + 10_000;
    while (!(nc.info?.connect_urls?.length >= 3)) {
      if (Date.now() > deadline) throw new Error(`connect_urls: ${JSON.stringify(nc.info?.connect_urls)}`);
      await pause(50);
    }
    const sub = nc.subscribe("cl.after");
    await awaitRoute(watcher, nc);
    let reconnected;
    const reconnect = new Promise((r) => { reconnected = r; });
    (async () => { for await (const s of nc.status()) if (s.type === "reconnect") reconnected(s); })();
    await s1.stop();
    await reconnect;
    assert.notEqual(nc.getServer(), `127.0.0.1:${s1.port}`);
    await awaitRoute(watcher, nc);
    watcher.publish("cl.after", "still here");
    const [got] = await collect([sub], 1);
    assert.equal(got[0]?.string(), "still here");
  });
});
