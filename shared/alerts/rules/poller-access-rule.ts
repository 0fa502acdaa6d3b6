import type { BusinessState } from '../../state/entity-state.ts';
import type { Rule } from './rule.ts';

/** The poller lost (or regained) read access to a WABA: alerted once per change, not on every run. */
export const pollerAccess: Rule<BusinessState, 'pollerAccess'> = ({ from, to }, state) => {
  if (to === 'DENIED') {
    return {
      kind: 'poller-cannot-read-waba',
      severity: 'CRITICAL',
      title: `Poller cannot read WABA ${state.wabaId}`,
      description:
        `The Graph API refused the poller (${state.pollerAccessError ?? 'access denied'}), so missed webhooks for ` +
        'this account are no longer caught. Polling goes on trying every run.',
      nextSteps: [
        'Check the Graph API token in the Graph API token secret: expired tokens (code 190) need a new system user token.',
        'The token needs whatsapp_business_management on this WABA (codes 10, 100, 200-299 mean a missing permission).',
      ],
    };
  }
  if (to === 'OK' && from === 'DENIED') {
    return {
      kind: 'poller-access-restored',
      severity: 'INFO',
      title: `Poller can read WABA ${state.wabaId} again`,
      description: 'The Graph API accepts the poller again; the next polls reconcile the stored state.',
      nextSteps: [],
    };
  }
  return undefined;
};
