import { createPrivateKey, type KeyObject } from 'node:crypto';
import { DeckhandError } from '../core/errors.ts';
import type { GitHubCredentials } from '../github/credentials.ts';
import type { Settings } from './env.ts';

const APP_VARIABLES = ['GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'GITHUB_APP_INSTALLATION_ID'] as const;

/**
 * The GitHub credentials the settings give, checked before anything connects: `GITHUB_TOKEN` (it wins
 * when both are set), or a GitHub App from all three `GITHUB_APP_*` variables; undefined when none is
 * set (the sandbox's GitHub is used). The app's ID is its numeric App ID or its client ID (`Iv…`),
 * both of which GitHub accepts as the JWT's issuer; the installation ID is a positive integer; the key
 * must be an RSA private key in PEM (PKCS#1 as GitHub hands it out, or PKCS#8). Throws a
 * `config_invalid` DeckhandError naming the variable to fix; the key itself is never quoted.
 */
export function githubCredentialsFrom(settings: Settings): GitHubCredentials | undefined {
  const g = settings.github;
  if (g.token !== undefined) return { kind: 'token', token: g.token };
  const values = {
    GITHUB_APP_ID: g.appId,
    GITHUB_APP_PRIVATE_KEY: g.privateKey,
    GITHUB_APP_INSTALLATION_ID: g.installationId,
  };
  const missing = APP_VARIABLES.filter((name) => values[name] === undefined);
  if (missing.length === APP_VARIABLES.length) return undefined;
  if (missing.length > 0) {
    throw invalid(
      `A GitHub App needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID; ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set. Set all three (or GITHUB_TOKEN instead).`,
    );
  }
  const appId = (g.appId ?? '').trim();
  const installationId = (g.installationId ?? '').trim();
  if (!/^[1-9]\d*$/.test(appId) && !/^Iv[\w.]+$/.test(appId)) {
    throw invalid(
      `GITHUB_APP_ID must be the app's App ID (a number) or its client ID (Iv…), both on the app's settings page; "${appId}" is neither.`,
    );
  }
  if (!/^[1-9]\d*$/.test(installationId)) {
    throw invalid(
      `GITHUB_APP_INSTALLATION_ID must be a number (the end of the installation's settings URL, …/settings/installations/NUMBER); "${installationId}" is not.`,
    );
  }
  return {
    kind: 'app',
    appId: /^\d+$/.test(appId) ? Number(appId) : appId,
    privateKey: canonicalPrivateKey(g.privateKey ?? ''),
    installationId: Number(installationId),
  };
}

/**
 * The key as PKCS#8 PEM with plain line breaks, whatever form it came in (GitHub's PKCS#1 .pem,
 * Windows line breaks): the form the JWT library signs with (it converts PKCS#1 itself, and reads
 * the PEM line by line).
 */
function canonicalPrivateKey(pem: string): string {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw invalid(
      'GITHUB_APP_PRIVATE_KEY is not a PEM private key: set it to the whole .pem file generated on the app\'s settings page, from "-----BEGIN RSA PRIVATE KEY-----" to the END line, with its line breaks (or \\n in their place).',
    );
  }
  const type = key.asymmetricKeyType;
  if (type !== 'rsa') {
    throw invalid(
      `GITHUB_APP_PRIVATE_KEY holds ${type === undefined ? 'a key of unknown type' : `a key of type ${type}`}; GitHub Apps sign with RSA: use the .pem file generated on the app's settings page.`,
    );
  }
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function invalid(message: string): DeckhandError {
  return new DeckhandError('config_invalid', message);
}
