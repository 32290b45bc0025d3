// Types for the untyped libraries the analysis uses.

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

// music-tempo's stages, run one by one by engine/analysis/music-tempo-track.ts (each module exports one class of
// static methods; plain arrays in and out).
declare module "music-tempo/dist/node/OnsetDetection.js" {
  const OnsetDetection: {
    normalize(data: number[]): void;
    findPeaks(data: number[], params: object): number[];
  };
  export default OnsetDetection;
}

declare module "music-tempo/dist/node/TempoInduction.js" {
  interface Clusters {
    clIntervals: number[];
    clSizes: number[];
  }
  const TempoInduction: {
    processRhythmicEvents(events: number[], params: object): Clusters;
    mergeClusters(clusters: Clusters, params: object): Clusters;
    calculateScore(clusters: Clusters, params: object): { clScores: number[]; clScoresIdxs: number[] };
    createTempoList(clusters: Clusters & { clScores: number[]; clScoresIdxs: number[] }, params: object): number[];
  };
  export default TempoInduction;
}

declare module "music-tempo/dist/node/BeatTracking.js" {
  const BeatTracking: {
    // biome-ignore lint/suspicious/noExplicitAny: the library's Agent objects, typed where they are read
    trackBeat(events: number[], eventScores: number[], tempoList: number[], params: object): any[];
  };
  export default BeatTracking;
}

declare module "music-tempo/dist/node/FFT.js" {
  const FFT: { getHammingWindow(bufferSize: number): number[] };
  export default FFT;
}

declare module "@echogarden/pffft-wasm/simd" {
  /** The parts of PFFFT's Emscripten module fft.ts calls (pointers are byte offsets into HEAPF32's memory). */
  interface PffftModule {
    readonly HEAPF32: Float32Array;
    _pffft_new_setup(size: number, transform: number): number;
    _pffft_aligned_malloc(bytes: number): number;
    _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
  }
  export default function createModule(): Promise<PffftModule>;
}
