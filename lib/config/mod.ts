/** complexionist.ini: search, expansion, validation, server selection (design §4, §5). */

export { CONFIG_FILE_NAME, executableDir, findConfig, type FindOptions } from "./find.ts";
export { configSecrets, loadConfig, type LoadOptions } from "./load.ts";
export { configPermissionsWarning } from "./permissions.ts";
export { describeServers, selectServers } from "./servers.ts";
export {
  DEFAULT_API_URL,
  DEFAULT_AUTH_URL,
  MIN_TRAKT_WRITE_INTERVAL_MS,
  requireTrakt,
} from "./trakt.ts";
export type {
  Config,
  ConfigSource,
  Env,
  FoundConfig,
  LegacyTraktTokens,
  PlexServerConfig,
  TraktConfig,
  TraktSettings,
} from "./types.ts";
