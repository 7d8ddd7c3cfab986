export * from './errors';
export * from './locate-ffmpeg';
export * from './probe';
export * from './decode-clip';
