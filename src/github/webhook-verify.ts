import { verify } from '@octokit/webhooks-methods';

/**
 * Checks `X-Hub-Signature-256` against the raw request body, in constant time. The body must be the
 * exact bytes GitHub sent; re-serialized JSON would not match.
 */
export async function verifyWebhook(
  secret: string,
  body: string,
  signatureHeader: string | undefined,
): Promise<boolean> {
  if (signatureHeader === undefined || !signatureHeader.startsWith('sha256=')) return false;
  try {
    return await verify(secret, body, signatureHeader);
  } catch {
    // verify throws on malformed input (e.g. a signature of the wrong length); that is "not valid".
    return false;
  }
}
