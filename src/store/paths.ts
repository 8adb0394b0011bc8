import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CcoPaths {
  /** Folder of config.json (rules and settings). */
  configDir: string;
  configFile: string;
  /** The named decision tokens (`cco token add`): names, limits and hashes, never a token. */
  tokensFile: string;
  /** Folder of the server file, the audit log and the console's log. */
  stateDir: string;
  /** Where a running server says where it is and how to reach its decision API. */
  serverFile: string;
  /** Where `cco watch` writes what it would otherwise print (Ink owns the terminal). */
  logFile: string;
}

/**
 * Where cco keeps its files. `CCO_HOME` puts everything in one folder (tests use it);
 * `CCO_CONFIG_PATH` names the config file; otherwise XDG folders under the home directory.
 */
export function ccoPaths(env: NodeJS.ProcessEnv = process.env, home = homedir()): CcoPaths {
  const base = env.CCO_HOME;
  const configDir = base ?? join(env.XDG_CONFIG_HOME || join(home, '.config'), 'cco');
  const stateDir = base ?? join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'cco');
  return {
    configDir,
    configFile: env.CCO_CONFIG_PATH || join(configDir, 'config.json'),
    tokensFile: join(configDir, 'tokens.json'),
    stateDir,
    serverFile: join(stateDir, 'server.json'),
    logFile: join(stateDir, 'cco.log'),
  };
}
