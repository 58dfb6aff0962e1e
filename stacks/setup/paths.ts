import { accessSync, constants, mkdirSync, realpathSync, type Stats, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "./args";

/**
 * Path arguments of the setup command, checked before anything is read or written: one line
 * naming the option, the path and what is wrong (exit 2). Node's `mkdirSync(dir, { recursive:
 * true })` never returns for a path under /proc: the kernel answers ENOENT for the child of an
 * existing directory, and Node's walk (src/node_file.cc, MKDirpSync) takes ENOENT to mean "make
 * the parent first", finds the parent exists, and retries the child forever. So the kernel's
 * file systems are refused by name and directories are made one level at a time.
 */
const KERNEL_FILE_SYSTEMS = ["/proc", "/sys", "/dev"];

const under = (p: string, root: string) => p === root || p.startsWith(`${root}/`);

/** The path's stat, undefined when it does not exist; one line when it cannot be looked at. */
function statOf(option: string, given: string, p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new UsageError(`${option} ${given}: ${p} cannot be looked at (${code === "EACCES" ? "permission denied" : code})`);
  }
}

/** The nearest existing ancestor of `p` (itself when it exists), and its real path. */
function nearestExisting(option: string, given: string, p: string): { existing: string; real: string; stat: Stats } {
  let current = p;
  for (;;) {
    const stat = statOf(option, given, current);
    if (stat) return { existing: current, real: realpathSync(current), stat };
    const parent = path.dirname(current);
    if (parent === current) throw new UsageError(`${option} ${given}: no part of the path exists`);
    current = parent;
  }
}

function refuseKernelFileSystem(option: string, given: string, real: string): void {
  const root = KERNEL_FILE_SYSTEMS.find((r) => under(real, r) || under(path.resolve(given), r));
  if (root) throw new UsageError(`${option} ${given}: inside ${root}, a file system of the kernel, not a place for files`);
}

function writable(option: string, given: string, dir: string): void {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "EROFS" ? "on a read-only file system" : "not writable by you";
    throw new UsageError(`${option} ${given}: ${dir === path.resolve(given) ? "it is" : `${dir} is`} ${why}`);
  }
}

/** A directory the step will create (if missing) and write into; `given` is what the owner typed. */
export function checkWritableDir(option: string, given: string, dir = path.resolve(given)): string {
  const { existing, real, stat } = nearestExisting(option, given, dir);
  refuseKernelFileSystem(option, given, real);
  if (!stat.isDirectory())
    throw new UsageError(
      existing === path.resolve(given)
        ? `${option} ${given}: a file, not a directory`
        : `${option} ${given}: ${existing} is a file, not a directory (nothing can be made inside it)`,
    );
  writable(option, given, existing);
  return dir;
}

/** A file the step will write (never over an existing one: the step itself refuses that). */
export function checkWritableFile(option: string, given: string): string {
  const file = path.resolve(given);
  refuseKernelFileSystem(option, given, file);
  if (statOf(option, given, file)?.isDirectory()) throw new UsageError(`${option} ${given}: a directory, not a file`);
  checkWritableDir(option, given, path.dirname(file));
  return file;
}

/** Reads at most this much: an outputs file or state is kilobytes; a device could be endless. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** A regular file the step reads (a FIFO or a device would block or never end). */
export function checkReadableFile(option: string, given: string): string {
  const file = path.resolve(given);
  const { existing, real, stat } = nearestExisting(option, given, file);
  refuseKernelFileSystem(option, given, real);
  if (existing !== file) throw new UsageError(`${option} ${given}: no such file`);
  if (stat.isDirectory()) throw new UsageError(`${option} ${given}: a directory, not a file`);
  if (!stat.isFile()) throw new UsageError(`${option} ${given}: not a regular file (a device, pipe or socket)`);
  if (stat.size > MAX_INPUT_BYTES) throw new UsageError(`${option} ${given}: ${stat.size} bytes, more than an outputs file holds`);
  try {
    accessSync(file, constants.R_OK);
  } catch {
    throw new UsageError(`${option} ${given}: not readable by you`);
  }
  return file;
}

/** `mkdir -p` one level at a time (new levels get `mode`): a bounded walk, unlike Node's under /proc. */
export function makeDirs(dir: string, mode = 0o700): void {
  const absolute = path.resolve(dir);
  const { existing } = nearestExisting("directory", dir, absolute);
  const missing = path.relative(existing, absolute).split(path.sep).filter(Boolean);
  let current = existing;
  for (const part of missing) {
    current = path.join(current, part);
    mkdirSync(current, { mode });
  }
}
