/**
 * The Graph API version polled when none is configured (CDK context `graphApiVersion`, `GRAPH_API_VERSION`):
 * v24.0 is the first to return the portfolio messaging limit (docs/meta-quality-rules.md, L6).
 */
export const DEFAULT_GRAPH_API_VERSION = 'v24.0';
export const DEFAULT_GRAPH_API_BASE_URL = 'https://graph.facebook.com';
