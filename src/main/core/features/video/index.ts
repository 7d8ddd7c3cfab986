// Video features over decoded frames: entropy statistics, frame selection, thumbnails, yuv420p helpers.
export * from './entropy';
export * from './select-frames';
export * from './thumbnail';
export { yuv420FrameBytes, yuv420ThumbPlanes, thumbPlanesToRgb, yuv420ToRgbThumb, type ColorMatrix } from './yuv';
