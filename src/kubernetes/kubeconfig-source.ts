import { KubeConfig } from '@kubernetes/client-node';
import { DeckhandError } from '../core/errors.ts';
import { KubernetesError, notInKubeconfig } from './kubernetes-failure.ts';

/** Where cluster credentials come from. */
export type KubeconfigSource =
  | { kind: 'text'; text: string }
  | { kind: 'file'; path: string }
  /** The pod's service account; there is one context then, whatever name the config uses. */
  | { kind: 'in-cluster' };

/**
 * Loads the kubeconfig once and hands out one KubeConfig per context. client-node's API
 * clients and Watch follow a KubeConfig's *current* context, so choosing the context per call
 * means a KubeConfig per context, not switching a shared one.
 */
export class KubeconfigContexts {
  private readonly base: KubeConfig;
  private readonly byContext = new Map<string, KubeConfig>();

  constructor(private readonly source: KubeconfigSource) {
    this.base = new KubeConfig();
    try {
      if (source.kind === 'text') this.base.loadFromString(source.text);
      else if (source.kind === 'file') this.base.loadFromFile(source.path);
      else this.base.loadFromCluster();
    } catch (error) {
      const where =
        source.kind === 'file' ? `the kubeconfig file ${source.path}` : `the ${source.kind} kubeconfig`;
      throw new DeckhandError(
        'config_invalid',
        `Could not load ${where}: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  contexts(): string[] {
    return this.base.getContexts().map((c) => c.name);
  }

  forContext(name: string): KubeConfig {
    const cached = this.byContext.get(name);
    if (cached !== undefined) return cached;
    const contexts = this.base.getContexts();
    const context = this.source.kind === 'in-cluster' ? contexts[0] : contexts.find((c) => c.name === name);
    if (context === undefined) {
      const detail = `known contexts: ${contexts.map((c) => c.name).join(', ') || 'none'}`;
      throw new KubernetesError(
        { context: name, reason: 'unknown_context', action: null, detail },
        notInKubeconfig(name, detail),
      );
    }
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: this.base.getClusters(),
      users: this.base.getUsers(),
      contexts,
      currentContext: context.name,
    });
    this.byContext.set(name, config);
    return config;
  }
}
