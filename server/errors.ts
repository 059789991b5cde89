/**
 * Typed errors. The domain throws these; the one HTTP error middleware maps `status`
 * and `code` to the JSON error body. Codes are stable API: clients switch on them.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown, code = 'VALIDATION_FAILED') {
    super(code, message, 400, details);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, code = 'NOT_FOUND') {
    super(code, `${what} not found`, 404);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, 409, details);
  }
}

export class UnprocessableError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, 422, details);
  }
}

export class AuthError extends AppError {
  constructor(code = 'UNAUTHENTICATED', message = 'authentication required') {
    super(code, message, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'you are not allowed to do this', code = 'FORBIDDEN') {
    super(code, message, 403);
  }
}

export class RateLimitError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `too many attempts; try again in ${retryAfterSeconds} s`, 429, { retryAfterSeconds });
  }
}

export class ConfigError extends Error {
  constructor(message: string, readonly problems: string[] = []) {
    super(message);
    this.name = 'ConfigError';
  }
}
