import { readFileSync } from 'node:fs';
import { parseConfigText } from '../src/config/load-config.ts';
import type { ConfigFile } from '../src/config/schema.ts';

/** The repository's deckhand.yml: 3 services × 2 environments. */
export function exampleConfig(): ConfigFile {
  return parseConfigText(readFileSync(new URL('../deckhand.yml', import.meta.url), 'utf8'), 'deckhand.yml');
}

/**
 * deckhand.yml with `count` services shaped like its `api` (svc01, svc02, …), each with its own
 * repository and a staging target, so that many deploys can run at once without sharing a lock.
 * Each gets its own namespace: the Kubernetes simulator scans a namespace's ReplicaSets and Pods for
 * every Deployment it reconciles, and 20 in one namespace make the bench slow, not Deckhand.
 */
export function manyServicesConfig(count: number): ConfigFile {
  const example = exampleConfig();
  const template = example.services.api;
  const staging = template?.environments.staging;
  if (template?.github === undefined || staging === undefined) {
    throw new Error('deckhand.yml no longer has an api service with a staging target');
  }
  const services: ConfigFile['services'] = {};
  for (let i = 1; i <= count; i++) {
    const name = `svc${String(i).padStart(2, '0')}`;
    services[name] = {
      ...template,
      aliases: [],
      description: `Bench service ${i}`,
      github: { ...template.github, repo: `acme/${name}` },
      environments: { staging: { ...staging, namespace: `staging-${name}`, deployment: name } },
    };
  }
  return { ...example, services };
}
