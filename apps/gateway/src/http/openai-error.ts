/**
 * An error in OpenAI's wire format: `{"error": {"message", "type", "param", "code"}}` with the
 * status the official SDKs map to their typed errors (401, 403, 404, 429, 400, 5xx).
 */
export class OpenAIError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body() {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.code },
    };
  }

  static badRequest(
    message: string,
    param: string | null = null,
    code: string | null = null,
  ): OpenAIError {
    return new OpenAIError(400, 'invalid_request_error', code, message, param);
  }

  static invalidKey(): OpenAIError {
    return new OpenAIError(
      401,
      'invalid_request_error',
      'invalid_api_key',
      'Incorrect or missing API key. Pass it as `Authorization: Bearer <key>`.',
    );
  }

  static modelNotFound(model: string): OpenAIError {
    return new OpenAIError(
      404,
      'invalid_request_error',
      'model_not_found',
      `The model \`${model}\` does not exist.`,
      'model',
    );
  }

  static unavailable(message: string, code = 'service_unavailable'): OpenAIError {
    return new OpenAIError(503, 'api_error', code, message);
  }
}
