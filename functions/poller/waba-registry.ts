/**
 * What the poller remembers about each WABA between runs: whether it is still found, when it was last polled
 * and last polled successfully, and its Graph API call budget. One item per WABA; a WABA that disappears is
 * marked removed, never deleted, so its history (and its quality state, in the main table) is kept.
 */
export interface WabaPollState {
  readonly wabaId: string;
  /** Found (or configured) by the latest planner run. */
  readonly active: boolean;
  readonly firstSeenAt: number;
  readonly removedAt?: number;
  readonly lastPolledAt?: number;
  readonly lastSucceededAt?: number;
  readonly lastStatus?: string;
  /** Start of the current hour of the call budget (epoch ms). */
  readonly budgetWindowStart?: number;
  /** Graph API calls made in that hour. */
  readonly budgetCalls?: number;
  /** Calls the last poll took: what the next one is expected to take. */
  readonly lastCalls?: number;
  /** Meta throttled this WABA or its budget is spent: no poll before this time (epoch ms). */
  readonly deferredUntil?: number;
  /** One digest per record the last successful poll read: the next poll sends only what changed. */
  readonly recordFingerprints?: readonly string[];
  /** When every record was last sent, changed or not (a daily full snapshot heals anything lost). */
  readonly lastFullPollAt?: number;
  /** Template insights last read successfully (read again a day later, from that day on). */
  readonly insightsReadAt?: number;
  /** Meta said the WABA's template insights are not available (not enabled, or an excluded region). */
  readonly insightsUnavailableAt?: number;
  readonly insightsUnavailableReason?: string;
}

/** What a worker writes after a poll (or a decision not to poll). */
export interface PollRecord {
  readonly at: number;
  readonly status: string;
  readonly succeeded: boolean;
  readonly budgetWindowStart: number;
  readonly budgetCalls: number;
  readonly lastCalls: number;
  /** Undefined clears a past deferral. */
  readonly deferredUntil?: number;
  /** Set after a successful poll; otherwise the previous ones are kept. */
  readonly recordFingerprints?: readonly string[];
  /** This poll sent every record. */
  readonly fullPoll?: boolean;
  /** Template insights were read (clears a past "not available"). */
  readonly insightsReadAt?: number;
  /** Template insights were refused as not available, for this reason. */
  readonly insightsUnavailable?: { readonly at: number; readonly reason: string };
}

export interface WabaRegistry {
  list(): Promise<WabaPollState[]>;
  get(wabaId: string): Promise<WabaPollState | undefined>;
  /** Found this run: created, or reactivated if it had been removed (its first sighting is kept). */
  markActive(wabaIds: readonly string[], at: number): Promise<void>;
  /** No longer found: stops being polled, its item is kept. */
  markRemoved(wabaIds: readonly string[], at: number): Promise<void>;
  recordPoll(wabaId: string, record: PollRecord): Promise<void>;
}

/** The registry in memory: `npm start` (whose data is gone when it stops anyway), the bench and the tests. */
export class InMemoryWabaRegistry implements WabaRegistry {
  readonly items = new Map<string, WabaPollState>();

  async list(): Promise<WabaPollState[]> {
    return [...this.items.values()];
  }

  async get(wabaId: string): Promise<WabaPollState | undefined> {
    return this.items.get(wabaId);
  }

  async markActive(wabaIds: readonly string[], at: number): Promise<void> {
    for (const wabaId of wabaIds) {
      const { removedAt: _removed, ...known } = this.items.get(wabaId) ?? { wabaId, firstSeenAt: at };
      this.items.set(wabaId, { ...known, active: true });
    }
  }

  async markRemoved(wabaIds: readonly string[], at: number): Promise<void> {
    for (const wabaId of wabaIds) {
      const known = this.items.get(wabaId);
      if (known) this.items.set(wabaId, { ...known, active: false, removedAt: at });
    }
  }

  async recordPoll(wabaId: string, record: PollRecord): Promise<void> {
    const { deferredUntil: _past, ...known }: WabaPollState = this.items.get(wabaId) ?? {
      wabaId,
      active: true,
      firstSeenAt: record.at,
    };
    this.items.set(wabaId, {
      ...known,
      lastPolledAt: record.at,
      lastStatus: record.status,
      ...(record.succeeded ? { lastSucceededAt: record.at } : {}),
      budgetWindowStart: record.budgetWindowStart,
      budgetCalls: record.budgetCalls,
      lastCalls: record.lastCalls,
      ...(record.deferredUntil !== undefined ? { deferredUntil: record.deferredUntil } : {}),
      ...(record.recordFingerprints ? { recordFingerprints: [...record.recordFingerprints] } : {}),
      ...(record.fullPoll ? { lastFullPollAt: record.at } : {}),
    });
    const updated = this.items.get(wabaId) as WabaPollState;
    if (record.insightsReadAt !== undefined) {
      const { insightsUnavailableAt: _at, insightsUnavailableReason: _reason, ...available } = updated;
      this.items.set(wabaId, { ...available, insightsReadAt: record.insightsReadAt });
    } else if (record.insightsUnavailable) {
      this.items.set(wabaId, {
        ...updated,
        insightsUnavailableAt: record.insightsUnavailable.at,
        insightsUnavailableReason: record.insightsUnavailable.reason,
      });
    }
  }
}
