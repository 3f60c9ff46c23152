/**
 * Issue 21, item 3: token and profile files are read within their cap whatever they are. Before,
 * the token reader checked `stat().size` (0 for a FIFO or a device) and then read the whole file,
 * and the KooCLI reader opened before checking, so a FIFO blocked it. Real FIFOs (mkfifo), a real
 * device, real links and files.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readIdToken } from "../../../src/credentials/id-token";
import { MAX_SHARED_CONFIG_BYTES, readProfile } from "../../../src/credentials/koocli-profile-file";
import { MAX_TOKEN_FILE_BYTES, readTokenFile } from "../../../src/config/token-file";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvYXBwIn0.c2lnbmF0dXJl";
const PROFILE = JSON.stringify({ current: "dev", profiles: [{ name: "dev", mode: "AKSK", accessKeyId: "CAPPEDFILEKEY0000001", secretAccessKey: "capped-file-secret" }] });
/** A FIFO's writer holds 300 kB, over both caps; it connects after WRITER_DELAY_MS, so a reader that waits for it is seen waiting. */
const FIFO_BYTES = 300_000;
const WRITER_DELAY_MS = 1_000;
/** Well under WRITER_DELAY_MS: a read that returns within it did not wait for the writer. */
const NO_WAIT_MS = 500;

let dir: string;
const writers: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "capped-file-"));
});
afterEach(() => {
  for (const writer of writers.splice(0)) writer.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** A real FIFO with a real writer process that opens it after WRITER_DELAY_MS and writes FIFO_BYTES. */
function fifoWithLateWriter(name: string, byte: string): string {
  const path = join(dir, name);
  expect(spawnSync("mkfifo", [path]).status).toBe(0);
  const script = `setTimeout(() => { const fs = require("fs"); const fd = fs.openSync(process.argv[1], "w"); fs.writeSync(fd, Buffer.alloc(${FIFO_BYTES}, ${JSON.stringify(byte)})); fs.closeSync(fd); }, ${WRITER_DELAY_MS});`;
  writers.push(spawn(process.execPath, ["-e", script, path], { stdio: "ignore" }));
  return path;
}

/** What `read` returns or throws, and how long it took. */
function timed<T>(read: () => T): { result?: T; error?: unknown; ms: number } {
  const start = Date.now();
  try {
    const result = read();
    return { result, ms: Date.now() - start };
  } catch (error) {
    return { error, ms: Date.now() - start };
  }
}

const profileAt = (path: string) => readProfile({ path, profile: "dev", namedBy: "HW_PROFILE" });

describe("token files (pod identity, OIDC) are read within 64 KiB whatever they are (issue 21, item 3)", () => {
  test("a FIFO is refused at once, without waiting for a writer or reading past the cap", () => {
    const fifo = fifoWithLateWriter("token", "a");
    const read = timed(() => readTokenFile(fifo));
    expect(read.result).toEqual({ ok: false, problem: "not a file", reason: "is not a regular file (a FIFO or a device)" });
    expect(read.ms).toBeLessThan(NO_WAIT_MS);
  });

  test("/dev/zero is refused, not read until memory runs out", () => {
    expect(readTokenFile("/dev/zero")).toEqual({ ok: false, problem: "not a file", reason: "is not a regular file (a FIFO or a device)" });
  });

  test("a link is followed to what it leads to: a regular file is read (Kubernetes projects tokens as links), a FIFO is refused", () => {
    writeFileSync(join(dir, "real"), `${JWT}\n`);
    symlinkSync(join(dir, "real"), join(dir, "to-file"));
    expect(readTokenFile(join(dir, "to-file"))).toEqual({ ok: true, token: JWT });
    symlinkSync(fifoWithLateWriter("fifo", "a"), join(dir, "to-fifo"));
    expect(readTokenFile(join(dir, "to-fifo"))).toMatchObject({ ok: false, problem: "not a file" });
  });

  test("a file one byte over the cap is refused, one at the cap is read (control)", () => {
    writeFileSync(join(dir, "over"), "x".repeat(MAX_TOKEN_FILE_BYTES + 1));
    writeFileSync(join(dir, "at"), "x".repeat(MAX_TOKEN_FILE_BYTES));
    expect(readTokenFile(join(dir, "over"))).toEqual({ ok: false, problem: "too large", reason: `is larger than ${MAX_TOKEN_FILE_BYTES} bytes` });
    expect(readTokenFile(join(dir, "at"))).toEqual({ ok: true, token: "x".repeat(MAX_TOKEN_FILE_BYTES) });
  });

  test("the OIDC ID token file: a FIFO is a CredentialsError naming the file and setting, at once; a regular file is read (control)", () => {
    const fifo = fifoWithLateWriter("id-token", "a");
    const read = timed(() => readIdToken({ file: fifo, from: "HW_ASSUME_ROLE_ID_TOKEN_FILE" }));
    expect(read.error).toMatchObject({
      code: "CCE_NO_CREDENTIALS",
      message: `the ID token file ${fifo} (HW_ASSUME_ROLE_ID_TOKEN_FILE) is not a regular file (a FIFO or a device): point the setting at the file the CI writes the token to; nothing was exchanged`,
    });
    expect(read.ms).toBeLessThan(NO_WAIT_MS);
    writeFileSync(join(dir, "jwt"), JWT);
    expect(readIdToken({ file: join(dir, "jwt"), from: "HW_ASSUME_ROLE_ID_TOKEN_FILE" })).toBe(JWT);
  });
});

describe("the KooCLI profile is read within 1 MiB whatever it is (issue 21, item 3)", () => {
  test("a FIFO is refused at once, naming the path, instead of blocking until a writer comes", () => {
    const fifo = fifoWithLateWriter("config.json", " ");
    const read = timed(() => profileAt(fifo));
    expect(read.error).toMatchObject({
      code: "CCE_SHARED_CONFIG_INVALID",
      path: fifo,
      message: `the shared config file ${fifo} (named by HW_PROFILE) is not a regular file (a FIFO or a device)`,
    });
    expect(read.ms).toBeLessThan(NO_WAIT_MS);
  });

  test("/dev/zero is refused as not a regular file", () => {
    expect(() => profileAt("/dev/zero")).toThrow("the shared config file /dev/zero (named by HW_PROFILE) is not a regular file (a FIFO or a device)");
  });

  test("a link to a profile is read, a link to a FIFO refused; an oversized file refused (control: the same profile as a file is read)", () => {
    writeFileSync(join(dir, "config.json"), PROFILE);
    symlinkSync(join(dir, "config.json"), join(dir, "linked.json"));
    expect(profileAt(join(dir, "config.json")).keys?.accessKey).toBe("CAPPEDFILEKEY0000001");
    expect(profileAt(join(dir, "linked.json")).keys?.accessKey).toBe("CAPPEDFILEKEY0000001");
    symlinkSync(fifoWithLateWriter("fifo", " "), join(dir, "to-fifo"));
    expect(() => profileAt(join(dir, "to-fifo"))).toThrow("is not a regular file (a FIFO or a device)");
    writeFileSync(join(dir, "huge.json"), PROFILE + " ".repeat(MAX_SHARED_CONFIG_BYTES));
    expect(() => profileAt(join(dir, "huge.json"))).toThrow(`is larger than ${MAX_SHARED_CONFIG_BYTES} bytes: it is not a KooCLI config file`);
  });
});
