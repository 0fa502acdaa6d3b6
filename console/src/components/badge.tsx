/** A value with its meaning in colour and in words (colour alone never carries it). */
const TONE: Readonly<Record<string, string>> = {
  GREEN: 'good',
  HIGH: 'good',
  APPROVED: 'good',
  CONNECTED: 'good',
  AVAILABLE: 'good',
  OK: 'good',
  INFO: 'info',
  YELLOW: 'warn',
  MEDIUM: 'warn',
  WARNING: 'warn',
  FLAGGED: 'warn',
  RATE_LIMITED: 'warn',
  RED: 'bad',
  LOW: 'bad',
  CRITICAL: 'bad',
  PAUSED: 'bad',
  DISABLED: 'bad',
  RESTRICTED: 'bad',
  BANNED: 'bad',
  DISCONNECTED: 'bad',
  DENIED: 'bad',
  REJECTED: 'bad',
};

export function Badge({ value }: { value: string | undefined }) {
  if (!value) return <span class="muted">—</span>;
  return <span class={`badge ${TONE[value] ?? 'neutral'}`}>{value}</span>;
}
