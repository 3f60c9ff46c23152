// @ts-check
/**
 * Node's Windows builds carry an Authenticode signature, which injecting the blob breaks (postject
 * warns "The signature seems corrupted!"). Node's SEA guide removes it first (`signtool remove /s`);
 * this does the same here: the certificate table's directory entry is cleared and the table, which
 * sits at the end of the file, cut off. The executable is then unsigned, as one built from source.
 * @see https://nodejs.org/docs/latest-v22.x/api/single-executable-applications.html
 * @see https://learn.microsoft.com/en-us/windows/win32/debug/pe-format (Optional Header Data Directories)
 */
const { readFileSync, writeFileSync } = require("node:fs");

/** Offset of the certificate table's entry (data directory 4) in a PE32 or PE32+ optional header. */
const SECURITY_ENTRY = { 0x10b: 96 + 4 * 8, 0x20b: 112 + 4 * 8 };
/** The optional header's CheckSum, which covered the signed image. */
const CHECKSUM_OFFSET = 64;

/** Offset of the optional header, after checking the MZ and PE signatures. */
function optionalHeader(/** @type {Buffer} */ image) {
  if (image.subarray(0, 2).toString("latin1") !== "MZ") throw new Error("not a PE file: no MZ header");
  const pe = image.readUInt32LE(0x3c);
  if (image.subarray(pe, pe + 4).toString("latin1") !== "PE\0\0") throw new Error("not a PE file: no PE signature");
  return pe + 4 + 20;
}

/** The certificate table `{ offset, size }` of a PE image (zero when unsigned). */
function certificateTable(/** @type {Buffer} */ image) {
  const header = optionalHeader(image);
  const entry = SECURITY_ENTRY[/** @type {0x10b | 0x20b} */ (image.readUInt16LE(header))];
  if (entry === undefined) throw new Error(`unknown PE optional header magic ${image.readUInt16LE(header).toString(16)}`);
  return { at: header + entry, offset: image.readUInt32LE(header + entry), size: image.readUInt32LE(header + entry + 4) };
}

/** Removes the signature of the PE file `file` in place; a file without one is left as it is. */
function removeSignature(/** @type {string} */ file) {
  const image = readFileSync(file);
  const table = certificateTable(image);
  if (table.size === 0) return;
  // The table is the file's last part (the PE format requires nothing after it but padding).
  if (table.offset + table.size < image.length - 8) throw new Error(`the certificate table of ${file} is not at its end`);
  image.writeUInt32LE(0, table.at);
  image.writeUInt32LE(0, table.at + 4);
  image.writeUInt32LE(0, optionalHeader(image) + CHECKSUM_OFFSET);
  writeFileSync(file, image.subarray(0, table.offset));
}

module.exports = { removeSignature, certificateTable };
