import { Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { FileTrigger, FileWatchOptions, FileWatcher } from './file-watcher';
import { ReloadAnnouncement, ReloadBroadcast } from './reload-broadcast';

/** What caused a load: boot, an on-demand reload (`http`), a file event, a poll, another replica. */
export type LoadTrigger = 'boot' | 'http' | FileTrigger | 'remote';

/** The bytes of the file as read, before validation. */
export interface FileSource {
  file: string;
  text: string;
  /** First 16 hex digits of the SHA-256 of the file's bytes. */
  hash: string;
}

/** The value in use, with where it came from. Immutable: a reload installs another one. */
export interface Loaded<T> {
  value: T;
  version: string;
  hash: string;
  loadedAt: Date;
}

/**
 * One load attempt's outcome, for metrics and logs. `unchanged`: an on-demand reload found the
 * file already loaded. `invalid`: the file was not taken; `error` says why, and the last good
 * value stays.
 */
export type LoadOutcome<T> =
  | { status: 'success'; trigger: LoadTrigger; loaded: Loaded<T> }
  | { status: 'unchanged'; trigger: LoadTrigger; loaded: Loaded<T> }
  | { status: 'invalid'; trigger: LoadTrigger; error: unknown };

export interface HotReloadedFileOptions<T> {
  /** For log lines, e.g. `feature flags`. */
  name: string;
  /** Absolute path. */
  file: string;
  /**
   * Validates the file and builds the value. Throws when the file is invalid: the error is what
   * start() and reload() throw, so make it an AppError with a stable code and the problems.
   */
  parse: (source: FileSource) => { value: T; version: string } | Promise<{ value: T; version: string }>;
  /** Builds the error for a file that cannot be read (missing, unreadable); same rules as parse. */
  unreadable: (file: string, reason: string) => Error;
  watch: FileWatchOptions;
  /** Tells the other replicas after a load here; they reload their copy of the file. */
  broadcast: ReloadBroadcast;
  /** Called on every load attempt (metrics); also on the boot load. */
  onLoad?: (outcome: LoadOutcome<T>) => void;
}

export interface ReloadOutcome<T> {
  /** false: the file was already loaded. */
  changed: boolean;
  loaded: Loaded<T>;
}

/** Stands for "the file could not be read" where a rejected hash is remembered. */
const UNREADABLE = 'unreadable';

export function contentHash(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/**
 * A validated JSON (or any text) file that is reloaded while the process runs: on file events,
 * on a poll timer (the fallback for missed events), on demand, and when another replica announces
 * that it loaded a new version. A file that does not validate never replaces the last good value;
 * its hash is remembered so that watch and poll do not retry it in a loop, and the next good file
 * is taken. Loads run one at a time, so two racing loads cannot install the older file last.
 *
 * Usage: construct, `await start()` in onModuleInit (throws the parse error at boot: there is no
 * earlier value to fall back on), read `current().value` on every request (synchronous),
 * `reload()` behind an operator route, `stop()` on shutdown.
 */
export class HotReloadedFile<T> {
  private readonly logger: Logger;
  private readonly instanceId = randomUUID();
  private readonly watcher: FileWatcher;
  private loaded: Loaded<T> | null = null;
  private rejectedHash: string | null = null;
  private loading: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: HotReloadedFileOptions<T>) {
    this.logger = new Logger(`HotReloadedFile ${options.name}`);
    this.watcher = new FileWatcher(options.file, options.watch, (trigger) => void this.reloadIfChanged(trigger));
  }

  get file(): string {
    return this.options.file;
  }

  get transport(): ReloadBroadcast['transport'] {
    return this.options.broadcast.transport;
  }

  /** Loads the file (throws if it is invalid), then listens to replicas and starts watching. */
  async start(): Promise<Loaded<T>> {
    let source: FileSource | undefined;
    try {
      source = await this.read();
      this.install(source, await this.options.parse(source), 'boot');
    } catch (error) {
      this.options.onLoad?.({ status: 'invalid', trigger: 'boot', error });
      throw error;
    }
    await this.options.broadcast.start((announcement) => void this.onAnnouncement(announcement));
    this.watcher.start();
    return this.current();
  }

  async stop(): Promise<void> {
    this.watcher.stop();
    await this.options.broadcast.close();
  }

  current(): Loaded<T> {
    if (!this.loaded) {
      throw new Error(`${this.options.name} used before ${this.options.file} was loaded`);
    }
    return this.loaded;
  }

  /**
   * Loads the file now, whatever happened to it before, and announces it. Throws the parse (or
   * unreadable) error when it does not load; the current value stays either way.
   */
  reload(): Promise<ReloadOutcome<T>> {
    return this.serialised(async () => {
      let source: FileSource | undefined;
      try {
        source = await this.read();
        if (source.hash === this.current().hash) {
          this.options.onLoad?.({ status: 'unchanged', trigger: 'http', loaded: this.current() });
          return { changed: false, loaded: this.current() };
        }
        this.install(source, await this.options.parse(source), 'http');
        return { changed: true, loaded: this.current() };
      } catch (error) {
        this.reject(error, 'http', source?.hash ?? UNREADABLE);
        throw error;
      }
    });
  }

  private async read(): Promise<FileSource> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.options.file);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw this.options.unreadable(this.options.file, `cannot be read: ${reason}`);
    }
    return { file: this.options.file, text: bytes.toString('utf8'), hash: contentHash(bytes) };
  }

  /** Watch, poll and announcements: loads only a file not seen before, and never throws. */
  private reloadIfChanged(trigger: Exclude<LoadTrigger, 'boot' | 'http'>): Promise<unknown> {
    return this.serialised(async () => {
      let source: FileSource;
      try {
        source = await this.read();
      } catch (error) {
        if (this.rejectedHash !== UNREADABLE) {
          this.reject(error, trigger, UNREADABLE);
        }
        return;
      }
      if (source.hash === this.loaded?.hash || source.hash === this.rejectedHash) {
        return;
      }
      try {
        this.install(source, await this.options.parse(source), trigger);
      } catch (error) {
        this.reject(error, trigger, source.hash);
      }
    });
  }

  private async onAnnouncement(announcement: ReloadAnnouncement): Promise<void> {
    if (announcement.origin === this.instanceId || announcement.hash === this.loaded?.hash) {
      return;
    }
    await this.reloadIfChanged('remote');
    if (this.loaded?.hash !== announcement.hash) {
      this.logger.warn(
        `another replica loaded version ${announcement.version} (${announcement.hash}); ` +
          `this replica's file gives ${this.loaded?.hash}`,
      );
    }
  }

  private install(source: FileSource, parsed: { value: T; version: string }, trigger: LoadTrigger): void {
    const loaded: Loaded<T> = { value: parsed.value, version: parsed.version, hash: source.hash, loadedAt: new Date() };
    this.loaded = loaded;
    this.rejectedHash = null;
    this.options.onLoad?.({ status: 'success', trigger, loaded });
    this.logger.log(`version ${loaded.version} (${loaded.hash}) loaded from ${this.options.file} on ${trigger}`);
    if (trigger !== 'boot' && trigger !== 'remote') {
      this.options.broadcast
        .publish({ origin: this.instanceId, version: loaded.version, hash: loaded.hash })
        .catch((error: Error) =>
          this.logger.warn(`could not announce ${loaded.hash}: ${error.message}; replicas will poll`),
        );
    }
  }

  private reject(error: unknown, trigger: LoadTrigger, hash: string): void {
    this.rejectedHash = hash;
    this.options.onLoad?.({ status: 'invalid', trigger, error });
    this.logger.error(
      `${(error as Error).message} (on ${trigger}); keeping version ${this.loaded?.version} (${this.loaded?.hash})`,
    );
  }

  private serialised<R>(work: () => Promise<R>): Promise<R> {
    const next = this.loading.then(work, work);
    this.loading = next.catch(() => undefined);
    return next;
  }
}
