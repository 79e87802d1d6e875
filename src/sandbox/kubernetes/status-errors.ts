/**
 * Errors as the apiserver sends them: a `Status` object with the HTTP code repeated in the body.
 * Clients parse these (kubectl prints `message`; client libraries key on `reason` and `code`).
 */
export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] };
  code: number;
}

export class StatusError extends Error {
  constructor(readonly body: StatusBody) {
    super(body.message);
  }

  get code(): number {
    return this.body.code;
  }
}

function failure(
  code: number,
  reason: string,
  message: string,
  details?: StatusBody['details'],
): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  });
}

/** `deployments.apps`, `pods`: the qualified resource name used in messages. */
export function qualified(resource: string, group: string): string {
  return group === '' ? resource : `${resource}.${group}`;
}

export function notFound(resource: string, group: string, name: string): StatusError {
  return failure(404, 'NotFound', `${qualified(resource, group)} "${name}" not found`, {
    name,
    ...(group === '' ? {} : { group }),
    kind: resource,
  });
}

export function pathNotFound(): StatusError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function conflict(resource: string, group: string, name: string): StatusError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, ...(group === '' ? {} : { group }), kind: resource },
  );
}

export function expired(requested: number, oldest: number): StatusError {
  return failure(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
}

/** 422 for a field that fails validation; `kind` is the singular Kind, e.g. `Deployment`. */
export function invalid(
  kind: string,
  group: string,
  name: string,
  causes: Required<StatusCause>[],
): StatusError {
  const list = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return failure(422, 'Invalid', `${qualified(kind, group)} "${name}" is invalid: ${list}`, {
    name,
    ...(group === '' ? {} : { group }),
    kind,
    causes,
  });
}

/** What the apiserver answers when a JSON patch cannot be applied (a failed `test` op included). */
export function patchRejected(detail: string): StatusError {
  return failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message: detail }],
  });
}

export function badRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

export function methodNotAllowed(): StatusError {
  return failure(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );
}

export function unsupportedMediaType(contentType: string): StatusError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${contentType})`,
  );
}
