// Electron entry: one window, the app menu, the typed API over IPC and the es-media:// protocol.
// All logic lives in src/main/core (plain Node); the security settings live in ./security.ts.
import { app, BrowserWindow, Menu, dialog, ipcMain, protocol, screen, session, shell, type MenuItemConstructorOptions } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { openDb, type Db } from './core/store/db';
import { dataDir, defaultDbPath } from './core/settings';
import { createApi, mediaAnswer, readUiSettings, restorableBounds, thumbnailOf, writeUiSettings, type AppApi } from './core/api';
import { availableReportFormats, exportReportTo, isSingleFileFormat } from './core/api/reports';
import type { HtmlToPdf, ReportFormat } from './core/report';
import type { DesktopDialogs } from './core/api/context';
import { abiMismatchAdvice } from './core/native-abi';
import { API } from '../shared/api';
import {
  MEDIA_SCHEME,
  MEDIA_SCHEME_PRIVILEGES,
  WEB_PREFERENCES,
  electronCsp,
  isAllowedNavigation,
  isAllowedPermission,
  mediaUrlFor,
  parseMediaUrl,
  thumbUrlFor,
  webPreferences,
  windowOpenPolicy,
} from './security';

// must happen before 'ready'
protocol.registerSchemesAsPrivileged([{ scheme: MEDIA_SCHEME, privileges: MEDIA_SCHEME_PRIVILEGES }]);

/** `--db PATH` / `--db=PATH` (Playwright and users pass them after the app path). */
function argValue(name: string): string | undefined {
  const argv = process.argv;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name && i + 1 < argv.length) return argv[i + 1];
    if (argv[i].startsWith(`${name}=`)) return argv[i].slice(name.length + 1);
  }
  return undefined;
}

const dir = dataDir(argValue('--data-dir'));
const dbPath = path.resolve(argValue('--db') ?? process.env.EMOTION_STUDIO_DB ?? defaultDbPath(dir));
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
// electron-vite's renderer build, beside out/main (out/renderer is the browser-mode build of `npm run build`)
const appPage = path.join(__dirname, '../app-renderer/index.html');
const appUrl = devUrl ?? pathToFileURL(appPage).href;

let db: Db | null = null;
let api: AppApi | null = null;
let win: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const saved = restorableBounds(
    readUiSettings(dir).window,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const w = new BrowserWindow({
    x: saved?.x,
    y: saved?.y,
    width: saved?.width ?? 1280,
    height: saved?.height ?? 800,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Emotion Studio',
    webPreferences: webPreferences(path.join(__dirname, '../preload/index.js')),
  });
  if (saved?.maximized) w.maximize();
  w.once('ready-to-show', () => w.show());
  // window state remembered in the data folder
  w.on('close', () => {
    try {
      writeUiSettings(dir, { window: { ...w.getNormalBounds(), maximized: w.isMaximized() } });
    } catch {
      // an unwritable data folder must not keep the window from closing; the defaults apply next time
    }
  });
  if (devUrl) void w.loadURL(devUrl);
  else void w.loadFile(appPage);
  return w;
}

// no remote content, no navigation away, no new windows, no <webview>: for every web contents the
// app ever creates (the main window, the hidden PDF printer), set before any page loads
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (e) => {
    if (!isAllowedNavigation(e.url, appUrl)) e.preventDefault();
  });
  contents.on('will-redirect', (e) => {
    if (!isAllowedNavigation(e.url, appUrl)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => windowOpenPolicy());
});

