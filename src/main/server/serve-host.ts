// The one host browser mode binds, and the error for a bad serve setting: apart from server.ts so
// that the CLI registers `serve` without loading the server (ws, zod, the API) on every command.
export const SERVE_HOST = '127.0.0.1';

export class ServeError extends Error {}
