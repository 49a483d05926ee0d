// JetStream through @nats-io/jetstream v3: streams, publish acks and de-duplication, durable pull consumers
// (fetch, consume, next, acks, redelivery) and ordered consumers.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startServer, START_TIMEOUT_MS, T } from "../support/server.js";

describe("jetstream", () => {
  let server, nc, jsm, js;
  before(async () => {
    server = await startServer();
    nc = await connect({ servers: server.url, name: "natsj-node-js" });
    jsm = await jetstreamManager(nc);
    js = jetstream(nc);
  }, { timeout: START_TIMEOUT_MS + 20_000 });
  after(async () => {
    await nc?.close();
    await server?.stop();
  }, { timeout: 30_000 });

  test("account info and stream create/info/list/delete", T(), async () => {
    const ai = await jsm.getAccountInfo();
    assert.equal(typeof ai.streams, "number");
    const si = await jsm.streams.add({ name: "LIFE", subjects: ["life.>"] });
    assert.equal(si.config.name, "LIFE");
    assert.deepEqual(si.config.subjects, ["life.>"]);
    assert.equal(si.state.messages, 0);
    const names = await jsm.streams.names().next();
    assert.ok(names.includes("LIFE"));
    const info = await jsm.streams.info("LIFE");
    assert.equal(info.config.name, "LIFE");
    const upd = await jsm.streams.update("LIFE", { subjects: ["life.>", "life2.>"] });
    assert.deepEqual(upd.config.subjects, ["life.>", "life2.>"]);
    assert.equal(await jsm.streams.delete("LIFE"), true);
    await assert.rejects(jsm.streams.info("LIFE"), /stream not found/i);
  });

  test("publish returns PubAck with stream and increasing seq", T(), async () => {
    await jsm.streams.add({ name: "PUB", subjects: ["pub.>"] });
    for (let i = 1; i <= 5; i++) {
      const pa = await js.publish(`pub.${i}`, `m${i}`);
      assert.equal(pa.stream, "PUB");
      assert.equal(pa.seq, i);
      assert.equal(pa.duplicate, false);
    }
    const si = await jsm.streams.info("PUB");
    assert.equal(si.state.messages, 5);
    assert.equal(si.state.first_seq, 1);
    assert.equal(si.state.last_seq, 5);
    const m = await jsm.streams.getMessage("PUB", { seq: 3 });
    assert.equal(m.subject, "pub.3");
    assert.equal(m.string(), "m3");
    const last = await jsm.streams.getMessage("PUB", { last_by_subj: "pub.5" });
    assert.equal(last.seq, 5);
    // expectations: the client sends Nats-Expected-* headers, the server checks them
    const pa6 = await js.publish("pub.6", "m6", { expect: { lastSequence: 5, streamName: "PUB" } });
    assert.equal(pa6.seq, 6);
    await assert.rejects(js.publish("pub.7", "m7", { expect: { lastSequence: 5 } }), /wrong last sequence/i);
    // a publish to a subject no stream listens on has no responders
    await assert.rejects(js.publish("nostream.x", "x", { timeout: 3000 }), /no (responders|stream)|jetstream is not enabled/i);
  });

  test("publish with msgID de-duplicates", T(), async () => {
    await jsm.streams.add({ name: "DEDUP", subjects: ["dedup.>"], duplicate_window: 60_000_000_000 });
    const a = await js.publish("dedup.a", "first", { msgID: "id-1" });
    assert.equal(a.seq, 1);
    assert.equal(a.duplicate, false);
    const b = await js.publish("dedup.a", "again", { msgID: "id-1" });
    assert.equal(b.seq, 1);
    assert.equal(b.duplicate, true);
    const c = await js.publish("dedup.a", "second", { msgID: "id-2" });
    assert.equal(c.seq, 2);
    assert.equal(c.duplicate, false);
    const si = await jsm.streams.info("DEDUP");
    assert.equal(si.state.messages, 2);
    const m = await jsm.streams.getMessage("DEDUP", { seq: 1 });
    assert.equal(m.string(), "first");
    assert.equal(m.header.get("Nats-Msg-Id"), "id-1");
  });

  test("durable pull consumer: fetch with acks and redelivery", T(30_000), async () => {
    await jsm.streams.add({ name: "PULL", subjects: ["pull.>"] });
    for (let i = 0; i < 10; i++) await js.publish("pull.x", `${i}`);
    const ci = await jsm.consumers.add("PULL", { durable_name: "dur", ack_policy: AckPolicy.Explicit, ack_wait: 2_000_000_000 });
    assert.equal(ci.name, "dur");
    assert.equal(ci.config.durable_name, "dur");
    assert.equal(ci.num_pending, 10);
    const c = await js.consumers.get("PULL", "dur");

    const batch1 = [];
    for await (const m of await c.fetch({ max_messages: 4, expires: 2000 })) {
      batch1.push(m.string());
      assert.equal(m.info.stream, "PULL");
      assert.equal(m.info.consumer, "dur");
      m.ack();
    }
    assert.deepEqual(batch1, ["0", "1", "2", "3"]);

    // take two without acking them: they come back after ack_wait
    const notAcked = [];
    for await (const m of await c.fetch({ max_messages: 2, expires: 2000 })) notAcked.push(m.info.streamSequence);
    assert.deepEqual(notAcked, [5, 6]);

    const rest = [];
    for await (const m of await c.fetch({ max_messages: 20, expires: 4000 })) {
      rest.push(`${m.string()}@${m.info.deliveryCount}`);
      await m.ackAck();
      if (rest.length === 6) break;
    }
    assert.deepEqual(rest.slice(0, 4), ["6@1", "7@1", "8@1", "9@1"]);
    assert.deepEqual(rest.slice(4).sort(), ["4@2", "5@2"]);

    const after = await c.info();
    assert.equal(after.num_pending, 0);
    assert.equal(after.num_ack_pending, 0);
    assert.equal(after.delivered.stream_seq, 10);
    assert.equal(after.ack_floor.stream_seq, 10);

    // nothing left: a fetch with a short expiry ends empty
    let n = 0;
    for await (const _ of await c.fetch({ max_messages: 5, expires: 1000 })) n++;
    assert.equal(n, 0);
  });

  test("durable pull consumer: consume, next, nak and state survive a new handle", T(30_000), async () => {
    await jsm.streams.add({ name: "CONS", subjects: ["cons.*"] });
    await jsm.consumers.add("CONS", { durable_name: "worker", ack_policy: AckPolicy.Explicit, filter_subject: "cons.a" });
    for (let i = 0; i < 30; i++) await js.publish(i % 2 ? "cons.b" : "cons.a", `${i}`);
    const c = await js.consumers.get("CONS", "worker");
    const seen = [];
    let nakked = false;
    const iter = await c.consume({ max_messages: 5 });
    for await (const m of iter) {
      if (m.string() === "4" && !nakked) { nakked = true; m.nak(); continue; }
      seen.push(m.string());
      m.ack();
      if (seen.length === 15) break;
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 15 }, (_, i) => `${i * 2}`));
    assert.ok(seen.indexOf("4") > seen.indexOf("6"), "the nak'd message comes back later");

    await js.publish("cons.a", "late");
    const c2 = await js.consumers.get("CONS", "worker");
    const m = await c2.next({ expires: 3000 });
    assert.ok(m, "next() returns the message published after the first handle stopped");
    assert.equal(m.string(), "late");
    await m.ackAck();
    const info = await c2.info();
    assert.equal(info.num_pending, 0);
    assert.equal(info.num_ack_pending, 0);
    const list = await jsm.consumers.list("CONS").next();
    assert.deepEqual(list.map((ci) => ci.name), ["worker"]);
    assert.equal(await jsm.consumers.delete("CONS", "worker"), true);
  });

  test("ordered consumer reads a stream in order, from a start sequence and with a filter", T(30_000), async () => {
    await jsm.streams.add({ name: "ORD", subjects: ["ord.*"] });
    for (let i = 1; i <= 50; i++) await js.publish(i % 5 === 0 ? "ord.five" : "ord.other", `${i}`);
    const oc = await js.consumers.get("ORD");
    const all = [];
    for await (const m of await oc.fetch({ max_messages: 100, expires: 2000 })) {
      all.push(Number(m.string()));
      if (all.length === 50) break;
    }
    assert.deepEqual(all, Array.from({ length: 50 }, (_, i) => i + 1));

    const oc2 = await js.consumers.get("ORD", { filter_subjects: "ord.five", deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 20 });
    const fives = [];
    const it = await oc2.consume();
    for await (const m of it) {
      fives.push(Number(m.string()));
      if (fives.length === 7) break;
    }
    assert.deepEqual(fives, [20, 25, 30, 35, 40, 45, 50]);

    // an ordered consumer created on the last message sees new ones as they come; the client creates the
    // consumer after consume() returns, so the new message is published once the last one has arrived
    const oc3 = await js.consumers.get("ORD", { deliver_policy: DeliverPolicy.LastPerSubject, filter_subjects: "ord.five" });
    const it3 = await oc3.consume();
    const live = [];
    for await (const m of it3) {
      live.push(m.string());
      if (live.length === 1) await js.publish("ord.five", "new");
      if (live.length === 2) break;
    }
    assert.deepEqual(live, ["50", "new"]);

    // several filters at once (nats-server 2.10+)
    const oc4 = await js.consumers.get("ORD", { filter_subjects: ["ord.five", "ord.other"], deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 48 });
    const both = [];
    for await (const m of await oc4.consume()) {
      both.push(`${m.subject}:${m.string()}`);
      if (both.length === 4) break;
    }
    assert.deepEqual(both, ["ord.other:48", "ord.other:49", "ord.five:50", "ord.five:new"]);
  });

  test("message info, purge and delete", T(), async () => {
    await jsm.streams.add({ name: "PURGE", subjects: ["purge.*"] });
    for (let i = 0; i < 6; i++) await js.publish(i < 3 ? "purge.a" : "purge.b", `${i}`);
    assert.equal(await jsm.streams.deleteMessage("PURGE", 2), true);
    let si = await jsm.streams.info("PURGE");
    assert.equal(si.state.messages, 5);
    const pr = await jsm.streams.purge("PURGE", { filter: "purge.a" });
    assert.equal(pr.success, true);
    assert.equal(pr.purged, 2);
    si = await jsm.streams.info("PURGE");
    assert.equal(si.state.messages, 3);
    assert.equal(si.state.first_seq, 4);
  });
});
