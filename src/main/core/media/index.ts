// The media layer's public surface: ffmpeg location, probe, clip decoding and their errors.
export * from './errors';
export * from './locate-ffmpeg';
export * from './probe';
export * from './decode-clip';
export * from './decode-audio-batch';
export * from './decode-options';
