/** Mailpit (dev only): catches every mail the apps send; the web UI shows them on 127.0.0.1. */
import { IMAGES } from '../images.js';
import { limits, TMP } from '../defaults.js';
import { defineService } from '../types.js';

const SMTP_PORT = 1025;
const UI_PORT = 8025;

export const mailpit = defineService({
  id: 'mailpit',
  title: 'Mailpit',
  summary: 'Catches outgoing mail in dev, with a web UI (dev only)',
  contribute: () => ({
    containers: [
      {
        name: 'mailpit',
        role: `Mail catcher: SMTP on ${SMTP_PORT} for the apps, web UI on ${UI_PORT}`,
        image: IMAGES.mailpit,
        // prod sends real mail through the provider the apps are configured for
        devOnly: true,
        // the image's own probe: asks the web server whether it is ready
        healthcheck: { test: ['CMD', '/mailpit', 'readyz'], startPeriod: '10s' },
        networks: ['internal'],
        port: UI_PORT,
        devPorts: [UI_PORT],
        limits: limits('128m', '0.25', 100),
        // the messages live in a temporary database under /tmp, gone with the container
        tmpfs: [TMP],
        user: '65534:65534',
      },
    ],
    appDevEnv: { SMTP_HOST: 'mailpit', SMTP_PORT: String(SMTP_PORT) },
  }),
});