/** es-media://media/ID (the clip, with Range) and es-media://thumb/ID/FRAME, through the core's lookups. */
function handleMedia(request: Request): Response {
  const r = parseMediaUrl(request.url);
  if (!r || !db) return new Response('not found', { status: 404 });
  if (r.kind === 'thumb') {
    const png = thumbnailOf(db, r.id, r.frame);
    return png
      ? new Response(new Uint8Array(png), { headers: { 'Content-Type': 'image/png' } })
      : new Response('no such thumbnail', { status: 404 });
  }
  const a = mediaAnswer(db, r.id, request.headers.get('range') ?? undefined);
  if (!a.body) return new Response(null, { status: a.status, headers: a.headers });
  if ('text' in a.body) return new Response(a.body.text, { status: a.status, headers: a.headers });
  const stream = Readable.toWeb(
    fs.createReadStream(a.body.file, { start: a.body.start, end: a.body.end }),
  ) as unknown as ReadableStream<Uint8Array>;
  return new Response(stream, { status: a.status, headers: a.headers });
}

/** File > Import: the renderer's Import dialog takes over (native open dialog, preview, mapping, job). */
function importFromMenu(kind: 'folder' | 'files'): void {
  if (win && !win.isDestroyed()) win.webContents.send('menu', { action: 'import', kind });
}

/** The native dialogs the API handlers may open (files.pick, reports.save), on the app's window. */
const desktopDialogs: DesktopDialogs = {
  async pickPaths(kind) {
    if (!win) return [];
    const choice = await dialog.showOpenDialog(
      win,
      kind === 'folder'
        ? { title: 'Import a corpus folder', properties: ['openDirectory'] }
        : {
            title: 'Import files',
            properties: ['openFile', 'multiSelections'],
            filters: [
              {
                name: 'Corpus files',
                extensions: [
                  'csv',
                  'tsv',
                  'eaf',
                  'TextGrid',
                  'textgrid',
                  'srt',
                  'vtt',
                  'mp4',
                  'mkv',
                  'mov',
                  'webm',
                  'avi',
                  'wav',
                  'mp3',
                  'flac',
                  'm4a',
                  'ogg',
                  'opus',
                  'aac',
                ],
              },
              { name: 'All files', extensions: ['*'] },
            ],
          },
    );
    return choice.canceled ? [] : choice.filePaths;
  },
  async savePath(o) {
    if (!win) return null;
    if (o.folder) {
      const c = await dialog.showOpenDialog(win, { title: o.title, properties: ['openDirectory', 'createDirectory'] });
      return c.canceled || !c.filePaths.length ? null : path.join(c.filePaths[0], o.defaultName);
    }
    const c = await dialog.showSaveDialog(win, { title: o.title, defaultPath: o.defaultName });
    return c.canceled || !c.filePath ? null : c.filePath;
  },
  reveal(file) {
    shell.showItemInFolder(file);
  },
};

/** PDF reports through Electron's own Chromium: a hidden sandboxed window prints the report page once
 * its plots are drawn (the page sets data-ready on <body>, as the core's Chromium printer expects). */
