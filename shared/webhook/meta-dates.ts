/**
 * Meta writes dates as Unix seconds (`disable_date`, `expiration`) or as prose ("January 31, 2021",
 * `waba_ban_date`), and its Java samples even carry the placeholder "<TIMESTAMP>" (docs/meta-webhooks.md quirk 4).
 * Readable dates become ISO-8601 (prose is read as UTC); anything else is kept exactly as received.
 */
export function metaDateToIso(input: string | number | null | undefined): string | undefined {
  if (input == null || input === '') return undefined;
  if (typeof input === 'number') return unixSecondsToIso(input) ?? String(input);
  const trimmed = input.trim();
  if (/^\d+$/.test(trimmed)) return unixSecondsToIso(Number(trimmed)) ?? input;
  if (!/\d{4}/.test(trimmed)) return input;
  const parsed = Date.parse(`${trimmed} UTC`);
  return Number.isFinite(parsed) && parsed > 0 && parsed <= LATEST_SECONDS * 1000
    ? new Date(parsed).toISOString()
    : input;
}

/** Dates past year 9999 are not dates Meta means (and `toISOString` would throw on them). */
const LATEST_SECONDS = 253_402_300_799;

function unixSecondsToIso(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > LATEST_SECONDS) return undefined;
  return new Date(seconds * 1000).toISOString();
}
