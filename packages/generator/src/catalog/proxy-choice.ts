/** The proxy a service that needs one gets when none is chosen: varnish if chosen, else nginx. */
import type { ServiceId } from '../answers/answers.js';

export const proxyFor = (chosen: ReadonlySet<ServiceId>): ServiceId => (chosen.has('varnish') ? 'varnish' : 'nginx');
