// Object Store through @nats-io/obj v3: multi-chunk put/get (blob and stream), info, list, links, watch, delete.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { Objm } from "@nats-io/obj";
import { startServer, START_TIMEOUT_MS, T } from "../support/server.js";

function bytes(n, seed = 7) {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24; }
  return b;
}

function streamOf(data, piece) {
  let off = 0;
  return new ReadableStream({
    pull(ctrl) {
      if (off >= data.length) { ctrl.close(); return; }
      ctrl.enqueue(data.subarray(off, off + piece));
      off += piece;
    },
  });
}

async function readAll(rs) {
  const parts = [];
  for await (const p of rs) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

const sha256 = (b) => `SHA-256=${createHash("sha256").update(b).digest("base64url")}=`;

describe("object store", () => {
  let server, nc, objm;
  before(async () => {
    server = await startServer();
    nc = await connect({ servers: server.url, name: "natsj-node-obj" });
    objm = new Objm(nc);
  }, { timeout: START_TIMEOUT_MS + 20_000 });
  after(async () => {
    await nc?.close();
    await server?.stop();
  }, { timeout: 30_000 });

  test("create bucket and its stream", T(), async () => {
    const os = await objm.create("files", { description: "node test" });
    const st = await os.status();
    assert.equal(st.bucket, "files");
    const si = await (await jetstreamManager(nc)).streams.info("OBJ_files");
    assert.deepEqual(si.config.subjects, ["$O.files.C.>", "$O.files.M.>"]);
    assert.equal(si.config.allow_rollup_hdrs, true);
    assert.equal(si.config.discard, "new");
  });

  test("putBlob/getBlob of a multi-chunk object", T(30_000), async () => {
    const os = await objm.create("blobs");
    const data = bytes(1_000_000);
    const info = await os.putBlob({ name: "big.bin", description: "a megabyte", options: { max_chunk_size: 64 * 1024 } }, data);
    assert.equal(info.name, "big.bin");
    assert.equal(info.size, data.length);
    assert.equal(info.chunks, Math.ceil(data.length / (64 * 1024)));
    assert.equal(info.digest, sha256(data));
    assert.equal(info.deleted, false);

    const got = await os.getBlob("big.bin");
    assert.equal(got.length, data.length);
    assert.ok(Buffer.from(got).equals(Buffer.from(data)), "same bytes back");

    const i2 = await os.info("big.bin");
    assert.equal(i2.description, "a megabyte");
    assert.equal(i2.chunks, info.chunks);
    assert.equal(i2.nuid, info.nuid);

    // the chunks are in the stream, under the object's nuid
    const si = await (await jetstreamManager(nc)).streams.info("OBJ_blobs", { subjects_filter: ">" });
    assert.equal(si.state.messages, info.chunks + 1);
  });

  test("put/get with streams, default chunk size, replace", T(30_000), async () => {
    const os = await objm.create("streams");
    const data = bytes(300_000, 3);
    const info = await os.put({ name: "dir/file.txt" }, streamOf(data, 10_000));
    assert.equal(info.size, data.length);
    assert.equal(info.chunks, Math.ceil(data.length / (128 * 1024)));
    const r = await os.get("dir/file.txt");
    const back = await readAll(r.data);
    assert.ok(!(await r.error), "no read error");
    assert.ok(Buffer.from(back).equals(Buffer.from(data)));
    assert.equal(r.info.digest, sha256(data));

    // putting the same name again replaces the object and its chunks
    const small = bytes(10, 9);
    const info2 = await os.putBlob({ name: "dir/file.txt" }, small);
    assert.notEqual(info2.nuid, info.nuid);
    assert.ok(Buffer.from(await os.getBlob("dir/file.txt")).equals(Buffer.from(small)));
    const si = await (await jetstreamManager(nc)).streams.info("OBJ_streams");
    assert.equal(si.state.messages, 2, "old chunks purged: one chunk and one meta left");

    // empty object
    const e = await os.putBlob({ name: "empty" }, new Uint8Array(0));
    assert.equal(e.size, 0);
    assert.equal(e.chunks, 0);
    assert.equal((await os.getBlob("empty")).length, 0);
    assert.equal(await os.get("missing"), null);
  });

  test("list, link, watch, delete", T(30_000), async () => {
    const os = await objm.create("misc");
    await os.putBlob({ name: "a" }, bytes(100, 1));
    await os.putBlob({ name: "b" }, bytes(200_000, 2));
    await os.putBlob({ name: "c" }, bytes(5, 3));
    let list = await os.list();
    assert.deepEqual(list.map((i) => i.name).sort(), ["a", "b", "c"]);
    assert.equal(list.find((i) => i.name === "b").size, 200_000);

    const b = await os.info("b");
    const link = await os.link("b-link", b);
    assert.equal(link.options.link.name, "b");
    assert.equal((await os.getBlob("b-link")).length, 200_000);

    const w = await os.watch({ includeHistory: true });
    const seen = [];
    const reading = (async () => {
      for await (const i of w) { seen.push(`${i.name}${i.deleted ? "-" : ""}`); if (seen.length === 6) break; }
    })();
    const deadline = Date.now() + 5000;
    while (seen.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    const pr = await os.delete("b");
    assert.equal(pr.success, true);
    assert.ok(pr.purged >= 2, "chunks purged");
    await os.putBlob({ name: "d" }, bytes(3, 4));
    await reading;
    assert.deepEqual(seen.slice(0, 4).sort(), ["a", "b", "b-link", "c"]);
    assert.deepEqual(seen.slice(4), ["b-", "d"]);

    const bi = await os.info("b");
    assert.ok(bi === null || bi.deleted === true);
    assert.equal(await os.get("b"), null);
    list = await os.list();
    assert.deepEqual(list.map((i) => i.name).sort(), ["a", "b-link", "c", "d"]);

    assert.equal(await os.destroy(), true);
  });
});