const printToPdf: HtmlToPdf = async (htmlFile) => {
  const w = new BrowserWindow({ show: false, webPreferences: { ...WEB_PREFERENCES } });
  w.webContents.on('will-navigate', (e) => e.preventDefault()); // not even to the app page
  try {
    await w.loadFile(htmlFile);
    const t0 = Date.now();
    let state: string | undefined;
    while ((state = (await w.webContents.executeJavaScript('document.body.dataset.ready')) as string | undefined) === undefined) {
      if (Date.now() - t0 > 60_000) throw new Error('the report page did not finish drawing its plots within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    if (state !== '1') throw new Error('the report page failed to draw its plots');
    return await w.webContents.printToPDF({ pageSize: 'A4', printBackground: true });
  } finally {
    w.destroy();
  }
};

async function exportFromDialog(format: ReportFormat): Promise<void> {
  if (!win || !db) return;
  let out: string | undefined;
  if (isSingleFileFormat(format)) {
    const choice = await dialog.showSaveDialog(win, {
      title: `Export ${format.toUpperCase()} report`,
      defaultPath: `emotion-studio-report.${format}`,
    });
    out = choice.canceled ? undefined : choice.filePath;
  } else {
    // ELAN, TextGrid and MELD exports are a folder of files
    const choice = await dialog.showOpenDialog(win, {
      title: `Export ${format} files into a folder`,
      properties: ['openDirectory', 'createDirectory'],
    });
    out = choice.canceled ? undefined : choice.filePaths[0];
  }
  if (!out) return;
  try {
    const r = await exportReportTo(db, format, out, printToPdf);
    shell.showItemInFolder(r.path); // the file, or the folder of ELAN/TextGrid/MELD files, in the file manager
    await dialog.showMessageBox(win, {
      type: 'info',
      message: 'Report exported',
      detail: `${r.path} (${r.files.length} file(s), ${r.bytes} bytes)${r.notes.length ? '\n' + r.notes.slice(0, 20).join('\n') : ''}`,
    });
  } catch (e) {
    await dialog.showMessageBox(win, { type: 'error', message: 'Export failed', detail: (e as Error).message });
  }
}

function buildMenu(): void {
  const formats = availableReportFormats(printToPdf) as ReportFormat[];
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'Import Corpus Folder…', accelerator: 'CmdOrCtrl+O', click: () => importFromMenu('folder') },
        {
          label: 'Import Files (CSV, ELAN, TextGrid, subtitles, recordings)…',
          accelerator: 'CmdOrCtrl+I',
          click: () => importFromMenu('files'),
        },
        {
          label: 'Export Report',
          submenu: formats.length
            ? formats.map((f) => ({ label: f.toUpperCase(), click: () => void exportFromDialog(f) }))
            : [{ label: 'No report format available in this build', enabled: false }],
        },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function registerIpc(): void {
  for (const method of Object.keys(API)) {
    ipcMain.handle(`api:${method}`, async (event, input: unknown) => {
      // only our own page may call (never a frame that got navigated elsewhere)
      const from = event.senderFrame?.url ?? '';
      if (!isAllowedNavigation(from, appUrl)) return { ok: false, error: { code: 'invalid_input', message: 'caller is not the app page' } };
      return api!.call(method, input);
    });
  }
}

/** openDb, or a clear message and exit when it cannot (typically better-sqlite3 built for Node, not Electron). */
function openDbOrExplain(): Db | null {
  try {
    return openDb(dbPath);
  } catch (e) {
    const msg = (e as Error).message;
    const advice = abiMismatchAdvice(msg);
    dialog.showErrorBox(
      advice ? 'Emotion Studio: the database module is built for Node, not Electron' : 'Emotion Studio cannot open its database',
      advice ? `${advice}\n\n(${msg.split('\n')[0]})` : `${dbPath}: ${msg}`,
    );
    console.error(advice ?? `${dbPath}: ${msg}`);
    app.exit(1);
    return null;
  }
}

void app.whenReady().then(() => {
  db = openDbOrExplain();
  if (!db) return;
  api = createApi({
    db,
    dbPath,
    dataDir: dir,
    mode: 'electron',
    urls: { media: mediaUrlFor, thumbnail: thumbUrlFor },
    pdfPrinter: printToPdf,
    desktop: desktopDialogs,
  });
  api.onJob((e) => {
    if (win && !win.isDestroyed()) win.webContents.send('job', e);
  });
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, cb) => cb(isAllowedPermission(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => isAllowedPermission(permission));
  // the policy as a header too (the page's meta copy covers file://, this covers the dev server)
  ses.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [electronCsp(!!devUrl)] } });
  });
  protocol.handle(MEDIA_SCHEME, handleMedia);
  registerIpc();
  buildMenu();
  win = createWindow();
  win.on('closed', () => (win = null));
});

let quitting = false;
app.on('before-quit', (e) => {
  if (quitting || !api) return;
  // let running jobs store their outcome, then close the database
  e.preventDefault();
  quitting = true;
  void api.close().finally(() => {
    db?.close();
    db = null;
    app.quit();
  });
});
app.on('window-all-closed', () => app.quit());
