/**
 * Errors of the UDP proxy's HTTP API, one class with toxiproxy's fixed list of
 * messages and status codes (Shopify/toxiproxy v2.12.0 api.go), so a client
 * written against toxiproxy sees the same `{"error": "...", "status": N}` body.
 */
export class ApiError extends Error {
  readonly status: number

  constructor (message: string, status: number) {
    super(message)
    this.name = 'ApiError'
    this.status = status
  }

  toJSON (): { error: string, status: number } {
    return { error: this.message, status: this.status }
  }
}

/** toxiproxy's `joinError`: "<wrapper message>: <detail>" with the wrapper's status. */
function joined (message: string, status: number, detail?: string): ApiError {
  return new ApiError(detail === undefined ? message : `${message}: ${detail}`, status)
}

export const badRequestBody = (detail?: string): ApiError => joined('bad request body', 400, detail)
export const missingField = (field: string): ApiError => joined('missing required field', 400, field)
export const proxyNotFound = (): ApiError => new ApiError('proxy not found', 404)
export const proxyAlreadyExists = (): ApiError => new ApiError('proxy already exists', 409)
export const invalidStream = (): ApiError =>
  new ApiError('stream was invalid, can be either upstream or downstream', 400)
export const invalidToxicType = (): ApiError => new ApiError('invalid toxic type', 400)
export const toxicAlreadyExists = (): ApiError => new ApiError('toxic already exists', 409)
export const toxicNotFound = (): ApiError => new ApiError('toxic not found', 404)

/**
 * A listen address that cannot be bound. toxiproxy answers 500 with Go's
 * net error text ("listen tcp 127.0.0.1:8080: bind: address already in use");
 * we answer the same status and the same wording with "udp".
 */
export function listenFailed (address: string, err: unknown): ApiError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  const reason = code === 'EADDRINUSE'
    ? 'bind: address already in use'
    : code === 'EADDRNOTAVAIL'
      ? 'bind: cannot assign requested address'
      : code === 'EACCES' ? 'bind: permission denied' : (err as Error).message
  return new ApiError(`listen udp ${address}: ${reason}`, 500)
}
