/**
 * Edits of the config files the apps read their keys from, as pure functions of the file's text
 * (undefined: no file yet). Each touches only its own keys and keeps every other line, so a
 * file the app wrote stays the app's. Runs in the `<app>-keys` job (wire/seed.ts), before the
 * app starts; sources of each format in constructs/app-api.ts.
 */
import { pbkdf2Sync, randomBytes } from "node:crypto";

/** INI (configobj, QSettings): sets `key` in `[section]`, adding the section or the key when missing. */
export function setIni(text: string | undefined, section: string, key: string, value: string, separator = "="): string {
  const lines = (text ?? "").split("\n");
  if (lines.at(-1) === "") lines.pop();
  const header = `[${section}]`;
  let start = lines.findIndex((l) => l.trim() === header);
  if (start < 0) {
    if (lines.length > 0) lines.push("");
    lines.push(header);
    start = lines.length - 1;
  }
  let end = lines.findIndex((l, i) => i > start && /^\s*\[/.test(l));
  if (end < 0) end = lines.length;
  const line = `${key}${separator}${value}`;
  const at = lines.findIndex((l, i) => i > start && i < end && l.split(separator.trim())[0]?.trim() === key);
  if (at >= 0) lines[at] = line;
  else lines.splice(end > start + 1 && lines[end - 1] === "" ? end - 1 : end, 0, line);
  return `${lines.join("\n")}\n`;
}

/** The value of `key` in `[section]`, or undefined. */
export function getIni(text: string | undefined, section: string, key: string, separator = "="): string | undefined {
  let inSection = false;
  for (const l of (text ?? "").split("\n")) {
    if (/^\s*\[/.test(l)) inSection = l.trim() === `[${section}]`;
    else if (inSection && l.split(separator.trim())[0]?.trim() === key) return l.slice(l.indexOf(separator.trim()) + 1).trim();
  }
  return undefined;
}

/** YAML with a top-level mapping `block`: sets its 2-space indented scalar `key` (Bazarr's config.yaml). */
export function setYamlKey(text: string | undefined, block: string, key: string, value: string): string {
  const lines = (text ?? "").split("\n");
  if (lines.at(-1) === "") lines.pop();
  const line = `  ${key}: ${value}`;
  const start = lines.indexOf(`${block}:`);
  if (start < 0) return `${[...lines, `${block}:`, line].join("\n")}\n`;
  let end = lines.findIndex((l, i) => i > start && l !== "" && !l.startsWith(" "));
  if (end < 0) end = lines.length;
  const at = lines.findIndex((l, i) => i > start && i < end && l.startsWith(`  ${key}:`));
  if (at >= 0) lines[at] = line;
  else lines.splice(start + 1, 0, line);
  return `${lines.join("\n")}\n`;
}

/** The scalar `key` of the top-level mapping `block`, or undefined. */
export function getYamlKey(text: string | undefined, block: string, key: string): string | undefined {
  const lines = (text ?? "").split("\n");
  const start = lines.indexOf(`${block}:`);
  if (start < 0) return undefined;
  for (const l of lines.slice(start + 1)) {
    if (l !== "" && !l.startsWith(" ")) return undefined;
    if (l.startsWith(`  ${key}:`)) return l.slice(key.length + 3).trim();
  }
  return undefined;
}

/** JSON: sets `path` (e.g. ["main", "apiKey"]), creating objects on the way. */
export function setJson(text: string | undefined, path: readonly string[], value: string): string {
  const root = text?.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
  let node: Record<string, unknown> = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1) as string] = value;
  return `${JSON.stringify(root, null, 2)}\n`;
}

/** qBittorrent's stored password: base64(salt):base64(PBKDF2-SHA512(password, salt, 100000, 64)), as password.cpp writes it. */
export function qbittorrentPasswordHash(password: string, salt: Buffer = randomBytes(16)): string {
  const hash = pbkdf2Sync(password, salt, 100000, 64, "sha512");
  return `${salt.toString("base64")}:${hash.toString("base64")}`;
}

/** Whether a stored qBittorrent hash (with or without `@ByteArray(...)`) is of this password. */
export function qbittorrentPasswordMatches(stored: string | undefined, password: string): boolean {
  const inner = /^"?@ByteArray\((.*)\)"?$/.exec(stored ?? "")?.[1] ?? stored;
  const [salt, hash] = (inner ?? "").split(":");
  if (!salt || !hash) return false;
  return qbittorrentPasswordHash(password, Buffer.from(salt, "base64")) === `${salt}:${hash}`;
}
