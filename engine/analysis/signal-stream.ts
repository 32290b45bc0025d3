import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { analyseBeatsFromFrames, analyseSignal, type SignalAnalysis } from "./beats.ts";
import { frameFeatureBuilder } from "./features.ts";
import { ANALYSIS_RATE } from "./signal.ts";
import { stage } from "../stages.ts";

/**
 * analyseSignal of a song that arrives in pieces (a decoder's output, in the job's second thread): each piece's
 * mono analysis copy and frame features are computed as it comes, so that most of the analysis is done by the time
 * the song is whole; `finish` adds the rest and the beats. Bit for bit analyseSignal's result: the analysis copy is
 * downmix and decimate's arithmetic sample by sample, the frames frameFeatureBuilder's. For one or two channels;
 * other songs are analysed whole by `finish`.
 */
export interface SignalAnalysisStream {
  /** The song so far: the same samples as last time, and more (a decoder's growing buffers). */
  advance(channels: readonly Float32Array[], length: number): void;
  /** The analysis of the whole song, whose first samples are those advanced over. */
  finish(audio: PcmAudio): SignalAnalysis;
}

export function signalAnalysisStream(sampleRate: number, channelCount: number): SignalAnalysisStream {
  const factor = Math.max(1, Math.floor(sampleRate / ANALYSIS_RATE));
  const streamed = channelCount === 1 || channelCount === 2;
  let frames: ReturnType<typeof frameFeatureBuilder> | undefined;
  let samples = new Float32Array(0);
  let made = 0;

  const extend = (channels: readonly Float32Array[], length: number) => {
    const until = Math.floor(length / factor);
    if (until > samples.length) {
      const grown = new Float32Array(Math.max(until, Math.ceil(samples.length * 1.5)));
      grown.set(samples.subarray(0, made));
      samples = grown;
    }
    const [first, second] = channels as [Float32Array, Float32Array | undefined];
    if (second) decimateStereo(first, second, samples, made, until, factor);
    else decimateMono(first, samples, made, until, factor);
    made = until;
  };

  return {
    advance(channels, length) {
      if (!streamed || channels.length !== channelCount) return;
      if (frames === undefined) {
        // A decoder's buffer is sized for the whole song: the arrays here are sized from it once.
        const expected = Math.max(length, (channels[0]?.buffer.byteLength ?? 0) / Float32Array.BYTES_PER_ELEMENT);
        samples = new Float32Array(Math.floor(expected / factor));
        frames = frameFeatureBuilder(sampleRate / factor, samples.length);
      }
      extend(channels, length);
      frames.advance(samples.subarray(0, made), false);
    },
    finish(audio) {
      const length = frameCount(audio);
      const whole =
        audio.channels.length === channelCount &&
        made * factor <= length &&
        audio.channels.every((c) => c.length === length);
      if (!streamed || !whole || audio.sampleRate !== sampleRate) return analyseSignal(audio);
      extend(audio.channels, length);
      const signalSamples = made === samples.length ? samples : samples.slice(0, made);
      const builder = frames ?? frameFeatureBuilder(sampleRate / factor);
      stage("signal stream: decoded part done");
      builder.advance(signalSamples, true);
      const features = builder.result();
      return {
        signal: { samples: signalSamples, sampleRate: sampleRate / factor, factor },
        frames: features,
        beats: analyseBeatsFromFrames(sampleRate, length, signalSamples, features, factor),
      };
    },
  };
}

/**
 * samples[i] for i in [from, to): analysisSignal's downmix (fround(a + b) * 0.5, stored as float32) and box decimation
 * (the factor's values summed from 0 in order, divided by the factor), written out for two channels: the same
 * arithmetic, without a call per input sample.
 */
function decimateStereo(
  first: Float32Array,
  second: Float32Array,
  samples: Float32Array,
  from: number,
  to: number,
  factor: number,
): void {
  for (let i = from; i < to; i++) {
    if (factor === 1) samples[i] = Math.fround(Math.fround(first[i]! + second[i]!) * 0.5);
    else {
      let sum = 0;
      for (let j = i * factor; j < (i + 1) * factor; j++) sum += Math.fround(Math.fround(first[j]! + second[j]!) * 0.5);
      samples[i] = sum / factor;
    }
  }
}

/** decimateStereo for one channel (the downmix is the channel itself). */
function decimateMono(channel: Float32Array, samples: Float32Array, from: number, to: number, factor: number): void {
  for (let i = from; i < to; i++) {
    if (factor === 1) samples[i] = channel[i]!;
    else {
      let sum = 0;
      for (let j = i * factor; j < (i + 1) * factor; j++) sum += channel[j]!;
      samples[i] = sum / factor;
    }
  }
}
