/**
 * Identity attributes (display number, phone number id, template name and language) are not versioned: every
 * source describes the same thing, only more or less richly. A webhook gives "15550783881", a poll
 * "+1 555-078-3881"; the formatted form wins, whatever arrived last. The join is commutative, so arrival order
 * does not matter.
 */
export function preferRicher(current: string | undefined, incoming: string | undefined): string | undefined {
  if (incoming === undefined || incoming === '') return current;
  if (current === undefined || current === '') return incoming;
  const score = (text: string) => [/\D/.test(text) ? 1 : 0, text.length] as const;
  const [cf, cl] = score(current);
  const [inf, inl] = score(incoming);
  if (inf !== cf) return inf > cf ? incoming : current;
  if (inl !== cl) return inl > cl ? incoming : current;
  return incoming > current ? incoming : current;
}
