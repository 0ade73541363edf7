/** Tests only: prints tree(folder, true) as JSON, for checks run inside another mount namespace. */
import { tree } from './tree-hash.js';

process.stdout.write(`${JSON.stringify(tree(process.argv[2]!, true))}\n`);
