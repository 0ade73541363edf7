/**
 * The paths the catalog's services answer on the portal's domain, whichever of them are chosen: their
 * modules route these, and the answers refuse them for apps and shared folders (a service added later
 * must find its path free). A leaf module, so the answers can read it without loading the catalog.
 */
export const SITE_PATHS = {
  /** The front: the backend's site (or the prebuilt image's). */
  site: '/',
  /** The backends' health and metrics endpoints (the healthcheck and the scrape; nginx hides metrics). */
  health: '/health/',
  metrics: '/metrics/',
  /** Django's collected static files and uploads, served by nginx. */
  static: '/static/',
  media: '/media/',
  tiles: '/tiles/',
  /** Grafana and Flower, unless they answer at / on a sub-domain of their own. */
  grafana: '/grafana/',
  flower: '/flower/',
} as const;

export const RESERVED_ROUTES: readonly string[] = Object.values(SITE_PATHS);
