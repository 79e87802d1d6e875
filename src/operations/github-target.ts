import type { Catalog } from '../config/catalog.ts';
import { DeckhandError } from '../core/errors.ts';

export interface WorkflowTarget {
  owner: string;
  repo: string;
  workflow: string;
  ref: string;
}

/** The service's deploy workflow from the config; only these repositories are ever dispatched. */
export function workflowOf(catalog: Catalog, service: string): WorkflowTarget {
  const github = catalog.serviceConfig(service).github;
  if (github === undefined) {
    throw new DeckhandError(
      'invalid_arguments',
      `${service} has no deploy workflow: add github: { repo, workflow } to it in deckhand.yml.`,
    );
  }
  const [owner = '', repo = ''] = github.repo.split('/');
  return { owner, repo, workflow: github.workflow, ref: github.ref };
}
