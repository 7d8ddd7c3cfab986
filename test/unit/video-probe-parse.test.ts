// parseProbe on stderr captured from several ffmpeg versions (no ffmpeg run needed).
import { describe, expect, it } from 'vitest';
import { MediaError, parseProbe, lastMeaningfulLine } from '../../src/main/core/media/probe';
import { parseVersion } from '../../src/main/core/media/locate-ffmpeg';

const FF51_MP4 = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/data/dia1_utt2.mp4':
  Metadata:
    major_brand     : isom
  Duration: 00:00:03.62, start: 0.000000, bitrate: 1605 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1280x720 [SAR 1:1 DAR 16:9], 1511 kb/s, 23.98 fps, 23.98 tbr, 24k tbn (default)
    Metadata:
      handler_name    : VideoHandler
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, 5.1(side), fltp, 101 kb/s (default)
At least one output file must be specified`;

describe('parseProbe', () => {
  it('reads duration, streams, size, fps, channels, colour matrix (ffmpeg 5.x format)', () => {
    const p = parseProbe(FF51_MP4, 'dia1_utt2.mp4');
    expect(p.durationS).toBeCloseTo(3.62, 6);
    expect(p.video).toEqual({
      width: 1280,
      height: 720,
      fps: 24000 / 1001,
      codec: 'h264',
      index: 0,
      pixFmt: 'yuv420p',
      colorMatrix: 'bt709',
    });
    expect(p.audio).toEqual({ sampleRate: 48000, channels: 6, codec: 'aac', index: 1 });
  });

  it('reads the 4.x format, mono wav, "N channels", and N/A duration', () => {
    const p = parseProbe(
      `Input #0, wav, from 'a.wav':
  Duration: N/A, bitrate: 706 kb/s
    Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 44100 Hz, mono, s16, 705 kb/s`,
      'a.wav',
    );
    expect(p).toEqual({ durationS: 0, audio: { sampleRate: 44100, channels: 1, codec: 'pcm_s16le', index: 0 }, video: null });
    const q = parseProbe(
      `Input #0, matroska,webm, from 'x.mkv':
  Duration: 01:02:03.50, start: 0.000000, bitrate: 315 kb/s
    Stream #0:0(eng): Audio: opus, 48000 Hz, 3 channels, fltp (default)
    Stream #0:1: Video: vp9 (Profile 0), yuv420p(tv), 640x360, SAR 1:1 DAR 16:9, 29.97 fps, 29.97 tbr, 1k tbn, 1k tbc (default)`,
      'x.mkv',
    );
    expect(q.durationS).toBeCloseTo(3723.5, 6);
    expect(q.audio!.channels).toBe(3);
    expect(q.video).toMatchObject({
      width: 640,
      height: 360,
      fps: 30000 / 1001,
      codec: 'vp9',
      index: 1,
      pixFmt: 'yuv420p',
      colorMatrix: null,
    });
  });

  it('ignores cover art (attached pic, or a still png/mjpeg without a frame rate beside audio)', () => {
    const art = parseProbe(
      `Input #0, mp3, from 'song.mp3':
  Duration: 00:03:00.00, start: 0.025057, bitrate: 320 kb/s
    Stream #0:0: Audio: mp3, 44100 Hz, stereo, fltp, 320 kb/s
    Stream #0:1: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), 500x500 [SAR 1:1 DAR 1:1], 90k tbr, 90k tbn, 90k tbc (attached pic)`,
      'song.mp3',
    );
    expect(art.video).toBeNull();
    const png = parseProbe(
      `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'cover.m4a':
  Duration: 00:00:01.02, start: 0.000000, bitrate: 78 kb/s
    Stream #0:0(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 69 kb/s (default)
    Stream #0:1: Video: png, rgb24(pc), 64x64 [SAR 1:1 DAR 1:1], 90k tbr, 90k tbn, 90k tbc`,
      'cover.m4a',
    );
    expect(png.video).toBeNull();
    expect(png.audio!.sampleRate).toBe(44100);
  });

  it('does not read the codec tag 0x31637661 as a frame size', () => {
    const p = parseProbe(
      `Input #0, mov, from 'a.mov':
  Duration: 00:00:01.00, start: 0.000000, bitrate: 1 kb/s
    Stream #0:0(und): Video: h264 (avc1 / 0x31637661), yuv420p, 320x240, 25 fps, 25 tbr`,
      'a.mov',
    );
    expect(p.video).toMatchObject({ width: 320, height: 240, fps: 25 });
  });

  it('gives MediaError reasons for files ffmpeg cannot open or that hold no audio/video', () => {
    const moov = () =>
      parseProbe(
        `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x3e8cbb00] moov atom not found
file:/x/t.mp4: Invalid data found when processing input`,
        't.mp4',
        '/x/t.mp4',
      );
    expect(moov).toThrow(MediaError);
    expect(moov).toThrow(/t\.mp4: truncated or incomplete MP4 \(moov atom not found\)/);
    expect(() => parseProbe('file:/x/a.txt: Invalid data found when processing input', 'a.txt', '/x/a.txt')).toThrow(
      /a\.txt: not a media file, or corrupt/,
    );
    // a text file named .mp4: the mp4 demuxer is tried by extension, with a low score
    expect(() =>
      parseProbe(
        `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x2fc09b00] Format mov,mp4,m4a,3gp,3g2,mj2 detected only with low score of 1, misdetection possible!
[mov,mp4,m4a,3gp,3g2,mj2 @ 0x2fc09b00] moov atom not found
file:/x/n.mp4: Invalid data found when processing input`,
        'n.mp4',
        '/x/n.mp4',
      ),
    ).toThrow(/n\.mp4: not a media file, or corrupt/);
    expect(() =>
      parseProbe(
        `Input #0, srt, from 'a.srt':
  Duration: N/A, bitrate: N/A
    Stream #0:0: Subtitle: subrip`,
        'a.srt',
      ),
    ).toThrow(/a\.srt: no audio and no video stream/);
    try {
      parseProbe('something odd happened', 'odd.bin');
      expect.unreachable('parseProbe accepted a stderr with no input at all');
    } catch (e) {
      expect(e).toBeInstanceOf(MediaError);
      expect((e as MediaError).file).toBe('odd.bin');
      expect((e as MediaError).reason).toBe('ffmpeg cannot open it: something odd happened');
    }
  });

  it('lastMeaningfulLine strips the file and demuxer prefixes', () => {
    expect(lastMeaningfulLine(['[h264 @ 0x55d] error while decoding MB 3 4', ''])).toBe('error while decoding MB 3 4');
    expect(lastMeaningfulLine(['file:/a b/c.mp4: Invalid data found when processing input'], '/a b/c.mp4')).toBe(
      'Invalid data found when processing input',
    );
    expect(
      lastMeaningfulLine(["Stream map '0:7' matches no streams.", "To ignore this, add a trailing '?' to the map.", 'Conversion failed!']),
    ).toBe("Stream map '0:7' matches no streams.");
  });
});

describe('parseVersion', () => {
  it('reads release and git-snapshot versions', () => {
    expect(parseVersion('ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers\nbuilt with gcc')).toEqual({
      version: '5.1.9-0+deb12u1',
    });
    expect(parseVersion('ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright')).toEqual({
      version: 'N-47683-g0e8eb07980-static',
    });
    expect(parseVersion('Usage: true')).toBeNull();
  });
});
