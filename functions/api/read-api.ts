import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { EntityKind } from '../../shared/events/quality-event.ts';
import { errorResponse, type HttpResponse, jsonResponse } from '../../shared/http/responses.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { PhoneNumberState, TemplateState } from '../../shared/state/entity-state.ts';
import { InvalidPageTokenError, type PageRequest, type ReadModel } from '../../shared/store/read-model.ts';
import { alertOf, historyEntryOf, phoneNumberOf, templateOf } from './api-items.ts';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

const COLLECTIONS: Readonly<Record<string, EntityKind>> = {
  'phone-numbers': 'phone-number',
  templates: 'template',
};

class BadRequestError extends Error {}

export type ReadApi = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

/** The read routes (README, "The read API") over the table. Paginated with `limit` and `nextToken`. */
export function createReadApi(
  model: Pick<ReadModel, 'listStates' | 'listAlerts' | 'history' | 'exists'>,
  logger: AppLogger,
): ReadApi {
  return async (event) => {
    if (event.requestContext.http.method !== 'GET') {
      return errorResponse(405, 'method_not_allowed', 'the read API only answers GET');
    }
    try {
      const page = pageRequestOf(event.queryStringParameters);
      const segments = event.rawPath.split('/').filter(Boolean).map(decodePathSegment);
      const [version, collection, id, sub, ...rest] = segments;
      if (version !== 'v1' || collection === undefined || rest.length > 0) return notFound(event.rawPath);

      if (collection === 'alerts' && id === undefined) {
        const result = await model.listAlerts(page);
        return jsonResponse(200, { items: result.items.map(alertOf), ...token(result.nextToken) });
      }
      const kind = COLLECTIONS[collection];
      if (kind === undefined) return notFound(event.rawPath);
      if (id === undefined) {
        const result = await model.listStates(kind, page);
        const items = result.items.map((state) =>
          kind === 'phone-number'
            ? phoneNumberOf(state as PhoneNumberState)
            : templateOf(state as TemplateState),
        );
        return jsonResponse(200, { items, ...token(result.nextToken) });
      }
      if (sub !== 'history') return notFound(event.rawPath);
      const entity = { kind, id };
      const result = await model.history(entity, page);
      if (result.items.length === 0 && page.nextToken === undefined && !(await model.exists(entity))) {
        return errorResponse(404, 'not_found', `no ${kind} with id ${id}`);
      }
      return jsonResponse(200, { items: result.items.map(historyEntryOf), ...token(result.nextToken) });
    } catch (error) {
      // DynamoDB refuses a start key that does not belong to the query: a token from another route.
      const refusedKey = error instanceof Error && error.name === 'ValidationException';
      if (error instanceof BadRequestError || error instanceof InvalidPageTokenError || refusedKey) {
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

function pageRequestOf(query: Record<string, string | undefined> | undefined): PageRequest {
  const rawLimit = query?.limit;
  const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit);
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
