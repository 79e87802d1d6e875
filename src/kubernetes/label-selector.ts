/** Structural, so client-node's classes and plain objects both fit. */
export interface LabelSelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

interface OwnedLike {
  metadata?: { uid?: string; ownerReferences?: Array<{ controller?: boolean; uid: string }> };
}

/** A LabelSelector in the string form list calls take: `app=api,tier in (web)`. */
export function labelSelectorString(selector: LabelSelectorLike | undefined): string {
  const terms = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') terms.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else terms.push(`!${e.key}`);
  }
  return terms.join(',');
}

/** Whether `owner` is the controller of `object` (how kubectl picks a deployment's ReplicaSets). */
export function controlledBy(object: OwnedLike, owner: OwnedLike): boolean {
  const uid = owner.metadata?.uid;
  return (object.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.uid === uid);
}
