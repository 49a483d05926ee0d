// Starts a NATS server with JetStream for one test file and stops it afterwards.
//
// By default the server is natsj (bin/natsj-server at the repository root, two levels up from clients/node); set
// NATS_SERVER_CMD (e.g. "/usr/sbin/nats-server") to run the same suite against another server. The command gets
// nats-server's flags: -a 127.0.0.1 -p <free port> -js -sd <fresh temp dir>.
//
// The first start may build natsj with Maven, so starting waits up to 180 s for the server to accept connections
// (polled, no fixed sleeps). Starts are serialised across the test files (node --test runs each file in its own
// process, in parallel) with a lock directory, so that at most one of them builds.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync, statSync } from "node:fs";
import { createServer, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const START_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 10_000;
const LOCK_DIR = join(tmpdir(), "natsj-node-test-start.lock");

// process groups of the servers still running; killed when this process exits or is interrupted
const live = new Set();
const killAll = () => { for (const pid of live) { try { process.kill(-pid, "SIGKILL"); } catch { /* gone */ } } };
process.on("exit", killAll);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(sig, () => { killAll(); process.exit(128 + (sig === "SIGINT" ? 2 : sig === "SIGTERM" ? 15 : 1)); });
}

function serverCommand() {
  const cmd = process.env.NATS_SERVER_CMD?.trim();
  if (cmd) return cmd.split(/\s+/);
  return [join(REPO_ROOT, "bin", "natsj-server")];
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

// A free port below the ephemeral range (32768+): a route dialing a server that is not up yet takes an ephemeral
// local port, which must never be one chosen for a server of the cluster.
async function freeLowPort() {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const ok = await new Promise((res) => {
      const srv = createServer();
      srv.unref();
      srv.on("error", () => res(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => res(true)));
    });
    if (ok) return port;
  }
  throw new Error("no free port in 20000-31999");
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

// Resolves true when a TCP connection to the port gets a line starting with "INFO " (the server is ready).
function probe(port) {
  return new Promise((res) => {
    const sock = tcpConnect({ host: "127.0.0.1", port });
    let buf = "";
    const done = (ok) => { sock.destroy(); res(ok); };
    sock.setTimeout(2000, () => done(false));
    sock.on("error", () => done(false));
    sock.on("data", (d) => {
      buf += d.toString("latin1");
      if (buf.startsWith("INFO ")) done(true);
      else if (buf.length >= 5) done(false);
    });
    sock.on("end", () => done(false));
  });
}

async function acquireLock(deadline) {
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      return;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      try {
        // a lock left behind by a killed run
        if (Date.now() - statSync(LOCK_DIR).mtimeMs > START_TIMEOUT_MS + 20_000) rmSync(LOCK_DIR, { recursive: true, force: true });
      } catch { /* gone meanwhile */ }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK_DIR}`);
      await pause(100);
    }
  }
}

function releaseLock() {
  rmSync(LOCK_DIR, { recursive: true, force: true });
}

/**
 * Starts the server; resolves { url, port, storeDir, output(), stop() } once it accepts connections.
 */
export async function startServer() {
  const deadline = Date.now() + START_TIMEOUT_MS;
  await acquireLock(deadline + 60_000);
  try {
    const port = await freePort();
    return await launch(port, (storeDir) => ["-js", "-sd", storeDir], deadline);
  } finally {
    releaseLock();
  }
}

/**
 * Starts a cluster of n servers on loopback (core NATS, no JetStream), each with the others as explicit routes
 * (nats-server's flags: --cluster, --cluster_name, --routes, --server_name); resolves { servers: [{ url, port,
 * clusterPort, output(), stop() }], urls, stop() } once every server accepts clients. Whether the routes are up is
 * for the test to find out (interest takes a moment to spread).
 */
export async function startCluster(n, name = "node-cluster") {
  const deadline = Date.now() + START_TIMEOUT_MS;
  await acquireLock(deadline + 60_000);
  const servers = [];
  try {
    const ports = [];
    for (let i = 0; i < n; i++) ports.push({ port: await freeLowPort(), cluster: await freeLowPort() });
    for (let i = 0; i < n; i++) {
      const routes = ports.filter((_, j) => j !== i).map((p) => `nats://127.0.0.1:${p.cluster}`).join(",");
      const args = ["--server_name", `${name}-${i + 1}`, "--cluster_name", name,
        "--cluster", `nats://127.0.0.1:${ports[i].cluster}`, "--routes", routes];
      const s = await launch(ports[i].port, () => args, deadline);
      servers.push({ ...s, clusterPort: ports[i].cluster });
    }
  } catch (e) {
    await Promise.all(servers.map((s) => s.stop()));
    throw e;
  } finally {
    releaseLock();
  }
  return { servers, urls: servers.map((s) => s.url), stop: () => Promise.all(servers.map((s) => s.stop())) };
}

// Spawns one server on the port (its extra flags from extraArgs(storeDir)) and waits until it accepts clients.
async function launch(port, extraArgs, deadline) {
  let child;
  const storeDir = mkdtempSync(join(tmpdir(), "natsj-node-js-"));
  try {
    const [cmd, ...pre] = serverCommand();
    const args = [...pre, "-a", "127.0.0.1", "-p", String(port), ...extraArgs(storeDir)];
    let out = "";
    // own process group: during the first start bin/natsj-server runs Maven as a child, which must die with it
    child = spawn(cmd, args, { cwd: REPO_ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const append = (d) => { out += d.toString(); if (out.length > 200_000) out = out.slice(-100_000); };
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    let exited = null;
    const exitedP = new Promise((r) => child.on("exit", (code, sig) => { exited = { code, sig }; r(); }));
    child.on("error", (e) => { exited = { error: e }; });
    const killGroup = (sig) => { try { process.kill(-child.pid, sig); } catch { /* already gone */ } };
    live.add(child.pid);

    while (!(await probe(port))) {
      if (exited) throw new Error(`server exited before accepting connections (${JSON.stringify(exited)}): ${cmd} ${args.join(" ")}\n${out}`);
      if (Date.now() > deadline) {
        killGroup("SIGKILL");
        throw new Error(`server did not accept connections on port ${port} within ${START_TIMEOUT_MS / 1000} s\n${out}`);
      }
      await pause(100);
    }

    let stopped = null;
    const stop = () => {
      stopped ??= (async () => {
        if (!exited) {
          killGroup("SIGTERM");
          const t = setTimeout(() => killGroup("SIGKILL"), STOP_GRACE_MS);
          await exitedP;
          clearTimeout(t);
          killGroup("SIGKILL"); // anything left in the group
        }
        live.delete(child.pid);
        rmSync(storeDir, { recursive: true, force: true });
      })();
      return stopped;
    };
    return { url: `nats://127.0.0.1:${port}`, port, storeDir, output: () => out, stop };
  } catch (e) {
    if (child && child.exitCode === null) { try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ } }
    rmSync(storeDir, { recursive: true, force: true });
    throw e;
  }
}

/** Test options shared by every test: a bounded run time. */
export const T = (ms = 20_000, extra = {}) => ({ timeout: ms, ...extra });
