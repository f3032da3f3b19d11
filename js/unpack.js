// A .wasm that a built module carries (scripts/build.sh): zlib-deflated by zopfli and in
// base64, in a constant appended as the bundle's last line (where gzip compresses it best).
// One request instead of two: the .wasm's could only start once the module had run
// (docs/size.md, "The machine inside the module").

// `packed` as a Response that WebAssembly.instantiateStreaming compiles as it inflates;
// undefined without one (the sources carry none), or where the browser has no
// DecompressionStream (then the .wasm beside the module is loaded, as before).
export function unpack(packed) {
  if (typeof packed !== "string" || typeof DecompressionStream !== "function") return undefined;
  const bytes = Uint8Array.fromBase64 ? Uint8Array.fromBase64(packed) : Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
  const body = new Response(bytes).body.pipeThrough(new DecompressionStream("deflate"));
  return new Response(body, { headers: { "Content-Type": "application/wasm" } });
}
