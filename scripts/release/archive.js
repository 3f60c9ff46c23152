// @ts-check
/**
 * Reproducible archives: ustar entries with a fixed owner (0:0) and mtime (SOURCE_DATE_EPOCH, else
 * 0), sorted names, gzip with no name and mtime 0 in its header. Same files in, same bytes out.
 *
 * The tar stream ends right after the last entry's data, without the end-of-archive zero blocks,
 * so that the Pulumi CLI checks the gzip CRC-32: its ExtractTGZ (sdk/go/common/util/archive,
 * v3.248.0) stops reading at the first zero block, the gzip reader then never reaches its trailer,
 * and an archive with a changed byte in its compressed data is installed as it is. Without the
 * zero blocks the last read of the file's data reaches the trailer, and a bad CRC fails the
 * install (test/e2e/plugin-download.test.ts). GNU tar, Python's tarfile and Go's archive/tar read
 * such a stream to its end without complaint.
 * A content-addressed cache (artifacts/.cache) spares rebuilding an archive whose inputs did not
 * change: making a single executable and gzipping its 125 MB takes most of a minute.
 */
const { execFileSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const { gzipSync } = require("node:zlib");

/** `files` of `dir` as a .tar.gz at `archive`, written aside and renamed into place. */
function writeArchive(/** @type {string} */ dir, /** @type {string[]} */ files, /** @type {string} */ archive) {
  const mtime = process.env.SOURCE_DATE_EPOCH ?? "0";
  const tar = execFileSync(
    "tar",
    ["--create", "--format=ustar", "--owner=0", "--group=0", "--numeric-owner", `--mtime=@${mtime}`, "--sort=name", "-C", dir, ...files],
    { maxBuffer: 512 * 1024 * 1024 },
  );
  atomicWrite(archive, gzipSync(withoutEndBlocks(tar), { level: 9 }));
}

const BLOCK = 512;

/** The ustar stream up to the end of its last entry's data (each entry: a header block, then its data padded to blocks). */
function withoutEndBlocks(/** @type {Buffer} */ tar) {
  let offset = 0;
  while (offset + BLOCK <= tar.length && tar.subarray(offset, offset + BLOCK).some((byte) => byte !== 0)) {
    // The size field: 12 bytes of octal digits at offset 124 of the header.
    const size = parseInt(tar.subarray(offset + 124, offset + 136).toString("latin1").replace(/\0.*$/s, "").trim(), 8);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (offset === 0 || offset > tar.length) throw new Error(`tar printed a stream of ${tar.length} bytes whose entries do not add up`);
  return tar.subarray(0, offset);
}

/** Written aside and renamed: test files that package at once never read a half-written file. */
function atomicWrite(/** @type {string} */ file, /** @type {Buffer | string} */ data) {
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, data);
  renameSync(partial, file);
}

/** A hex SHA-256 over the parts, each length-prefixed so that no two lists collide. */
function contentKey(/** @type {Array<string | Buffer>} */ parts) {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:`).update(part);
  return hash.digest("hex").slice(0, 24);
}

/**
 * `archive` from the cache under `cacheDir` when an entry for `slot` has `key`; otherwise `build`
 * writes it and it is cached, replacing the slot's older entries.
 * @returns {Promise<boolean>} whether the cache had it
 */
async function cachedArchive(
  /** @type {string} */ cacheDir,
  /** @type {string} */ slot,
  /** @type {string} */ key,
  /** @type {string} */ archive,
  /** @type {(archive: string) => Promise<void>} */ build,
) {
  mkdirSync(cacheDir, { recursive: true });
  const cached = path.join(cacheDir, `${slot}-${key}.tar.gz`);
  try {
    copyFileSync(cached, `${archive}.${process.pid}.partial`);
    renameSync(`${archive}.${process.pid}.partial`, archive);
    return true;
  } catch {
    // Not cached: build it below.
  }
  await build(archive);
  copyFileSync(archive, `${cached}.${process.pid}.partial`);
  renameSync(`${cached}.${process.pid}.partial`, cached);
  for (const entry of readdirSync(cacheDir)) {
    if (entry.startsWith(`${slot}-`) && entry.endsWith(".tar.gz") && entry !== path.basename(cached)) rmSync(path.join(cacheDir, entry), { force: true });
  }
  return false;
}

module.exports = { writeArchive, atomicWrite, contentKey, cachedArchive };
