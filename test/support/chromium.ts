import { accessSync, constants } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/**
 * The browser the tablet app's test drives: Debian's Chromium, or another binary through
 * CHROMIUM_PATH. Checked when the suite loads, so a machine without it fails once, in one line
 * saying what to install, before a service is started (playwright's own error is a stack trace
 * that names no package).
 */
const CHROMIUM_PATH = installedChromium(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');

function installedChromium(path: string): string {
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    const missing = new Error(`Chromium not found at ${path}: install Debian's chromium (apt-get install chromium fonts-noto-cjk), or set CHROMIUM_PATH`);
    missing.stack = missing.message; // Jest prints a stack when there is one; this line is the whole story
    throw missing;
  }
}

/** `args`: Chromium's own switches, e.g. a fake camera. */
// A browser walk takes a page load per step: on a busy shared machine a test may take minutes, not one.
if (typeof jest !== 'undefined') jest.setTimeout(240_000);

export function launchChromium(args: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args });
}
