// The session machine's module (crates/machine): one instance per page, one machine per
// client, spoken to in bytes. This file only writes inputs and reads outputs; what they mean
// and every layout is crates/machine/src/protocol.rs's, and every decision is the machine's.
import { jwtPayload } from "../crates/web/src/net.js";

let wasm; // the instance's exports
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// The module's imports (from "./tokenward_bg.js", as a bundler's WebAssembly ES module
// integration finds them): the clocks, and the browser's parsers for a token's payload segment
// (written back as a body: see body()).
export const now_wall = () => Date.now();
export const now_mono = () => performance.now();
export function payload(ptr, len) {
  body(jwtPayload(decoder.decode(new Uint8Array(wasm.memory.buffer, ptr, len))));
  flush();
}
export const imports = { "./tokenward_bg.js": { now_wall, now_mono, payload } };

// The instance to speak to (its exports), once instantiated.
export function link(exports) {
  wasm = exports;
}

export const linked = () => wasm !== undefined;

// The input being written, flushed into the module's input buffer before each call.
let buf = new Uint8Array(1024);
let view = new DataView(buf.buffer);
let len = 0;
function room(n) {
  if (len + n > buf.length) {
    const grown = new Uint8Array(2 * (len + n));
    grown.set(buf);
    buf.fill(0);
    buf = grown;
    view = new DataView(buf.buffer);
  }
}
export function u8(v) {
  room(1);
  buf[len++] = v;
}
export const flag = (v) => u8(v ? 1 : 0);
export function u32(v) {
  room(4);
  view.setUint32(len, v >>> 0, true);
  len += 4;
}
export function f64(v) {
  room(8);
  view.setFloat64(len, v, true);
  len += 8;
}
// Milliseconds, or none (null, undefined: -1).
export const ms = (v) => f64(v == null ? -1 : v);
export function str(s) {
  const bytes = encoder.encode(s);
  u32(bytes.length);
  room(bytes.length);
  buf.set(bytes, len);
  len += bytes.length;
}
export const opt = (s) => (s == null ? u8(0) : (u8(1), str(s)));

// A parsed JSON body (undefined: not JSON) as its members: strings, numbers, lists of
// strings, anything else as "other" (the machine reads no deeper).
export function body(v) {
  if (v === undefined) return u8(0);
  if (v === null || typeof v !== "object" || Array.isArray(v)) return u8(1);
  u8(2);
  const keys = Object.keys(v);
  u32(keys.length);
  for (const k of keys) {
    str(k);
    const x = v[k];
    if (typeof x === "string") (u8(1), str(x));
    else if (typeof x === "number") (u8(2), f64(x));
    else if (Array.isArray(x)) {
      const strings = x.filter((e) => typeof e === "string");
      u8(3);
      u32(strings.length);
      strings.forEach(str);
    } else u8(4);
  }
}

// Hands the input to the module. The shell's buffer keeps no copy: an input may carry
// credentials or a token.
function flush() {
  const at = wasm.alloc(len);
  new Uint8Array(wasm.memory.buffer, at, len).set(buf.subarray(0, len));
  buf.fill(0, 0, len);
  len = 0;
}

// What the last call wrote, copied (acting on it may call the module again).
function output() {
  return new Reader(new Uint8Array(wasm.memory.buffer, wasm.out_ptr(), wasm.out_len()).slice());
}

export class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = 0;
  }
  get done() {
    return this.at >= this.bytes.length;
  }
  u8() {
    return this.bytes[this.at++];
  }
  flag() {
    return this.u8() === 1;
  }
  // Past the end (the output of a machine that is gone): 0, and -1 (none).
  u32() {
    const at = (this.at += 4) - 4;
    return this.at <= this.bytes.length ? this.view.getUint32(at, true) : 0;
  }
  f64() {
    const at = (this.at += 8) - 8;
    return this.at <= this.bytes.length ? this.view.getFloat64(at, true) : -1;
  }
  // Milliseconds, or null.
  ms() {
    const v = this.f64();
    return v < 0 ? null : v;
  }
  str() {
    const n = this.u32();
    const s = decoder.decode(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }
  // A string, or undefined.
  opt() {
    return this.flag() ? this.str() : undefined;
  }
}

// A machine for the options written before this call (protocol::options): its handle.
export function create() {
  flush();
  return wasm.create();
}

export const destroy = (id) => wasm.destroy(id);

// The input written before this call to machine `id`: [the timer's delay (-1: none), the
// output (whether the clock jumped, then the actions)].
export function handle(id) {
  flush();
  const delay = wasm.handle(id);
  return [delay, output()];
}

// What the getters read (protocol::state).
export function state(id) {
  wasm.state(id);
  return output();
}

// auth.fetch's gate: [0 send, 1 wait, 2 refresh first; the output: the token's generation
// (-1: none), then the token unless its generation is `known`].
export function gate(id, known, refreshed) {
  const g = wasm.gate(id, known, refreshed ? 1 : 0);
  return [g, output()];
}

// The verdict on auth.fetch's answer: 0 the caller's, 1 resend, 2 refresh, then resend.
export function answered(id, status, code, sentWith, resent) {
  opt(code);
  flush();
  return wasm.answered(id, status, sentWith ?? -1, resent ? 1 : 0);
}

// Whether the verdict on an answer with `status` needs the body's `code`.
export const consult = (status) => wasm.consult(status) === 1;

// The endpoints' keys and default paths, "key path key path …" (protocol::endpoints).
export function endpoints() {
  wasm.endpoints();
  return output().str();
}

// The statuses of auth.fetch's answers the machine may retry (protocol::consulted).
export function consulted() {
  wasm.consulted();
  const r = output();
  const list = [];
  for (let n = r.u32(); n > 0; n--) list.push(r.u32());
  return list;
}

// The error of a request that got no reply: `kind` 0 timeout, 1 aborted, 2 network, 3 could
// not be made (with `message`), as the machine words it; read with objects.js's readError.
export function failed(kind, message) {
  u8(kind);
  str(message ?? "");
  flush();
  wasm.failed();
  return output();
}
