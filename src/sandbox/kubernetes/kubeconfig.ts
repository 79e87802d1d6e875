import { stringify } from 'yaml';

/**
 * A kubeconfig pointing every named context at the simulator. The simulator checks no
 * credentials, but clients want a user, so it gets a dummy token.
 */
export function simulatorKubeconfig(server: string, contexts: string[], namespace?: string): string {
  const names = contexts.length === 0 ? ['sandbox'] : contexts;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain http unless TLS verification is explicitly off; kubectl accepts it too.
    clusters: [{ name: 'deckhand-sandbox', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'deckhand-sandbox', user: { token: 'sandbox-token-not-a-secret' } }],
    contexts: names.map((name) => ({
      name,
      context: { cluster: 'deckhand-sandbox', user: 'deckhand-sandbox', ...(namespace ? { namespace } : {}) },
    })),
    'current-context': names[0],
    preferences: {},
  });
}
