/** 83.64 -> "1:23.6": a time to the tenth, rounded before the minutes are taken (59.96 -> "1:00.0", never "0:60.0"). */
export function clockTenths(seconds: number): string {
  const tenths = Math.max(0, Math.round(seconds * 10));
  const whole = Math.floor(tenths / 10);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}.${tenths % 10}`;
}
