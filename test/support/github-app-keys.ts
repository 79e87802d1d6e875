import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** An RSA key pair as GitHub hands a GitHub App's out: the private key as PKCS#1 PEM. */
export interface AppKeys {
  /** PEM, `-----BEGIN RSA PRIVATE KEY-----`, the format of the .pem file GitHub generates. */
  privatePem: string;
  publicPem: string;
  privateKey: KeyObject;
}

export function appKeys(): AppKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey,
  };
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT signed RS256 with `key`, built by hand so tests can make every claim as wrong as they like. */
export function signJwt(
  claims: Record<string, unknown>,
  key: KeyObject,
  header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' },
): string {
  const input = `${segment(header)}.${segment(claims)}`;
  const signature = createSign('sha256').update(input).sign(key).toString('base64url');
  return `${input}.${signature}`;
}
