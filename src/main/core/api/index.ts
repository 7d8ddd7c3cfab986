// The app's API over the core, for either transport: handlers, the dispatcher and the job events.
import type { ApiResult, JobEvent } from '../../../shared/api';
import { createApiHandlers } from './handlers';
import { dispatch } from './dispatch';
import { JobRunner } from './job-runner';
import type { ApiContext } from './context';

export { createApiHandlers } from './handlers';
export { dispatch, isApiMethod } from './dispatch';
export { JobRunner } from './job-runner';
export type { ApiContext, ApiUrls } from './context';
export { mediaAnswer, mediaFileOf, thumbnailOf, parseRange, mediaContentType } from './media-lookup';
export { readUiSettings, restorableBounds, writeUiSettings, type UiSettings, type WindowBounds } from './ui-settings';

export interface AppApi {
  call(method: string, rawInput: unknown): Promise<ApiResult<unknown>>;
  onJob(listener: (e: JobEvent) => void): () => void;
  /** cancels running jobs and waits for them to store their outcome; the caller closes the db */
  close(): Promise<void>;
}

export function createApi(ctx: Omit<ApiContext, 'jobs'>): AppApi {
  const jobs = new JobRunner(ctx.db);
  const handlers = createApiHandlers({ ...ctx, jobs });
  return {
    call: (method, rawInput) => dispatch(handlers, method, rawInput),
    onJob: (l) => jobs.onEvent(l),
    close: () => jobs.shutdown(),
  };
}
