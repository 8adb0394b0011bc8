/** What the self-guard tells an agent whose call it denies. */
import { short } from '../rules/context.js';
import type { Guarded, NamedHit, ReachedHit } from './paths.js';

export const PREFIX = 'cco protects its own files:';

export const fileMessage = (shown: string, g: Guarded) =>
  `${PREFIX} \`${short(shown, 100)}\` ${shown.toLowerCase() === g.low ? 'is' : 'is in'} cco's ${g.what}; agents may not read or change it.`;

export const searchMessage = (root: string, g: Guarded) =>
  `${PREFIX} going through \`${short(root, 80)}\` would reach cco's ${g.what} \`${short(g.path, 80)}\`, which agents may not read or change. Use a narrower folder that does not hold it.`;

/** A glob cco cannot read (an extglob, a POSIX class, too many alternatives) names unknown files. */
const unreadMessage = (glob: string, g: Guarded) =>
  `${PREFIX} cco cannot tell which files the pattern \`${short(glob, 80)}\` names, and they could include cco's ${g.what}; agents may not read or change it. Name the files without that pattern.`;

export const hitMessage = (hit: NamedHit) => (hit.unread ? unreadMessage(hit.shown, hit.g) : fileMessage(hit.shown, hit.g));

export const reachMessage = (hit: ReachedHit) => (hit.unread ? unreadMessage(hit.root, hit.g) : searchMessage(hit.root, hit.g));

export const runCcoMessage = (form: string) =>
  `${PREFIX} agents may not run cco itself (\`${short(form, 60)}\`): its commands read and change cco's config, state and audit log, and can decide calls.`;
