import type { ConfigFile } from '../config/schema.ts';
import type { RepoRef } from '../github/port.ts';

/** A service's GitHub repository (`services.<name>.github.repo`, `owner/name`), or null when it has none. */
export function serviceRepo(config: ConfigFile, service: string): RepoRef | null {
  const repo = config.services[service]?.github?.repo;
  if (repo === undefined) return null;
  const [owner = '', name = ''] = repo.split('/');
  return { owner, repo: name };
}
