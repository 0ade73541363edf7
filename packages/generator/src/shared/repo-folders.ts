/** Folders of the generated repo that the writer, the renderers and the answers all name. */

/**
 * Folders of the generated repo that hold secrets, dumps or TLS keys: the generated .gitignore keeps them out
 * of git, and no dev mount may hand them (or a folder holding them) to a container.
 */
export const SECRET_FOLDERS: readonly string[] = ['secrets', 'backups', 'nginx/certs'];

/** The folder that holds the lock and the commit journal; git- and docker-ignored from inside. */
export const STATE_FOLDER = '.portal';
