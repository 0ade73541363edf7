/** Images: pinned ones as they are; a tag compose reads from the env file (`${APP_VERSION}`) is set by each overlay. */
const VARIABLE_TAG = /^(?<name>[^:@]+(?::\d+\/[^:@]+)?):\$\{(?<variable>[A-Z_][A-Z0-9_]*)\}$/;

/** The image as the base names it: without a variable tag (the overlay's `images:` adds it). */
export function imageOf(image: string): string {
  return VARIABLE_TAG.exec(image)?.groups?.name ?? image;
}

/** Images whose tag is an env-file variable, with that variable. */
export function variableTag(image: string): { name: string; variable: string } | undefined {
  const groups = VARIABLE_TAG.exec(image)?.groups;
  return groups ? { name: groups.name!, variable: groups.variable! } : undefined;
}
