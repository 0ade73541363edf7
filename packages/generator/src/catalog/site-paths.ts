/**
 * The paths the backends and the core services answer on the portal's domain, whichever of them are
 * chosen: their modules route these, and the answers refuse them for apps and shared folders. A leaf
 * module, so the answers can read it without loading the catalog (which loads the answers' modules).
 * Another service declares its paths in its own module (`sitePaths`): the model refuses those to apps
 * and folders, chosen or not (catalog/index.ts `servicePaths`, model/extras.ts).
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
