/** How the meeting's timers read: `7:05`, `1:02:30`, `10 min`, `1 h 30 min`. */

/** A duration as a clock: `m:ss` under an hour, `h:mm:ss` from there; whole seconds, rounded down. */
export const formatClock = (ms: number): string => {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
};

/** A budget in minutes as people write it: `10 min`, `1 h`, `1 h 30 min`, `90 s`. */
export const formatMinutes = (minutes: number): string => {
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  const whole = Math.round(minutes);
  const h = Math.floor(whole / 60);
  const m = whole % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
};

/** The remaining time of a timer (`3:10 left`) or its overrun (`2:05 over`). */
export const formatRemaining = (remainingMs: number): string =>
  remainingMs >= 0 ? `${formatClock(remainingMs)} left` : `${formatClock(-remainingMs)} over`;
