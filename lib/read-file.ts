import * as fs from "fs";

/** A file that is not read: what it is, or why not, as one phrase without the file name (e.g. "is a symbolic link"). */
export class UnreadableFileError extends Error {}

// O_NOFOLLOW refuses a symbolic link at open time (no window between a check and the read); O_NONBLOCK makes
// opening a FIFO return at once instead of waiting for a writer. Both are 0 where the platform lacks them.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/** What a non-regular file is, in the words an error uses. */
export function fileKind(st: fs.Stats | fs.Dirent): string {
  if (st.isSymbolicLink()) return "a symbolic link";
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * Reads a regular file of at most `maxBytes` bytes as UTF-8. Symbolic links, directories, FIFOs, devices and
 * sockets are refused without reading a byte (so `x.yaml -> /dev/zero` or a FIFO cannot exhaust memory or hang),
 * as are larger files and bytes that are not UTF-8.
 */
export function readRegularFile(file: string, maxBytes: number): string {
  let fd: number;
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile()) throw new UnreadableFileError(`is ${fileKind(st)}`);
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw new UnreadableFileError("is a symbolic link");
    if (code === "ENOENT") throw new UnreadableFileError("does not exist");
    throw new UnreadableFileError(`cannot be opened (${code ?? "error"})`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new UnreadableFileError(`is ${fileKind(st)}`);
    if (st.size > maxBytes) throw new UnreadableFileError(`is ${st.size} bytes`);
    // Read at most one byte more than allowed: a file that grows after fstat is still bounded.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    while (n < buf.length) {
      const got = fs.readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) break;
      n += got;
    }
    if (n > maxBytes) throw new UnreadableFileError(`is more than ${maxBytes} bytes`);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(buf.subarray(0, n));
    } catch {
      throw new UnreadableFileError("is not valid UTF-8 text");
    }
  } finally {
    fs.closeSync(fd);
  }
}
