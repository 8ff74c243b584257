/**
 * One catalogue of coded errors for the whole program. The CLI prints `flowmatrix: <message>`
 * and exits with `exitCode`; the API answers RFC 9457 problem+json with `status` and `code`.
 */
export const ErrorCatalogue = {
  BAD_ARGUMENT: { status: 400, exitCode: 2, title: 'Bad argument' },
  FILE_NOT_FOUND: { status: 404, exitCode: 1, title: 'File not found' },
  FILE_UNREADABLE: { status: 500, exitCode: 1, title: 'File cannot be read' },
  FILE_UNWRITABLE: { status: 500, exitCode: 1, title: 'File cannot be written' },
  CAPTURE_FORMAT: { status: 400, exitCode: 1, title: 'Not a capture file this reader understands' },
  CAPTURE_EMPTY: { status: 400, exitCode: 1, title: 'Empty capture file' },
  CAPTURE_CORRUPT: { status: 400, exitCode: 1, title: 'Corrupt capture file' },
  PERMISSION: { status: 403, exitCode: 2, title: 'Insufficient privileges' },
  UNSUPPORTED_PLATFORM: { status: 501, exitCode: 2, title: 'Not supported on this platform' },
  INTERNAL: { status: 500, exitCode: 70, title: 'Internal error' },
  // The REST API's codes (problem+json `code`; the type URI is derived from the code).
  BAD_REQUEST: { status: 400, exitCode: 2, title: 'Bad request' },
  BAD_PARAMETER: { status: 400, exitCode: 2, title: 'Invalid parameter' },
  UNKNOWN_PARAMETER: { status: 400, exitCode: 2, title: 'Unknown parameter' },
  BAD_FILTER: { status: 400, exitCode: 2, title: 'Invalid filter' },
  BAD_CURSOR: { status: 400, exitCode: 2, title: 'Invalid cursor' },
  BAD_JSON: { status: 400, exitCode: 2, title: 'Malformed JSON body' },
  UNAUTHORIZED: { status: 401, exitCode: 1, title: 'Authentication required' },
  NOT_FOUND: { status: 404, exitCode: 1, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, exitCode: 1, title: 'Method not allowed' },
  PAYLOAD_TOO_LARGE: { status: 413, exitCode: 1, title: 'Request body too large' },
  URI_TOO_LONG: { status: 414, exitCode: 1, title: 'Query string too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exitCode: 1, title: 'Unsupported media type' },
  RATE_LIMITED: { status: 429, exitCode: 1, title: 'Too many requests' },
  HEADERS_TOO_LARGE: { status: 431, exitCode: 1, title: 'Request headers too large' },
} as const;

export type ErrorCode = keyof typeof ErrorCatalogue;

export class FlowmatrixError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FlowmatrixError';
    this.code = code;
  }
  get status(): number {
    return ErrorCatalogue[this.code].status;
  }
  get exitCode(): number {
    return ErrorCatalogue[this.code].exitCode;
  }
}

export function isFlowmatrixError(e: unknown): e is FlowmatrixError {
  return e instanceof FlowmatrixError;
}
