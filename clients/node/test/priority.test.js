// Priority groups (nats-server 2.11) through @nats-io/jetstream v3: a pinned_client consumer (one consume holds the
// pin and gets every message with Nats-Pin-Id; unpin), an overflow consumer's min_pending, and the server's config
// checks for what the client lets through.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startServer, START_TIMEOUT_MS, T } from "../support/server.js";

describe("priority groups", () => {
  let server, nc, jsm, js;
  before(async () => {
    server = await startServer();
    nc = await connect({ servers: server.url, name: "natsj-node-priority" });
    jsm = await jetstreamManager(nc);
    js = jetstream(nc);
  }, { timeout: START_TIMEOUT_MS + 20_000 });
  after(async () => {
    await nc?.close();
    await server?.stop();
  }, { timeout: 30_000 });

  test("pinned_client: one consume holds the pin, unpin releases it", T(30_000), async () => {
    await jsm.streams.add({ name: "PIN", subjects: ["pin.>"] });
    const ci = await jsm.consumers.add("PIN", {
      durable_name: "p", ack_policy: AckPolicy.Explicit,
      priority_policy: "pinned_client", priority_groups: ["g"],
    });
    assert.equal(ci.config.priority_timeout, 120_000_000_000); // nats-server's default
    assert.deepEqual(ci.priority_groups.map((g) => g.group), ["g"]);
    for (let i = 0; i < 5; i++) await js.publish("pin.x", `${i}`);

    const c = await js.consumers.get("PIN", "p");
    const got = [];
    const pins = new Set();
    for await (const m of await c.consume({ group: "g", max_messages: 10 })) {
      got.push(m.string());
      pins.add(m.headers?.get("Nats-Pin-Id"));
      m.ack();
      if (got.length === 5) break;
    }
    assert.deepEqual(got, ["0", "1", "2", "3", "4"]);
    assert.equal(pins.size, 1);
    const [pin] = pins;
    assert.equal(pin.length, 22);
    const info = await jsm.consumers.info("PIN", "p");
    assert.equal(info.priority_groups[0].pinned_client_id, pin);

    await jsm.consumers.unpin("PIN", "p", "g");
    const unpinned = await jsm.consumers.info("PIN", "p");
    assert.equal(unpinned.priority_groups[0].pinned_client_id, undefined);
    await assert.rejects(jsm.consumers.unpin("PIN", "p", "h"), (e) => e.code === 10160);
  });

  test("overflow: min_pending holds a fetch back until that many are pending", T(30_000), async () => {
    await jsm.streams.add({ name: "OVF", subjects: ["ovf.>"] });
    await jsm.consumers.add("OVF", {
      durable_name: "o", ack_policy: AckPolicy.Explicit,
      priority_policy: "overflow", priority_groups: ["g"],
    });
    for (let i = 0; i < 5; i++) await js.publish("ovf.x", `${i}`);
    const c = await js.consumers.get("OVF", "o");
    let held = 0;
    for await (const m of await c.fetch({ group: "g", min_pending: 10, max_messages: 5, expires: 1000 })) {
      held++;
      m.ack();
    }
    assert.equal(held, 0);
    // delivered only while at least 5 are pending: the first one
    const got = [];
    for await (const m of await c.fetch({ group: "g", min_pending: 5, max_messages: 5, expires: 1000 })) {
      got.push(m.string());
      m.ack();
    }
    assert.deepEqual(got, ["0"]);
    // without a threshold: the rest
    for await (const m of await c.fetch({ group: "g", max_messages: 4, expires: 2000 })) {
      got.push(m.string());
      m.ack();
    }
    assert.deepEqual(got, ["0", "1", "2", "3", "4"]);
  });

  test("config checks the client leaves to the server", T(), async () => {
    await jsm.streams.add({ name: "CFG", subjects: ["cfg.>"] });
    await assert.rejects(jsm.consumers.add("CFG", {
      durable_name: "bad", ack_policy: AckPolicy.Explicit,
      priority_policy: "overflow", priority_groups: ["a+b"],
    }), (e) => e.code === 10162);
    // 2.12's policy: a 2.11 server does not know it
    await assert.rejects(jsm.consumers.add("CFG", {
      durable_name: "bad", ack_policy: AckPolicy.Explicit,
      priority_policy: "prioritized", priority_groups: ["g"],
    }), (e) => e.code === 10025 && /unknown priority policy/.test(e.message));
  });
});
