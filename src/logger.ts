import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino blanks wherever they appear in a log line: tokens, secrets, kubeconfig credentials. A
 * GitHub App's private key is blanked at any of the first three levels (a logged key, credentials,
 * settings or adapter options) and under its environment variable's name.
 */
export const REDACT_PATHS = [
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.clientSecret',
  'privateKey',
  '*.privateKey',
  '*.*.privateKey',
  'GITHUB_APP_PRIVATE_KEY',
  '*.GITHUB_APP_PRIVATE_KEY',
  '*.webhookSecret',
  '*.password',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
  '*.headers["x-slack-signature"]',
  '*.client-certificate-data',
  '*.client-key-data',
  '*.clientKeyData',
  '*.clientCertificateData',
  'settings.slack',
  'settings.github',
  'settings.audit',
  'settings.ui',
  'hmacKey',
  '*.hmacKey',
  'err.config.headers',
  'err.request.headers',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'deckhand' } },
    destination,
  );
}
