/** `localhost` itself or a name below it: resolves to this machine only (RFC 6761). */
export const isLocalName = (name: string): boolean => /(^|\.)localhost\.?$/i.test(name.trim());
