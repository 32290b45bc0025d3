// Types for the two untyped libraries the remix engine uses.

declare module "music-tempo" {
  interface MusicTempoParams {
    bufferSize?: number;
    hopSize?: number;
    timeStep?: number;
    minBeatInterval?: number;
    maxBeatInterval?: number;
    expiryTime?: number;
  }
  /** Beatroot beat tracking; throws (a string) when no tempo is found. */
  class MusicTempo {
    constructor(audioData: Float32Array | number[], params?: MusicTempoParams);
    /** Beats per minute, as a string with 3 decimals. */
    readonly tempo: string | number;
    /** Beat times, seconds. */
    readonly beats: number[];
    readonly beatInterval: number;
  }
  export default MusicTempo;
}

declare module "meyda/dist/node/utilities.js" {
  /** [numFilters][bufferSize / 2 + 1] triangular mel weights. */
  export function createMelFilterBank(numFilters: number, sampleRate: number, bufferSize: number): number[][];
  /** [numFilters][bufferSize / 2 + 1] Gaussian chroma weights. */
  export function createChromaFilterBank(numFilters: number, sampleRate: number, bufferSize: number): number[][];
}
