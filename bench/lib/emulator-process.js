// @ts-check
/** Starts emulator-child.js and talks to it over IPC. */
const { fork } = require("node:child_process");
const path = require("node:path");

/**
 * @typedef {object} EmulatorTarget
 * @property {string} url
 * @property {{accessKey: string, secretKey: string}} credentials
 * @property {string} projectId
 * @property {string} clusterId
 * @property {"option" | "bench-patch" | "off"} preissued how certificates are served (see emulator-child.js)
 */

/**
 * @param {{preissued?: boolean}} [options] preissued defaults to true
 * @returns {Promise<EmulatorTarget & {cpu(): Promise<{user: number, system: number, rss: number}>, mints(): Promise<number>, stop(): Promise<void>}>}
 */
async function startEmulatorProcess(options = {}) {
  const child = fork(path.join(__dirname, "emulator-child.js"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  let next = 0;
  /** @type {Map<number, {resolve: (v: any) => void, reject: (e: Error) => void}>} */
  const pending = new Map();
  child.on("message", (/** @type {any} */ message) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(`emulator process: ${message.error}`));
    else waiter?.resolve(message);
  });
  child.on("exit", (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`emulator process exited (${code})`));
    pending.clear();
  });
  const ask = (/** @type {object} */ body) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      child.send({ id, ...body });
    });
  const started = /** @type {any} */ (await ask({ type: "start", preissued: options.preissued ?? true }));
  return {
    url: started.url,
    credentials: started.credentials,
    projectId: started.projectId,
    clusterId: started.clusterId,
    preissued: started.preissued,
    cpu: async () => /** @type {any} */ (await ask({ type: "cpu" })),
    mints: async () => /** @type {any} */ (await ask({ type: "mints" })).count,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      await ask({ type: "stop" }).catch(() => undefined);
      await exited;
    },
  };
}

module.exports = { startEmulatorProcess };
