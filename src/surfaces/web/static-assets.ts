import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DORA_CHARTS_SCRIPT } from './dora-charts-script.ts';
import { STYLESHEET } from './style.ts';

/** One file the page loads from Deckhand itself (nothing from a CDN, no network at run time). */
export interface StaticAsset {
  contentType: string;
  body: string | Buffer;
}

/**
 * The files under /ui/static/: the stylesheet, Chart.js's UMD build read from this installation's
 * node_modules (resolved through the package's own entry point, so a hoisted or nested install both
 * work), and the DORA page's chart script. Chart.js is read once, on first request, and kept by the
 * instance (each web surface has its own).
 */
export class StaticAssets {
  private chartJs: Promise<Buffer> | null = null;

  /** The asset at `path` (`/ui/static/<name>`), or null when there is none. */
  async get(path: string): Promise<StaticAsset | null> {
    switch (path) {
      case '/ui/static/deckhand.css':
        return { contentType: 'text/css; charset=utf-8', body: STYLESHEET };
      case '/ui/static/dora-charts.js':
        return { contentType: 'text/javascript; charset=utf-8', body: DORA_CHARTS_SCRIPT };
      case '/ui/static/chart.umd.min.js':
        // A failed read is not kept: the next request tries again.
        this.chartJs ??= readFile(chartJsPath()).catch((error: unknown) => {
          this.chartJs = null;
          throw error;
        });
        return { contentType: 'text/javascript; charset=utf-8', body: await this.chartJs };
      default:
        return null;
    }
  }
}

/** Where Chart.js's UMD build is: beside the file its package's `require` entry names (dist/). */
function chartJsPath(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return join(dirname(entry), 'chart.umd.min.js');
}
