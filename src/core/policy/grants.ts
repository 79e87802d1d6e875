/** `deploy:*` matches `deploy:production`; `*` matches everything; `runbook:flush-*` matches `runbook:flush-cache`. */
export function grantMatches(grant: string, permission: string): boolean {
  if (grant === '*' || grant === permission) return true;
  if (!grant.includes('*')) return false;
  const pattern = grant
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(permission);
}
