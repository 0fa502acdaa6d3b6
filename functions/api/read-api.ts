import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { labelOf } from '../../shared/alerts/entity-labels.ts';
import type { EntityKind } from '../../shared/events/quality-event.ts';
import { errorResponse, type HttpResponse, jsonResponse } from '../../shared/http/responses.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { EntityState } from '../../shared/state/entity-state.ts';
import type { MetricsReader } from '../../shared/store/metrics-reader.ts';
import { InvalidPageTokenError, type PageRequest, type ReadModel } from '../../shared/store/read-model.ts';
import type { TemplateInsightsStore } from '../../shared/store/template-insights-store.ts';
import { alertOf, businessOf, historyEntryOf, phoneNumberOf, templateOf } from './api-items.ts';
import { attentionWithIncidents, digestOf, incidentOf } from './incident-items.ts';
import { applyListQuery, isFilteredListing, ListQueryError, listQueryOf } from './list-query.ts';
import { phoneNumberMetrics } from './metrics-route.ts';
import { needsAttention } from './needs-attention.ts';
import { DEFAULT_SNAPSHOT_OPTIONS, type SnapshotOptions, StateSnapshots } from './state-snapshots.ts';
import { templateMetrics } from './template-metrics-route.ts';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

const COLLECTIONS: Readonly<Record<string, EntityKind>> = {
  'phone-numbers': 'phone-number',
  templates: 'template',
  businesses: 'business',
};

/** The fields a listing can be sorted by, per kind. */
const SORTABLE: Readonly<Record<EntityKind, readonly string[]>> = {
  'phone-number': [
    'displayPhoneNumber',
    'verifiedName',
    'wabaId',
    'status',
    'qualityRating',
    'messagingLimit',
    'updatedAt',
  ],
  template: ['name', 'language', 'wabaId', 'status', 'qualityScore', 'category', 'pauseCount', 'updatedAt'],
  business: ['wabaId', 'messagingLimit', 'banState', 'updatedAt'],
};

/** How many of the latest alerts `/v1/attention` reads to tell since when, and which limits were lowered. */
const ATTENTION_ALERTS = 1000;

/**
 * The console on AWS reaches this API through CloudFront at `/console/v1/...` (JWT-authorized routes); scripts
 * call `/v1/...` directly. Both are the same routes.
 */
const CONSOLE_PREFIX = '/console';

class BadRequestError extends Error {}

export type ReadApi = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

type Model = Pick<
  ReadModel,
  | 'listStates'
  | 'allStates'
  | 'getState'
  | 'listAlerts'
  | 'history'
  | 'exists'
  | 'listIncidents'
  | 'entityIncidents'
  | 'listDigests'
>;

export interface ReadApiOptions {
  /** How long the in-memory copy of each kind's states serves filtered listings (see StateSnapshots). */
  readonly snapshots?: SnapshotOptions;
  /** Engagement metrics (message tracking); without it the metrics routes answer 404. */
  readonly metrics?: Pick<MetricsReader, 'phoneNumberBuckets'>;
  /** Template insights (read by the poller); without it the template metrics route answers 404. */
  readonly templateInsights?: Pick<TemplateInsightsStore, 'templateDays'>;
}

