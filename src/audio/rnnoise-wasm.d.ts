// @echogarden/rnnoise-wasm ships no types: its default export is an Emscripten module factory.
// src/audio/denoiser.ts declares the few functions of the module it calls.
declare module '@echogarden/rnnoise-wasm' {
  const createRnnoise: () => Promise<unknown>;
  export default createRnnoise;
}
