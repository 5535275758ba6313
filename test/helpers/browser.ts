// Debian's Chromium, driven by playwright-core, for the browser suites: one
// place for its path and its flags (no first-run, sync or background traffic,
// and no request beyond loopback).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // nothing leaves the machine: every host but loopback (bypassed by default) goes to a closed port
      '--proxy-server=http://127.0.0.1:9',
    ],
  });
}