/** The read routes (README, "The read API") over the table. Paginated with `limit` and `nextToken`. */
export function createReadApi(model: Model, logger: AppLogger, options: ReadApiOptions = {}): ReadApi {
  const { metrics, templateInsights } = options;
  const snapshots = new StateSnapshots(
    (kind) => model.allStates(kind),
    options.snapshots ?? DEFAULT_SNAPSHOT_OPTIONS,
  );
  return async (event) => {
    if (event.requestContext.http.method !== 'GET') {
      return errorResponse(405, 'method_not_allowed', 'the read API only answers GET');
    }
    try {
      const query = event.queryStringParameters;
      const page = pageRequestOf(query);
      const path = withoutConsolePrefix(event.rawPath);
      const segments = path.split('/').filter(Boolean).map(decodePathSegment);
      const [version, collection, id, sub, ...rest] = segments;
      if (version !== 'v1' || collection === undefined || rest.length > 0) return notFound(event.rawPath);

      if (id === undefined) {
        if (collection === 'alerts') {
          const filter = {
            severity: query?.severity,
            kind: query?.kind,
            wabaId: query?.wabaId,
            entityId: query?.entityId,
          };
          const result = await model.listAlerts(page, filter);
          return jsonResponse(200, { items: result.items.map(alertOf), ...token(result.nextToken) });
        }
        if (collection === 'incidents') {
          const state = query?.state || 'open';
          if (state !== 'open' && state !== 'resolved')
            throw new BadRequestError('state must be open or resolved');
          const result = await model.listIncidents(state, page, {
            wabaId: query?.wabaId,
            severity: query?.severity,
          });
          return jsonResponse(200, { items: result.items.map(incidentOf), ...token(result.nextToken) });
        }
        if (collection === 'digests') {
          const result = await model.listDigests(page);
          return jsonResponse(200, { items: result.items.map(digestOf), ...token(result.nextToken) });
        }
        if (collection === 'attention') return jsonResponse(200, await attentionOf(model, snapshots));
        if (collection === 'wabas') return jsonResponse(200, await wabasOf(snapshots));
      }
      const kind = COLLECTIONS[collection];
      if (kind === undefined) return notFound(event.rawPath);
      if (id === undefined) {
        if (isFilteredListing(query)) {
          const listQuery = listQueryOf(query, page.limit, SORTABLE[kind]);
          const items = (await snapshots.get(kind)).map(itemOf);
          return jsonResponse(200, applyListQuery(items, listQuery));
        }
        const result = await model.listStates(kind, page);
        return jsonResponse(200, { items: result.items.map(itemOf), ...token(result.nextToken) });
      }
      const entity = { kind, id };
      if (sub === undefined) {
        const state = await model.getState(entity);
        return state
          ? jsonResponse(200, itemOf(state))
          : errorResponse(404, 'not_found', `no ${kind} with id ${id}`);
      }
      if (sub === 'metrics' && kind === 'phone-number' && metrics)
        return await phoneNumberMetrics(metrics, id, query, Date.now());
      if (sub === 'incidents') {
        const result = await model.entityIncidents(entity, page);
        if (result.items.length === 0 && page.nextToken === undefined && !(await model.exists(entity))) {
          return errorResponse(404, 'not_found', `no ${kind} with id ${id}`);
        }
        return jsonResponse(200, { items: result.items.map(incidentOf), ...token(result.nextToken) });
      }
      if (sub === 'metrics' && kind === 'template' && templateInsights)
        return await templateMetrics(templateInsights, id, query, Date.now());
      if (sub !== 'history') return notFound(event.rawPath);
      const range = { from: timeOf(query, 'since'), to: timeOf(query, 'until') };
      const result = await model.history(entity, page, range);
      if (result.items.length === 0 && page.nextToken === undefined && !(await model.exists(entity))) {
        return errorResponse(404, 'not_found', `no ${kind} with id ${id}`);
      }
      return jsonResponse(200, { items: result.items.map(historyEntryOf), ...token(result.nextToken) });
    } catch (error) {
      // DynamoDB refuses a start key that does not belong to the query: a token from another route.
      const refusedKey = error instanceof Error && error.name === 'ValidationException';
      if (
        error instanceof BadRequestError ||
        error instanceof InvalidPageTokenError ||
        error instanceof ListQueryError ||
        refusedKey
      ) {
        return errorResponse(400, 'bad_request', error.message);
      }
      logger.error('read API request failed', {
        path: event.rawPath,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      return errorResponse(500, 'internal_error', 'the request could not be answered');
    }
  };
}

function itemOf(state: EntityState) {
  switch (state.kind) {
    case 'phone-number':
      return phoneNumberOf(state);
    case 'template':
      return templateOf(state);
    case 'business':
      return businessOf(state);
  }
}

async function attentionOf(model: Model, snapshots: StateSnapshots) {
  const [phoneNumbers, templates, businesses, alerts, open] = await Promise.all([
    snapshots.get('phone-number'),
    snapshots.get('template'),
    snapshots.get('business'),
    model.listAlerts({ limit: ATTENTION_ALERTS }),
    model.listIncidents('open', { limit: MAX_LIMIT }),
  ]);
  const derived = needsAttention({
    phoneNumbers: phoneNumbers.map(itemOf),
    templates: templates.map(itemOf),
    businesses: businesses.map(itemOf),
    alerts: alerts.items,
  });
  // Once incidents exist, the open ones are what needs attention (with what state alone tells added).
  const items =
    open.items.length === 0
      ? derived
      : attentionWithIncidents(
          derived,
          open.items,
          new Map([...phoneNumbers, ...templates, ...businesses].map((state) => [state.id, labelOf(state)])),
        );
  return { items, total: items.length };
}

/** Every WABA the table knows, with how many phone numbers and templates it has and its portfolio limit. */
async function wabasOf(snapshots: StateSnapshots) {
  const [phoneNumbers, templates, businesses] = await Promise.all([
    snapshots.get('phone-number'),
    snapshots.get('template'),
    snapshots.get('business'),
  ]);
  const wabas = new Map<
    string,
    { wabaId: string; phoneNumbers: number; templates: number; messagingLimit?: string }
  >();
  const waba = (wabaId: string) => {
    const entry = wabas.get(wabaId) ?? { wabaId, phoneNumbers: 0, templates: 0 };
    wabas.set(wabaId, entry);
    return entry;
  };
  for (const state of phoneNumbers) waba(state.wabaId).phoneNumbers++;
  for (const state of templates) waba(state.wabaId).templates++;
  for (const state of businesses) {
    const limit = state.kind === 'business' ? state.messagingLimit : undefined;
    if (limit) waba(state.wabaId).messagingLimit = limit;
    else waba(state.wabaId);
  }
  const items = [...wabas.values()].sort((a, b) => (a.wabaId < b.wabaId ? -1 : 1));
  return { items, total: items.length };
}

function withoutConsolePrefix(path: string): string {
  return path === CONSOLE_PREFIX || path.startsWith(`${CONSOLE_PREFIX}/`)
    ? path.slice(CONSOLE_PREFIX.length)
    : path;
}

/** `since` / `until`: ISO-8601 or epoch milliseconds. */
function timeOf(query: Record<string, string | undefined> | undefined, name: string): number | undefined {
  const value = query?.[name];
  if (value === undefined || value === '') return undefined;
  const time = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(time))
    throw new BadRequestError(`${name} must be an ISO-8601 time or epoch milliseconds`);
  return time;
}

function pageRequestOf(query: Record<string, string | undefined> | undefined): PageRequest {
  const rawLimit = query?.limit;
  // Plain decimal digits only: Number() would also read `1e2`, `0x10`, ` 5 ` and `5.0`.
  const limit =
    rawLimit === undefined ? DEFAULT_LIMIT : /^[1-9]\d{0,3}$/.test(rawLimit) ? Number(rawLimit) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new BadRequestError(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  const nextToken = query?.nextToken;
  return nextToken === undefined || nextToken === '' ? { limit } : { limit, nextToken };
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadRequestError('the path is not valid URL encoding');
  }
}

const token = (nextToken: string | undefined) => (nextToken ? { nextToken } : {});

const notFound = (path: string) => errorResponse(404, 'not_found', `no route for GET ${path}`);
