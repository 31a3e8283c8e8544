import { Logger } from '@nestjs/common';
import { FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface FileWatchOptions {
  watch: boolean;
  debounceMs: number;
  /** 0: no polling. */
  pollIntervalMs: number;
}

export type FileTrigger = 'watch' | 'poll';

/**
 * Calls back when a watched file may have changed: on file events (debounced, since editors
 * write in several steps) and on a timer as the fallback for missed events. The directory is
 * watched rather than the file, because saving by rename replaces the file's inode.
 */
export class FileWatcher {
  private readonly logger = new Logger('FileWatcher');
  private watcher: FSWatcher | null = null;
  private debounce: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly options: FileWatchOptions,
    private readonly onChange: (trigger: FileTrigger) => void,
  ) {}

  start(): void {
    if (this.options.watch) {
      this.startWatching();
    }
    if (this.options.pollIntervalMs > 0) {
      this.poll = setInterval(() => this.onChange('poll'), this.options.pollIntervalMs);
      this.poll.unref();
    }
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    clearTimeout(this.debounce);
    clearInterval(this.poll);
  }

  private startWatching(): void {
    const name = basename(this.file);
    try {
      this.watcher = watch(dirname(this.file), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed.toString() !== name) {
          return;
        }
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => this.onChange('watch'), this.options.debounceMs);
        this.debounce.unref();
      });
      this.watcher.on('error', (error) => {
        this.logger.warn(`watching ${this.file} failed (${error.message}); polling only`);
        this.watcher?.close();
        this.watcher = null;
      });
    } catch (error) {
      this.logger.warn(`cannot watch ${this.file} (${(error as Error).message}); polling only`);
    }
  }
}
