// The boundary every transport goes through: method name and raw input in, ApiResult out. Input is
// validated with the method's zod schema before any handler runs; nothing throws across it.
import { z } from 'zod';
import { API, ApiError, type ApiHandlers, type ApiMethod, type ApiResult } from '../../../shared/api';

export function isApiMethod(method: string): method is ApiMethod {
  return Object.prototype.hasOwnProperty.call(API, method);
}

export async function dispatch(handlers: ApiHandlers, method: string, rawInput: unknown): Promise<ApiResult<unknown>> {
  if (!isApiMethod(method)) return { ok: false, error: { code: 'invalid_input', message: `unknown API method '${method}'` } };
  // no body (or null) means "no parameters": the schema's defaults apply
  const parsed = API[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) return { ok: false, error: { code: 'invalid_input', message: `${method}: ${z.prettifyError(parsed.error)}` } };
  try {
    const handler = handlers[method] as (input: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: { code: e.code, message: e.message } };
    return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
  }
}
