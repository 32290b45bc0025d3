/** 83.64 -> "1:23.6": a time to the tenth, rounded before the minutes are taken (59.96 -> "1:00.0", never "0:60.0"). */
export function clockTenths(seconds: number): string {
  const tenths = Math.max(0, Math.round(seconds * 10));
  const whole = Math.floor(tenths / 10);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}.${tenths % 10}`;
}

/** 75.9 -> "1:15": whole seconds cut, not rounded, as a browser's player counts them (the result page, the picture on it). */
export function clockSeconds(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds + 1e-6));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}
