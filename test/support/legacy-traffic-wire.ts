import type { TrafficFact } from '../../shared/traffic/traffic-facts.ts';
import type { WireFact } from '../../shared/traffic/traffic-wire.ts';

/**
 * The tuple the ingest queued for a fact before facts were sealed, to build batches of that form (the processor
 * still reads them: they may wait in the DLQ for 14 days).
 */
export function legacyWireFactOf(fact: TrafficFact, phone: number): WireFact {
  switch (fact.k) {
    case 'status':
      if (fact.e !== undefined) return ['s', phone, fact.c, fact.m, fact.s, fact.t, fact.pc ?? null, fact.e];
      return fact.pc !== undefined
        ? ['s', phone, fact.c, fact.m, fact.s, fact.t, fact.pc]
        : ['s', phone, fact.c, fact.m, fact.s, fact.t];
    case 'inbound':
      return ['i', phone, fact.c, fact.m, fact.t];
    case 'preference':
      return ['p', phone, fact.c, fact.v, fact.cat, fact.t];
  }
}
